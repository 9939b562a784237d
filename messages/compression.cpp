#include "messages/compression.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#include <lz4frame.h>
#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>

namespace samsa {

namespace {

constexpr unsigned char xerial_magic[8] = {0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0};

uint32_t be32(const char* p) {
  auto u = reinterpret_cast<const unsigned char*>(p);
  return (uint32_t{u[0]} << 24) | (uint32_t{u[1]} << 16) | (uint32_t{u[2]} << 8) | u[3];
}

std::optional<std::string> gunzip(const char* p, size_t n, size_t max_out, bool& over) {
  z_stream z{};
  if (inflateInit2(&z, 15 + 32) != Z_OK) // 32: accept a gzip or zlib header
    return std::nullopt;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(p));
  z.avail_in = static_cast<uInt>(n);
  std::string out;
  char buf[16384];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = inflate(&z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&z);
      return std::nullopt;
    }
    out.append(buf, sizeof buf - z.avail_out);
    over = out.size() > max_out;
    if (over || (rc == Z_OK && z.avail_in == 0 && z.avail_out != 0)) {
      inflateEnd(&z);
      return std::nullopt; // too large, or truncated input
    }
  }
  inflateEnd(&z);
  return out;
}

bool snappy_block(const char* p, size_t n, size_t max_out, std::string& out, bool& over) {
  size_t len = 0;
  if (snappy_uncompressed_length(p, n, &len) != SNAPPY_OK)
    return false;
  over = len > max_out - std::min(max_out, out.size());
  if (over)
    return false;
  size_t at = out.size();
  out.resize(at + len);
  return snappy_uncompress(p, n, out.data() + at, &len) == SNAPPY_OK;
}

std::optional<std::string> unsnappy(const char* p, size_t n, size_t max_out, bool& over) {
  std::string out;
  if (n >= 16 && std::memcmp(p, xerial_magic, 8) == 0) {
    size_t at = 16; // magic, version i32, compatible version i32
    while (at < n) {
      if (n - at < 4)
        return std::nullopt;
      size_t len = be32(p + at);
      at += 4;
      if (len > n - at || !snappy_block(p + at, len, max_out, out, over))
        return std::nullopt;
      at += len;
    }
    return out;
  }
  if (!snappy_block(p, n, max_out, out, over))
    return std::nullopt;
  return out;
}

std::optional<std::string> unlz4(const char* p, size_t n, size_t max_out, bool& over) {
  LZ4F_dctx* ctx = nullptr;
  if (LZ4F_isError(LZ4F_createDecompressionContext(&ctx, LZ4F_VERSION)))
    return std::nullopt;
  std::string out;
  char buf[65536];
  size_t at = 0;
  size_t hint = 1;
  while (at < n && hint != 0) {
    size_t dst = sizeof buf;
    size_t src = n - at;
    hint = LZ4F_decompress(ctx, buf, &dst, p + at, &src, nullptr);
    if (LZ4F_isError(hint)) {
      LZ4F_freeDecompressionContext(ctx);
      return std::nullopt;
    }
    at += src;
    out.append(buf, dst);
    over = out.size() > max_out;
    if (over) {
      LZ4F_freeDecompressionContext(ctx);
      return std::nullopt;
    }
  }
  LZ4F_freeDecompressionContext(ctx);
  if (hint != 0)
    return std::nullopt; // the frame did not end
  return out;
}

std::optional<std::string> unzstd(const char* p, size_t n, size_t max_out, bool& over) {
  ZSTD_DStream* s = ZSTD_createDStream();
  if (s == nullptr)
    return std::nullopt;
  ZSTD_initDStream(s);
  std::string out;
  std::vector<char> buf(ZSTD_DStreamOutSize());
  ZSTD_inBuffer in{p, n, 0};
  size_t rc = 1;
  while (in.pos < in.size || rc != 0) {
    ZSTD_outBuffer o{buf.data(), buf.size(), 0};
    rc = ZSTD_decompressStream(s, &o, &in);
    if (ZSTD_isError(rc) || (o.pos == 0 && in.pos == in.size && rc != 0)) {
      ZSTD_freeDStream(s);
      return std::nullopt;
    }
    out.append(buf.data(), o.pos);
    over = out.size() > max_out;
    if (over) {
      ZSTD_freeDStream(s);
      return std::nullopt;
    }
    if (rc == 0 && in.pos == in.size)
      break;
  }
  ZSTD_freeDStream(s);
  return out;
}

} // namespace

std::optional<std::string> decompress(int codec_id, const char* p, size_t n, size_t max_out, bool* over_limit) {
  bool over = false;
  std::optional<std::string> out;
  switch (static_cast<codec>(codec_id)) {
    case codec::none:
      over = n > max_out;
      if (!over)
        out.emplace(p, n);
      break;
    case codec::gzip: out = gunzip(p, n, max_out, over); break;
    case codec::snappy: out = unsnappy(p, n, max_out, over); break;
    case codec::lz4: out = unlz4(p, n, max_out, over); break;
    case codec::zstd: out = unzstd(p, n, max_out, over); break;
  }
  if (over_limit != nullptr)
    *over_limit = over;
  return out;
}

std::optional<codec> codec_by_name(const std::string& name) {
  static const std::pair<const char*, codec> names[] = {
    {"none", codec::none}, {"gzip", codec::gzip}, {"snappy", codec::snappy}, {"lz4", codec::lz4}, {"zstd", codec::zstd}};
  for (const auto& [n, c] : names)
    if (name == n)
      return c;
  return std::nullopt;
}

std::optional<std::string> compress(int codec_id, const char* p, size_t n) {
  switch (static_cast<codec>(codec_id)) {
    case codec::none: return std::string(p, n);
    case codec::gzip: {
      z_stream z{};
      if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return std::nullopt;
      std::string out(deflateBound(&z, static_cast<uLong>(n)) + 32, '\0');
      z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(p));
      z.avail_in = static_cast<uInt>(n);
      z.next_out = reinterpret_cast<Bytef*>(out.data());
      z.avail_out = static_cast<uInt>(out.size());
      int rc = deflate(&z, Z_FINISH);
      out.resize(z.total_out);
      deflateEnd(&z);
      return rc == Z_STREAM_END ? std::optional<std::string>{out} : std::nullopt;
    }
    case codec::snappy: {
      size_t len = snappy_max_compressed_length(n);
      std::string block(len, '\0');
      if (snappy_compress(p, n, block.data(), &len) != SNAPPY_OK)
        return std::nullopt;
      std::string out(reinterpret_cast<const char*>(xerial_magic), 8);
      const unsigned char tail[12] = {0, 0, 0, 1, 0, 0, 0, 1, static_cast<unsigned char>(len >> 24),
                                      static_cast<unsigned char>(len >> 16), static_cast<unsigned char>(len >> 8),
                                      static_cast<unsigned char>(len)};
      out.append(reinterpret_cast<const char*>(tail), 12);
      out.append(block.data(), len);
      return out;
    }
    case codec::lz4: {
      std::string out(LZ4F_compressFrameBound(n, nullptr), '\0');
      size_t len = LZ4F_compressFrame(out.data(), out.size(), p, n, nullptr);
      if (LZ4F_isError(len))
        return std::nullopt;
      out.resize(len);
      return out;
    }
    case codec::zstd: {
      std::string out(ZSTD_compressBound(n), '\0');
      size_t len = ZSTD_compress(out.data(), out.size(), p, n, 3);
      if (ZSTD_isError(len))
        return std::nullopt;
      out.resize(len);
      return out;
    }
  }
  return std::nullopt;
}

} // namespace samsa
