// raft_log: the in-memory log with its snapshot offset, and the role transition table.

#include <doctest/doctest.h>

#include <set>
#include <stdexcept>

#include "cluster/raft/raft_log.hpp"
#include "cluster/raft/raft_replica.hpp"

using namespace samsa::raft;

namespace {

log_entry entry(int64_t index, int64_t term, bytes data = "x") {
  return log_entry{term_t{term}, log_index_t{index}, entry_kind::data, std::move(data)};
}

log_index_t idx(int64_t i) { return log_index_t{i}; }
term_t trm(int64_t t) { return term_t{t}; }

} // namespace

TEST_SUITE("raft") {

TEST_CASE("raft: the role transition table") {
  using r = role;
  const r all[] = {r::follower, r::pre_candidate, r::candidate, r::leader, r::learner};
  std::set<std::pair<r, r>> allowed = {
      {r::follower, r::follower},           {r::follower, r::pre_candidate},
      {r::pre_candidate, r::pre_candidate}, {r::pre_candidate, r::candidate},
      {r::pre_candidate, r::follower},      {r::candidate, r::leader},
      {r::candidate, r::follower},          {r::candidate, r::pre_candidate},
      {r::leader, r::follower},             {r::learner, r::learner},
  };
  for (auto from : all)
    for (auto to : all) {
      CAPTURE(to_string(from));
      CAPTURE(to_string(to));
      bool ok = allowed.count({from, to}) != 0;
      CHECK(can_transition(from, to) == ok);
      if (ok)
        CHECK_NOTHROW(check_transition(from, to));
      else
        CHECK_THROWS_AS(check_transition(from, to), std::logic_error);
    }
}

TEST_CASE("raft_log: append, terms, slices and truncation") {
  raft_log log;
  CHECK(log.first_index() == idx(1));
  CHECK(log.last_index() == idx(0));
  CHECK(log.term_at(idx(0)) == trm(0));
  CHECK(!log.term_at(idx(1)));
  for (int64_t i = 1; i <= 5; ++i)
    log.append(entry(i, i <= 2 ? 1 : 2, std::string(static_cast<size_t>(i), 'a')));
  CHECK(log.last_index() == idx(5));
  CHECK(log.last_term() == trm(2));
  CHECK(log.matches(idx(2), trm(1)));
  CHECK(!log.matches(idx(3), trm(1)));
  CHECK_THROWS_AS(log.append(entry(7, 2)), std::logic_error);  // hole
  CHECK_THROWS_AS(log.append(entry(6, 1)), std::logic_error);  // term going down
  // Byte-bounded slices, but never empty: an entry larger than the budget still goes.
  CHECK(log.slice(idx(1), idx(5), 3).size() == 2);  // 1 + 2 bytes
  CHECK(log.slice(idx(5), idx(5), 1).size() == 1);  // 5 bytes > budget
  CHECK(log.slice(idx(2), idx(9), 1000).size() == 4);
  log.truncate_from(idx(4));
  CHECK(log.last_index() == idx(3));
  log.truncate_from(idx(9)); // beyond the end: nothing
  CHECK(log.last_index() == idx(3));
}

TEST_CASE("raft_log: compaction keeps the suffix, a foreign snapshot replaces the log") {
  raft_log log;
  for (int64_t i = 1; i <= 6; ++i)
    log.append(entry(i, i <= 3 ? 1 : 2));
  log.compact(snapshot_meta{idx(4), trm(2)});
  CHECK(log.first_index() == idx(5));
  CHECK(log.last_index() == idx(6));
  CHECK(log.term_at(idx(4)) == trm(2)); // the snapshot stands in for index 4
  CHECK(!log.term_at(idx(3)));
  CHECK_THROWS_AS(log.at(idx(4)), std::logic_error);
  CHECK_THROWS_AS(log.truncate_from(idx(4)), std::logic_error); // never into the snapshot
  CHECK_THROWS_AS(log.slice(idx(3), idx(6), 100), std::logic_error);
  log.compact(snapshot_meta{idx(2), trm(1)}); // older than what we have: nothing
  CHECK(log.first_index() == idx(5));
  // A snapshot whose last entry we do not have (or have with another term) drops everything.
  log.compact(snapshot_meta{idx(6), trm(3)});
  CHECK(log.last_index() == idx(6));
  CHECK(log.last_term() == trm(3));
  CHECK(log.first_index() == idx(7));
  raft_log restored(snapshot_meta{idx(6), trm(3)}, {entry(7, 3), entry(8, 4)});
  CHECK(restored.last_index() == idx(8));
  CHECK(restored.term_at(idx(6)) == trm(3));
}

TEST_CASE("raft_log: up-to-date comparison and the conflict hint") {
  raft_log log;
  const int64_t terms[] = {1, 1, 2, 2, 2, 4};
  for (int64_t i = 1; i <= 6; ++i)
    log.append(entry(i, terms[i - 1]));
  CHECK(log.is_up_to_date(idx(1), trm(5)));  // higher last term wins whatever the length
  CHECK(!log.is_up_to_date(idx(9), trm(3))); // lower last term loses whatever the length
  CHECK(log.is_up_to_date(idx(6), trm(4)));  // equal is up to date
  CHECK(!log.is_up_to_date(idx(5), trm(4)));
  // The run of term 2 starts at 3; the floor (commit + 1) bounds how far back we point.
  CHECK(log.first_index_of_term(idx(5), idx(1)) == idx(3));
  CHECK(log.first_index_of_term(idx(5), idx(4)) == idx(4));
  CHECK(log.first_index_of_term(idx(2), idx(1)) == idx(1));
  CHECK(log.first_index_of_term(idx(6), idx(1)) == idx(6));
}

} // TEST_SUITE("raft")
