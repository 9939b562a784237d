#include <doctest/doctest.h>

#include <cstring>
#include <string>

#include "messages/crc32c.hpp"
#include "messages/murmur2.hpp"

using namespace samsa;

TEST_CASE("crc32c: standard check value") {
  CHECK(crc32c("123456789", 9) == 0xE3069283u);
  CHECK(crc32c("", 0) == 0u);
  // RFC 3720 B.4: 32 bytes of zeros -> 0x8A9136AA, 32 bytes of 0xFF -> 0x62A8AB43.
  std::string zeros(32, '\0');
  std::string ones(32, '\xff');
  CHECK(crc32c(zeros.data(), zeros.size()) == 0x8A9136AAu);
  CHECK(crc32c(ones.data(), ones.size()) == 0x62A8AB43u);
}

TEST_CASE("crc32c: incremental equals one-shot at every split point and alignment") {
  std::string s;
  for (int i = 0; i < 300; ++i)
    s.push_back(static_cast<char>(i * 7 + 3));
  const uint32_t whole = crc32c(s.data(), s.size());
  for (size_t split = 0; split <= s.size(); split += 13) {
    uint32_t c = crc32c(s.data(), split);
    c = crc32c(s.data() + split, s.size() - split, c);
    CHECK(c == whole);
  }
  // Unaligned starts give the same result as an aligned copy.
  for (size_t off = 1; off < 8; ++off) {
    std::string sub = s.substr(off);
    CHECK(crc32c(s.data() + off, s.size() - off) == crc32c(sub.data(), sub.size()));
  }
}

namespace {
int32_t mm(const char* s) { return murmur2(s, std::strlen(s)); }
}  // namespace

TEST_CASE("murmur2: Java Utils.murmur2 vectors") {
  CHECK(mm("kafka") == static_cast<int32_t>(0xd067cf64u));
  // librdkafka's unittest_murmur2 vectors (verified there against Java), covering every tail length.
  CHECK(mm("giberish123456789") == static_cast<int32_t>(0x8f552b0cu));
  CHECK(mm("1234") == static_cast<int32_t>(0x9fc97b14u));
  CHECK(mm("234") == static_cast<int32_t>(0xe7c009cau));
  CHECK(mm("34") == static_cast<int32_t>(0x873930dau));
  CHECK(mm("4") == static_cast<int32_t>(0x5a4b5ca1u));
  CHECK(mm("PreAmbleWillBeRemoved,ThePrePartThatIs") == static_cast<int32_t>(0x78424f1cu));
  CHECK(mm("reAmbleWillBeRemoved,ThePrePartThatIs") == static_cast<int32_t>(0x4a62b377u));
  CHECK(mm("eAmbleWillBeRemoved,ThePrePartThatIs") == static_cast<int32_t>(0xe0e4e09eu));
  CHECK(mm("AmbleWillBeRemoved,ThePrePartThatIs") == static_cast<int32_t>(0x62b8b43fu));
  CHECK(mm("") == static_cast<int32_t>(0x106e08d9u));
  // Kafka's own UtilsTest.testMurmur2 vectors.
  CHECK(mm("21") == -973932308);
  CHECK(mm("foobar") == -790332482);
  CHECK(mm("a-little-bit-long-string") == -985981536);
  CHECK(mm("a-little-bit-longer-string") == -1486304829);
  CHECK(mm("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8") == -58897971);
  CHECK(mm("abc") == 479470107);
}

TEST_CASE("murmur2: partitioning like the Java default partitioner") {
  CHECK(to_positive(-1) == 0x7fffffff);
  CHECK(to_positive(INT32_MIN) == 0);
  CHECK(to_positive(5) == 5);
  // 0xd067cf64 & 0x7fffffff = 0x5067cf64 = 1348980580; % 10 = 0, % 7 = 1348980580 % 7.
  CHECK(partition_for_key("kafka", 5, 10) == 1348980580 % 10);
  CHECK(partition_for_key("kafka", 5, 7) == 1348980580 % 7);
  CHECK(partition_for_key("kafka", 5, 1) == 0);
  CHECK(partition_for_key("kafka", 5, 0) == 0);
}
