// Idempotent-producer sequence checks and their snapshot.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include <unistd.h>

#include "messages/crc32c.hpp"
#include "persistence/producer_state.hpp"

using namespace samsa;
using namespace samsa::persistence;

namespace {

batch_header batch(int64_t pid, int16_t epoch, int32_t first_seq, int32_t count, int64_t base_offset = 0) {
  batch_header h{};
  h.base_offset = base_offset;
  h.producer_id = pid;
  h.producer_epoch = epoch;
  h.base_sequence = first_seq;
  h.last_offset_delta = count - 1;
  h.records_count = count;
  return h;
}

} // namespace

TEST_CASE("sequences: in order accepted, gaps refused, retries of the last five are duplicates") {
  producer_state st;
  CHECK(st.check(batch(7, 0, 0, 10)) == sequence_check::ok);
  CHECK(st.check(batch(7, 0, 3, 10)) == sequence_check::out_of_order); // a new producer starts at 0
  st.record(batch(7, 0, 0, 10), 100);
  CHECK(st.check(batch(7, 0, 10, 5)) == sequence_check::ok);
  CHECK(st.check(batch(7, 0, 11, 5)) == sequence_check::out_of_order);
  producer_batch orig;
  CHECK(st.check(batch(7, 0, 0, 10), &orig) == sequence_check::duplicate);
  CHECK(orig.first_offset == 100);
  CHECK(orig.last_offset == 109);
  // Six more batches: the first falls out of the window of five.
  int32_t seq = 10;
  for (int i = 0; i < 6; ++i) {
    st.record(batch(7, 0, seq, 2), 200 + i * 2);
    seq += 2;
  }
  CHECK(st.check(batch(7, 0, 0, 10)) == sequence_check::out_of_order);
  CHECK(st.check(batch(7, 0, 20, 2)) == sequence_check::duplicate);
  CHECK(st.check(batch(7, 0, seq, 1)) == sequence_check::ok);
  CHECK(st.find(7)->batches.size() == producer_state::max_cached_batches);
}

TEST_CASE("epochs: older fenced, newer must restart at zero") {
  producer_state st;
  st.record(batch(1, 3, 0, 1), 0);
  CHECK(st.check(batch(1, 2, 1, 1)) == sequence_check::invalid_epoch);
  CHECK(st.check(batch(1, 4, 5, 1)) == sequence_check::out_of_order);
  CHECK(st.check(batch(1, 4, 0, 1)) == sequence_check::ok);
  st.record(batch(1, 4, 0, 1), 1);
  CHECK(st.find(1)->epoch == 4);
  CHECK(st.find(1)->batches.size() == 1);
}

TEST_CASE("non-idempotent batches are never checked") {
  producer_state st;
  CHECK(st.check(batch(-1, -1, -1, 3)) == sequence_check::ok);
  st.record(batch(-1, -1, -1, 3), 0);
  CHECK(st.producer_count() == 0);
}

TEST_CASE("sequence numbers wrap at INT32_MAX") {
  producer_state st;
  st.record(batch(9, 0, 0, 1), 0);
  auto h = batch(9, 0, INT32_MAX - 1, 2, 1);
  // Jumping is out of order, but a batch ending at INT32_MAX is followed by 0.
  CHECK(st.check(h) == sequence_check::out_of_order);
  producer_state wrap;
  wrap.record(batch(9, 1, 0, 1), 0);
  auto& e = const_cast<producer_entry&>(*wrap.find(9));
  e.batches.back().last_seq = INT32_MAX;
  CHECK(wrap.check(batch(9, 1, 0, 1)) == sequence_check::ok);
}

TEST_CASE("snapshot round trip, corrupt snapshots are refused") {
  auto dir = std::filesystem::temp_directory_path() / ("samsa-ps-" + std::to_string(std::random_device{}()));
  std::filesystem::create_directories(dir);
  producer_state st;
  st.record(batch(1, 0, 0, 5), 0);
  st.record(batch(2, 7, 0, 3), 5);
  st.record(batch(1, 0, 5, 5), 8);
  st.covered_offset = 13;
  REQUIRE(st.save(dir / "s"));
  auto back = producer_state::load(dir / "s");
  REQUIRE(back);
  CHECK(back->covered_offset == 13);
  CHECK(back->producer_count() == 2);
  CHECK(back->find(2)->epoch == 7);
  CHECK(back->check(batch(1, 0, 5, 5)) == sequence_check::duplicate);
  CHECK(back->check(batch(1, 0, 10, 1)) == sequence_check::ok);
  // Flip one byte: the CRC refuses the file.
  {
    std::fstream f{dir / "s", std::ios::in | std::ios::out | std::ios::binary};
    f.seekp(20);
    char c = 0x5a;
    f.write(&c, 1);
  }
  CHECK_FALSE(producer_state::load(dir / "s"));
  CHECK_FALSE(producer_state::load(dir / "missing"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("a replica that replays the leader's batches answers a retry with their original offsets") {
  // As a follower appends fetched batches (offsets assigned by the leader) and may lead next: the batches of
  // one producer at offsets 40, 43 and 45, behind another producer's batch at 0.
  std::vector<char> fetched;
  auto add = [&](int64_t pid, int32_t seq, int n, int64_t base_offset) {
    std::vector<record> recs(static_cast<size_t>(n));
    for (auto& r : recs)
      r.value = std::string("v");
    auto b = encode_batch(recs, 1700000000000, pid, 0, seq);
    set_base_offset(b.data(), base_offset);
    fetched.insert(fetched.end(), b.begin(), b.end());
  };
  add(8, 0, 40, 0);
  add(7, 0, 3, 40);
  add(7, 3, 2, 43);
  add(7, 5, 4, 45);
  producer_state st;
  st.replay(fetched.data(), fetched.size());
  CHECK(st.covered_offset == 49);
  producer_batch orig;
  CHECK(st.check(batch(7, 0, 5, 4), &orig) == sequence_check::duplicate); // the producer's retry of its last
  CHECK(orig.first_offset == 45);
  CHECK(orig.last_offset == 48);
  CHECK(st.check(batch(7, 0, 0, 3), &orig) == sequence_check::duplicate);
  CHECK(orig.first_offset == 40);
  CHECK(st.check(batch(7, 0, 9, 1)) == sequence_check::ok);
  // Replaying the same bytes again (a refetch after a restart) changes nothing.
  st.replay(fetched.data(), fetched.size());
  CHECK(st.find(7)->batches.size() == 3);
}

TEST_CASE("truncation drops batch metadata at and after the offset") {
  producer_state st;
  st.record(batch(1, 0, 0, 5), 0);
  st.record(batch(1, 0, 5, 5), 5);
  st.covered_offset = 10;
  st.truncate_from(5);
  CHECK(st.covered_offset == 5);
  CHECK(st.find(1)->batches.size() == 1);
  CHECK(st.check(batch(1, 0, 5, 5)) == sequence_check::ok);
}

TEST_CASE("idle producers expire after producer.id.expiration.ms, the last write time survives a snapshot") {
  const int64_t day = 86'400'000;
  producer_state st;
  st.record(batch(1, 0, 0, 1, 0), 0, 1'000);          // written at t=1s
  st.record(batch(2, 0, 0, 1, 1), 1, 1'000 + day / 2); // written half a day later
  CHECK(st.expire(1'000 + day - 1, day) == 0);
  CHECK(st.expire(1'000 + day, day) == 1); // exactly the expiration: gone, as in Kafka
  CHECK(st.find(1) == nullptr);
  REQUIRE(st.find(2) != nullptr);
  // A forgotten producer's next batch must start a new sequence.
  CHECK(st.check(batch(1, 0, 1, 1)) == sequence_check::out_of_order);

  auto file = std::filesystem::temp_directory_path() / ("samsa_ps_expire_" + std::to_string(::getpid()));
  REQUIRE(st.save(file));
  auto loaded = producer_state::load(file);
  std::filesystem::remove(file);
  REQUIRE(loaded);
  REQUIRE(loaded->find(2) != nullptr);
  CHECK(loaded->find(2)->last_timestamp_ms == 1'000 + day / 2);
  CHECK(loaded->expire(1'000 + day / 2 + day, day) == 1);
}

TEST_CASE("replayed batches expire by their own max timestamp") {
  producer_state st;
  auto h = batch(9, 0, 0, 1, 0);
  h.max_timestamp = 5'000;
  st.record(h, 0); // replay: no broker clock
  CHECK(st.find(9)->last_timestamp_ms == 5'000);
  CHECK(st.expire(5'000 + 999, 1'000) == 0);
  CHECK(st.expire(5'000 + 1'000, 1'000) == 1);
}

TEST_CASE("an SPS1 snapshot (before last-write times) still loads, its producers' clocks start at the next expire") {
  std::vector<char> body;
  auto put = [&body](uint64_t v, int bytes) {
    for (int i = bytes - 1; i >= 0; --i)
      body.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  };
  put(10, 8);  // covered_offset
  put(1, 4);   // one producer
  put(77, 8);  // producer id
  put(3, 2);   // epoch
  put(1, 1);   // one batch
  put(0, 4);   // first_seq
  put(9, 4);   // last_seq
  put(0, 8);   // first_offset
  put(9, 8);   // last_offset
  std::vector<char> file{'S', 'P', 'S', '1'};
  auto crc = samsa::crc32c(body.data(), body.size());
  for (int i = 3; i >= 0; --i)
    file.push_back(static_cast<char>((crc >> (8 * i)) & 0xff));
  file.insert(file.end(), body.begin(), body.end());
  auto path = std::filesystem::temp_directory_path() / ("samsa_ps_v1_" + std::to_string(::getpid()));
  std::ofstream(path, std::ios::binary).write(file.data(), static_cast<std::streamsize>(file.size()));
  auto loaded = producer_state::load(path);
  std::filesystem::remove(path);
  REQUIRE(loaded);
  CHECK(loaded->covered_offset == 10);
  REQUIRE(loaded->find(77) != nullptr);
  CHECK(loaded->find(77)->epoch == 3);
  CHECK(loaded->find(77)->last_timestamp_ms == -1);
  CHECK(loaded->check(batch(77, 3, 10, 1)) == sequence_check::ok); // the sequence continues
  CHECK(loaded->expire(5'000, 1'000) == 0);                          // unknown age: the clock starts now
  CHECK(loaded->expire(6'000, 1'000) == 1);
}

TEST_CASE("summaries: every producer by id, with its epoch, last sequence and last write (DescribeProducers)") {
  producer_state st;
  st.record(batch(9, 2, 0, 5), 10, 5000);
  st.record(batch(7, 0, 0, 10), 100, 4000);
  st.record(batch(7, 0, 10, 3), 110, 4500);
  auto s = st.summaries();
  REQUIRE(s.size() == 2);
  CHECK(s[0].producer_id == 7);
  CHECK(s[0].epoch == 0);
  CHECK(s[0].last_sequence == 12);
  CHECK(s[0].last_timestamp_ms == 4500);
  CHECK(s[1].producer_id == 9);
  CHECK(s[1].epoch == 2);
  CHECK(s[1].last_sequence == 4);
  CHECK(producer_state{}.summaries().empty());
}
