#pragma once

// Kafka record batch v2 (magic 2): header access, the broker's append checks, in-place offset and
// epoch stamping, and a record-level encoder/decoder for clients, tools and tests.
//
// Layout (all integers big-endian; "varint"/"varlong" are zigzag varints, see messages/bytes.hpp):
//
//   offset size field
//   0      8    base_offset             first offset of the batch (a producer sends 0)
//   8      4    batch_length            bytes after this field, so a batch spans 12 + batch_length
//   12     4    partition_leader_epoch  stamped by the leader; -1 from producers
//   16     1    magic                   2
//   17     4    crc                     CRC-32C of bytes [21, 12 + batch_length)
//   21     2    attributes              bits 0-2 compression (0 none, 1 gzip, 2 snappy, 3 lz4,
//                                       4 zstd), bit 3 timestamp type (1 = log append time),
//                                       bit 4 transactional, bit 5 control
//   23     4    last_offset_delta       offset of the last record minus base_offset
//   27     8    base_timestamp          timestamp of the first record
//   35     8    max_timestamp           largest record timestamp
//   43     8    producer_id             -1 when not idempotent
//   51     2    producer_epoch          -1 when not idempotent
//   53     4    base_sequence           -1 when not idempotent
//   57     4    records_count
//   61     ...  records (possibly compressed as one blob), each:
//                 length varint (bytes after this field), attributes i8 (unused, 0),
//                 timestamp_delta varlong, offset_delta varint,
//                 key_length varint (-1 = null) + key bytes, value_length varint (-1 = null) + value,
//                 header_count varint, then per header: key_length varint + key (never null),
//                 value_length varint (-1 = null) + value bytes.
//
// base_offset (0-7) and partition_leader_epoch (12-15) lie before the CRC range on purpose: a
// broker assigns both by overwriting the bytes, never re-encoding or re-checksumming.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace samsa {

struct record_header {
  std::string key;
  std::optional<std::string> value;
};

struct record {
  std::optional<std::string> key;
  std::optional<std::string> value;
  std::vector<record_header> headers;
  int64_t timestamp = -1;  // -1: stamped with now_ms at encode
  int64_t offset = -1;     // filled in by decode
};

// The fixed 61-byte prefix of a batch, decoded. Plain value; read_batch_header() only checks that
// the length field is plausible, the other fields are as found.
struct batch_header {
  int64_t base_offset = 0;
  int32_t batch_length = 0;
  int32_t partition_leader_epoch = -1;
  int8_t magic = 0;
  uint32_t crc = 0;
  int16_t attributes = 0;
  int32_t last_offset_delta = 0;
  int64_t base_timestamp = -1;
  int64_t max_timestamp = -1;
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
  int32_t base_sequence = -1;
  int32_t records_count = 0;

  int64_t last_offset() const { return base_offset + last_offset_delta; }
  size_t total_size() const { return 12 + static_cast<size_t>(batch_length); }
  int compression() const { return attributes & 7; }
  bool is_log_append_time() const { return (attributes & 0x08) != 0; }
  bool is_transactional() const { return (attributes & 0x10) != 0; }
  bool is_control() const { return (attributes & 0x20) != 0; }
};

constexpr size_t batch_header_size = 61;
// batch_length counts the bytes after itself: a header-only batch has batch_length 61 - 12.
constexpr int32_t min_batch_length = static_cast<int32_t>(batch_header_size - 12);

// Byte offsets of the fields the broker touches in place.
namespace batch_field {
constexpr size_t base_offset = 0;
constexpr size_t batch_length = 8;
constexpr size_t partition_leader_epoch = 12;
constexpr size_t magic = 16;
constexpr size_t crc = 17;
constexpr size_t attributes = 21;  // also where the CRC range starts
constexpr size_t last_offset_delta = 23;
constexpr size_t base_timestamp = 27;
constexpr size_t max_timestamp = 35;
constexpr size_t producer_id = 43;
constexpr size_t producer_epoch = 51;
constexpr size_t base_sequence = 53;
constexpr size_t records_count = 57;
}  // namespace batch_field

enum class batch_error : uint8_t {
  ok,
  too_short,            // fewer than 61 bytes
  bad_length,           // batch_length implausible or not matching the bytes given
  bad_magic,            // magic != 2 (old message formats are not accepted)
  bad_crc,              // CRC-32C mismatch -> Kafka CORRUPT_MESSAGE
  bad_offset_delta,     // last_offset_delta + 1 != records_count, or no records
  control_batch,        // clients may not write control batches
  nonzero_base_offset,  // a producer's batch must start at 0
  bad_sequence,         // producer_id >= 0 but base_sequence < 0
  too_large,            // larger than max.message.bytes -> Kafka RECORD_TOO_LARGE
};
const char* to_string(batch_error);

// Parses the fixed header of the batch at p (n bytes available); nullopt if n < 61 or
// batch_length < 49. Does not check magic or CRC.
std::optional<batch_header> read_batch_header(const char* p, size_t n);

// CRC-32C over bytes [21, total_size) compared with the stored crc. total_size must be >= 61.
bool verify_crc(const char* p, size_t total_size);

// What a broker checks on a client append: exactly one whole batch spans [p, p+n), magic 2, at
// most max_message_bytes, CRC valid, base offset 0, offsets consistent, not a control batch,
// idempotent batches carry a sequence. Checked in that order; the first failure is returned.
batch_error validate_client_batch(const char* p, size_t n, int32_t max_message_bytes);

void set_base_offset(char* p, int64_t base_offset);       // in place, outside the CRC
void set_partition_leader_epoch(char* p, int32_t epoch);  // in place, outside the CRC

// Encodes records into one uncompressed v2 batch with base offset 0 (producer id/epoch/sequence
// -1 unless given), timestamps -1 replaced by now_ms, CRC filled in. base_timestamp is the first
// record's timestamp, as the Java producer does (later deltas may be negative). An empty vector
// gives a header-only batch with records_count 0 and last_offset_delta -1, which
// validate_client_batch rejects: callers should not produce it.
std::vector<char> encode_batch(const std::vector<record>& records, int64_t now_ms,
                               int64_t producer_id = -1, int16_t producer_epoch = -1,
                               int32_t base_sequence = -1);

// The batch `batch` (as encode_batch made it: uncompressed) with its records compressed by `codec_id`
// (messages/compression.hpp: 1 gzip, 2 snappy, 3 lz4, 4 zstd) as a Kafka producer sends it: header kept,
// codec bits set, batch_length and CRC fixed. Codec 0 returns the batch unchanged; nullopt for an unknown
// codec.
std::optional<std::vector<char>> compress_batch(const std::vector<char>& batch, int codec_id);

// The compressed batch [p, p + h.total_size()) uncompressed: the header with the codec bits cleared and
// batch_length fixed, then the inflated records (CRC not recomputed: callers read the records, not the
// checksum). nullopt when the payload does not inflate or inflates beyond max_out bytes.
std::optional<std::vector<char>> inflate_batch(const char* p, const batch_header& h, size_t max_out);

// The most a compressed batch may inflate to in decode_batches (a decompression bomb must not take a
// client's memory).
constexpr size_t max_inflated_batch_bytes = 64u << 20;

// Decodes all records of the whole batches in [p, p+n) (a partial trailing batch is ignored, as a
// Kafka client does), skipping records with offset < min_offset, appending to out. Compressed batches
// are inflated (up to max_inflated_batch_bytes). Returns false on malformed input (bad length, magic,
// CRC, record framing, a payload that does not inflate); control batches are skipped. For log-append-time batches every record gets
// the batch's max_timestamp, as Kafka clients report it. On failure, records of earlier good
// batches stay in out.
bool decode_batches(const char* p, size_t n, int64_t min_offset, std::vector<record>& out);

}  // namespace samsa
