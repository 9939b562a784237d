// A consumer's diverging fetch position (cluster/replica/fetch_divergence, KIP-320): the rules of the header on
// hand-made leader epoch caches.
#include <doctest/doctest.h>

#include "epoch_cache_support.hpp"

#include "cluster/replica/fetch_divergence.hpp"

using namespace samsa::cluster::replica;
using samsa::persistence::epoch_entry;
using samsa::persistence::leader_epoch_cache;

namespace {

using samsa::test::cache_of;

void check_diverging(const fetch_divergence& d, int32_t epoch, int64_t end) {
  CHECK_FALSE(d.out_of_range);
  REQUIRE(d.diverging);
  CHECK(d.diverging->epoch == epoch);
  CHECK(d.diverging->end_offset == end);
}

void check_reads(const fetch_divergence& d) {
  CHECK_FALSE(d.out_of_range);
  CHECK_FALSE(d.diverging);
}

} // namespace

// The leader's log: epoch 0 holds offsets 0-9, epoch 2 offsets 10-14 (log end 15), its current epoch is 2.
TEST_CASE("fetch divergence: a position inside the epoch the client last fetched is read as usual") {
  auto c = cache_of({{0, 0}, {2, 10}});
  check_reads(check_fetch_divergence(c, -1, 12, 0, 15, 2)); // not asked (Fetch before v12, or -1)
  check_reads(check_fetch_divergence(c, 0, 8, 0, 15, 2));
  check_reads(check_fetch_divergence(c, 0, 10, 0, 15, 2)); // exactly where epoch 0 ends
  check_reads(check_fetch_divergence(c, 2, 15, 0, 15, 2)); // the latest epoch ends at the log end
}

TEST_CASE("fetch divergence: a position past the end of the client's epoch diverges there") {
  auto c = cache_of({{0, 0}, {2, 10}});
  // The client read offsets 10 and 11 in epoch 0 from a leader whose records the new leader never had.
  check_diverging(check_fetch_divergence(c, 0, 12, 0, 15, 2), 0, 10);
  // It read from a leader of epoch 1, which this log never had: the largest epoch below it is 0, ending at 10.
  check_diverging(check_fetch_divergence(c, 1, 12, 0, 15, 2), 0, 10);
  check_diverging(check_fetch_divergence(c, 1, 10, 0, 15, 2), 0, 10); // a lower epoch diverges even at its end
  // Its epoch is older than every epoch the log knows: that epoch ends where the first one starts.
  auto later = cache_of({{2, 10}});
  check_diverging(check_fetch_divergence(later, 1, 12, 10, 15, 2), 1, 10);
}

TEST_CASE("fetch divergence: out of range when the epoch is unknown or the offset below the log start") {
  auto c = cache_of({{0, 0}, {2, 10}});
  CHECK(check_fetch_divergence(c, 3, 12, 0, 15, 2).out_of_range); // above the leader's epoch: no answer
  CHECK(check_fetch_divergence(c, 0, 3, 5, 15, 2).out_of_range);  // below the log start, diverging or not
  CHECK(check_fetch_divergence(c, 1, 3, 5, 15, 2).out_of_range);
  CHECK(check_fetch_divergence(leader_epoch_cache{}, 0, 0, 0, 0, -1).out_of_range); // no epoch at all
}

TEST_CASE("fetch divergence: the current epoch counts as started at the log end before its first append") {
  // A new leader in epoch 3 has appended nothing yet; its cache still ends with epoch 2.
  auto c = cache_of({{0, 0}, {2, 10}});
  check_reads(check_fetch_divergence(c, 2, 15, 0, 15, 3));
  check_diverging(check_fetch_divergence(c, 2, 17, 0, 15, 3), 2, 15); // read 15-16 from the old leader
}
