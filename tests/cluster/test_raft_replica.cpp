// Focused behaviour of raft::replica: votes and pre-votes, stickiness, log conflicts, the
// current-term commit rule, check quorum, learners, snapshots, restarts, stale messages. Single
// replicas are driven by hand; cluster scenarios use raft_sim without random faults (its
// safety checks still run after every input).

#include <doctest/doctest.h>

#include "raft_sim_support.hpp"

using namespace samsa::raft;
using namespace samsa::raft::sim;

namespace {

log_index_t idx(int64_t i) { return log_index_t{i}; }
term_t trm(int64_t t) { return term_t{t}; }
node_id_t nid(int32_t n) { return node_id_t{n}; }

replica_config make_cfg(int self, int voters = 3, int learners = 0) {
  replica_config c;
  c.self = nid(self);
  for (int v = 1; v <= voters; ++v) c.voters.insert(nid(v));
  for (int l = voters + 1; l <= voters + learners; ++l) c.learners.insert(nid(l));
  return c;
}

durable_state with_log(int64_t term, std::initializer_list<int64_t> entry_terms) {
  durable_state d;
  d.hard.term = trm(term);
  int64_t i = 0;
  for (auto t : entry_terms) d.entries.push_back(log_entry{trm(t), idx(++i), entry_kind::data, "e" + std::to_string(i)});
  return d;
}

// The messages of type T in fx, with their destination.
template <class T>
std::vector<std::pair<int, T>> sent(const effects& fx) {
  std::vector<std::pair<int, T>> out;
  for (const auto& m : fx.messages)
    if (auto* p = std::get_if<T>(&m.msg)) out.emplace_back(m.to.value, *p);
  return out;
}

// A 3-voter replica 1 with `d` made leader by hand (pre-vote and vote granted by node 2).
replica make_leader(durable_state d, int64_t& now) {
  replica r(make_cfg(1), std::move(d), now);
  now += 2000; // past any randomised election timeout
  auto fx = r.tick(now);
  auto pre = sent<vote_request>(fx);
  REQUIRE(pre.size() == 2);
  CHECK(pre[0].second.pre_vote);
  CHECK(!fx.hard); // a pre-vote does not touch the term
  auto next_term = pre[0].second.term;
  fx = r.step(nid(2), vote_response{next_term, true, true}, now);
  REQUIRE(r.current_role() == role::candidate);
  CHECK(fx.hard == hard_state{next_term, nid(1)});
  fx = r.step(nid(2), vote_response{next_term, true, false}, now);
  REQUIRE(r.current_role() == role::leader);
  REQUIRE(fx.append.size() == 1);
  CHECK(fx.append[0].kind == entry_kind::noop);
  return r;
}

sim_options quiet(int voters = 3, int learners = 1) {
  sim_options o;
  o.voters = voters;
  o.learners = learners;
  o.seed = 7;
  return o;
}

// A client proposal, following leader hints (the first guess may be a follower).
bool propose(raft_sim& s) {
  return s.run_until([&] { return s.client_propose().has_value(); }, 1000);
}

int elect(raft_sim& s) {
  REQUIRE(s.run_until([&] { return s.agreed_leader().has_value(); }, 10000));
  return *s.agreed_leader();
}

} // namespace

TEST_SUITE("raft") {

TEST_CASE("raft: a quiet cluster elects one leader in term 1 and commits its noop everywhere") {
  sim_stats st;
  raft_sim s(quiet(5), st);
  int lead = elect(s);
  CHECK(s.now() <= 2 * 1000 + 100); // one randomised timeout plus a few round trips
  CHECK(s.r(lead).term() == trm(1));
  CHECK(lead <= 5); // never the learner
  REQUIRE(s.run_until([&] { return s.converged(); }, 2000));
  for (int id = 1; id <= s.size(); ++id) CHECK(s.r(id).applied_index() == idx(1));
  CHECK(st.elections == 1);
  s.check_final();
}

TEST_CASE("raft: a single voter leads and commits on its own") {
  int64_t now = 0;
  replica r(make_cfg(1, 1), now);
  auto fx = r.tick(now + 2000);
  CHECK(r.current_role() == role::leader);
  CHECK(fx.hard == hard_state{trm(1), nid(1)});
  CHECK(fx.committed.size() == 1); // the noop
  REQUIRE(fx.role_changed);
  CHECK(fx.role_changed->now == role::leader);
  auto res = r.propose("a", now + 2000);
  CHECK(res.index == idx(2));
  CHECK(res.fx.committed.size() == 1);
  CHECK(res.fx.messages.empty());
}

TEST_CASE("raft: votes: one per term, only for an up-to-date log, persisted with the answer") {
  int64_t now = 0;
  replica r(make_cfg(1), with_log(2, {1, 2}), now);
  // Candidate 2 with a longer log of an older last term: refused, but its term is adopted.
  auto fx = r.step(nid(2), vote_request{trm(3), idx(5), trm(1), false}, now);
  CHECK(!sent<vote_response>(fx).at(0).second.granted);
  CHECK(fx.hard == hard_state{trm(3), std::nullopt});
  // Candidate 3 with an equal log: granted; the vote is in the same effects as the answer.
  fx = r.step(nid(3), vote_request{trm(3), idx(2), trm(2), false}, now);
  CHECK(sent<vote_response>(fx).at(0).second.granted);
  CHECK(fx.hard == hard_state{trm(3), nid(3)});
  // Same term, another candidate: refused. The same candidate again (a duplicate): granted.
  fx = r.step(nid(2), vote_request{trm(3), idx(9), trm(2), false}, now);
  CHECK(!sent<vote_response>(fx).at(0).second.granted);
  fx = r.step(nid(3), vote_request{trm(3), idx(2), trm(2), false}, now);
  CHECK(sent<vote_response>(fx).at(0).second.granted);
  // A restart keeps the vote: still refused for node 2 in term 3.
  durable_state d = with_log(2, {1, 2});
  d.hard = hard_state{r.term(), r.voted_for()};
  replica again(make_cfg(1), d, now);
  fx = again.step(nid(2), vote_request{trm(3), idx(9), trm(2), false}, now);
  CHECK(!sent<vote_response>(fx).at(0).second.granted);
  CHECK(again.voted_for() == nid(3));
}

TEST_CASE("raft: leader stickiness: a follower that hears from its leader ignores (pre-)votes") {
  int64_t now = 0;
  replica r(make_cfg(2), now);
  r.step(nid(1), append_request{trm(1), idx(0), trm(0), {}, idx(0)}, now);
  REQUIRE(r.leader() == nid(1));
  now += 500;
  auto fx = r.step(nid(3), vote_request{trm(2), idx(9), trm(1), false}, now);
  CHECK(fx.messages.empty());
  CHECK(r.term() == trm(1)); // not even the term moved
  fx = r.step(nid(3), vote_request{trm(2), idx(9), trm(1), true}, now);
  CHECK(!sent<vote_response>(fx).at(0).second.granted);
  // Once the leader has been silent for an election timeout, the same pre-vote is granted.
  now += 1000;
  fx = r.step(nid(3), vote_request{trm(2), idx(9), trm(1), true}, now);
  CHECK(sent<vote_response>(fx).at(0).second.granted);
  CHECK(r.term() == trm(1)); // pre-votes never move the term
}

TEST_CASE("raft: a follower that loses the connection to its leader campaigns within a fifth of the timeout") {
  int64_t now = 0;
  replica r2(make_cfg(2), now);
  replica r3(make_cfg(3), now);
  r2.step(nid(1), append_request{trm(1), idx(0), trm(0), {}, idx(0)}, now);
  r3.step(nid(1), append_request{trm(1), idx(0), trm(0), {}, idx(0)}, now);
  now += 10;
  // A peer that is not the leader going away changes nothing.
  r2.peer_unreachable(nid(3), now);
  CHECK(r2.leader() == nid(1));
  CHECK(sent<vote_request>(r2.tick(now + 200)).empty());
  // The leader's connection drops: node 2 stops trusting it and asks for pre-votes within 200 ms (a fifth
  // of the 1000 ms election timeout), not after 1000-2000 ms.
  auto fx = r2.peer_unreachable(nid(1), now);
  CHECK(!r2.leader());
  CHECK(fx.messages.empty());
  now += 200;
  auto pre = sent<vote_request>(r2.tick(now));
  REQUIRE(pre.size() == 2);
  CHECK(pre[0].second.pre_vote);
  CHECK(r2.current_role() == role::pre_candidate);
  CHECK(r2.term() == trm(1));
  // Node 3 still heard from the leader 200 ms ago: its stickiness refuses the pre-vote (a healthy leader
  // is not deposed by one follower's broken connection) ...
  auto refused = sent<vote_response>(r3.step(nid(2), pre[0].second, now));
  REQUIRE(refused.size() == 1);
  CHECK(!refused[0].second.granted);
  // ... until node 3 loses its connection to the leader too.
  r3.peer_unreachable(nid(1), now);
  auto granted = sent<vote_response>(r3.step(nid(2), pre[0].second, now));
  REQUIRE(granted.size() == 1);
  CHECK(granted[0].second.granted);
  CHECK(r3.term() == trm(1)); // a pre-vote never moves the term
}

TEST_CASE("raft: pre-vote: an isolated follower neither raises its term nor disrupts on return") {
  sim_stats st;
  raft_sim s(quiet(3, 0), st);
  int lead = elect(s);
  int f = lead % 3 + 1;
  auto term = s.r(lead).term();
  s.isolate(f);
  s.advance(10000); // ten election timeouts alone
  CHECK(s.r(f).term() == term);
  CHECK(s.r(f).current_role() == role::pre_candidate);
  CHECK(s.r(lead).current_role() == role::leader);
  s.heal();
  s.advance(3000);
  CHECK(s.agreed_leader() == lead);
  CHECK(s.r(lead).term() == term);
  CHECK(st.elections == 1);
}

TEST_CASE("raft: check quorum: a cut-off leader steps down, the majority elects another") {
  sim_stats st;
  raft_sim s(quiet(3, 1), st);
  int lead = elect(s);
  auto term = s.r(lead).term();
  s.isolate(lead);
  s.advance(1500);
  CHECK(s.r(lead).current_role() == role::leader); // within fetch_timeout: still leader
  s.advance(1000);
  CHECK(s.r(lead).current_role() == role::follower);
  CHECK(s.r(lead).term() == term); // stepping down does not invent a term
  CHECK(st.step_downs == 1);
  s.heal();
  int next = elect(s);
  CHECK(next != lead);
  CHECK(s.r(next).term() > term);
  REQUIRE(propose(s));
  REQUIRE(s.run_until([&] { return s.converged(); }, 3000));
  s.check_final();
}

TEST_CASE("raft: a divergent follower is repaired with one round trip per conflicting term") {
  int64_t now = 0;
  replica r(make_cfg(2), with_log(2, {1, 1, 2, 2, 2}), now);
  // Leader of term 3 whose entry 5 has term 3: the hint points at the start of our term 2.
  auto fx = r.step(nid(1), append_request{trm(3), idx(5), trm(3), {}, idx(0)}, now);
  auto resp = sent<append_response>(fx).at(0).second;
  CHECK(!resp.success);
  CHECK(resp.index == idx(5));
  CHECK(resp.hint == idx(3));
  // Too short a log: the hint is our end.
  fx = r.step(nid(1), append_request{trm(3), idx(9), trm(3), {}, idx(0)}, now);
  CHECK(sent<append_response>(fx).at(0).second.hint == idx(6));
  // A heartbeat that matches at 2 does not let us commit our stale 3..5, whatever the
  // leader's commit index: only what a request verified can be committed.
  fx = r.step(nid(1), append_request{trm(3), idx(2), trm(1), {}, idx(5)}, now);
  CHECK(sent<append_response>(fx).at(0).second.index == idx(2));
  CHECK(r.commit_index() == idx(2));
  // The leader retries from 3: our 3..5 are replaced, the durable log told so.
  std::vector<log_entry> es = {log_entry{trm(3), idx(3), entry_kind::data, "n3"},
                               log_entry{trm(3), idx(4), entry_kind::data, "n4"}};
  fx = r.step(nid(1), append_request{trm(3), idx(2), trm(1), es, idx(2)}, now);
  CHECK(fx.truncate_from == idx(3));
  CHECK(fx.append.size() == 2);
  CHECK(r.log().last_index() == idx(4));
  resp = sent<append_response>(fx).at(0).second;
  CHECK(resp.success);
  CHECK(resp.index == idx(4));
  // The same request again (a duplicate) and an older, shorter copy change nothing: entries
  // that match are kept, never truncated and rewritten.
  fx = r.step(nid(1), append_request{trm(3), idx(2), trm(1), es, idx(2)}, now);
  CHECK(!fx.truncate_from);
  CHECK(fx.append.empty());
  fx = r.step(nid(1), append_request{trm(3), idx(2), trm(1), {es[0]}, idx(2)}, now);
  CHECK(!fx.truncate_from);
  CHECK(r.log().last_index() == idx(4));
  CHECK(sent<append_response>(fx).at(0).second.index == idx(3));
  fx = r.step(nid(1), append_request{trm(3), idx(4), trm(3), {}, idx(4)}, now);
  CHECK(r.commit_index() == idx(4));
  CHECK(fx.committed.size() == 2);
}

TEST_CASE("raft: only entries of the leader's own term are committed by counting") {
  int64_t now = 0;
  replica r = make_leader(with_log(2, {1, 2}), now); // leader of term 3, noop at 3
  CHECK(r.term() == trm(3));
  // Node 2 acknowledges up to index 2 (term 2): a majority has it, still not committed.
  auto fx = r.step(nid(2), append_response{trm(3), true, idx(2), idx(0)}, now);
  CHECK(r.commit_index() == idx(0));
  CHECK(fx.committed.empty());
  // Once the noop of term 3 is on a majority, it commits everything before it too.
  fx = r.step(nid(2), append_response{trm(3), true, idx(3), idx(0)}, now);
  CHECK(r.commit_index() == idx(3));
  CHECK(fx.committed.size() == 3);
  // A stale success (an older match) and a stale rejection change nothing.
  fx = r.step(nid(2), append_response{trm(3), true, idx(1), idx(0)}, now);
  CHECK(r.match_index(nid(2)) == idx(3));
  fx = r.step(nid(2), append_response{trm(3), false, idx(1), idx(1)}, now);
  CHECK(fx.messages.empty());
  CHECK(r.match_index(nid(2)) == idx(3));
  // A response of an older term is ignored; one of a newer term deposes the leader.
  r.step(nid(3), append_response{trm(2), true, idx(3), idx(0)}, now);
  CHECK(r.match_index(nid(3)) == idx(0));
  fx = r.step(nid(3), append_response{trm(4), false, idx(0), idx(0)}, now);
  CHECK(r.current_role() == role::follower);
  CHECK(fx.hard == hard_state{trm(4), std::nullopt});
}

TEST_CASE("raft: duplicate votes count once, proposals on a follower name the leader") {
  int64_t now = 0;
  replica r(make_cfg(1, 5), now);
  now += 2000;
  r.tick(now);
  REQUIRE(r.current_role() == role::pre_candidate);
  r.step(nid(2), vote_response{trm(1), true, true}, now);
  r.step(nid(2), vote_response{trm(1), true, true}, now); // duplicate
  CHECK(r.current_role() == role::pre_candidate);           // 2 of 5 is no majority
  r.step(nid(3), vote_response{trm(1), true, true}, now);
  REQUIRE(r.current_role() == role::candidate);
  r.step(nid(2), vote_response{trm(1), true, false}, now);
  r.step(nid(2), vote_response{trm(1), true, false}, now);
  CHECK(r.current_role() == role::candidate);
  r.step(nid(4), vote_response{trm(1), true, false}, now);
  CHECK(r.current_role() == role::leader);

  replica f(make_cfg(2), now);
  auto res = f.propose("x", now);
  CHECK(!res.index);
  CHECK(!res.leader_hint);
  f.step(nid(1), append_request{trm(1), idx(0), trm(0), {}, idx(0)}, now);
  res = f.propose("x", now);
  CHECK(!res.index);
  CHECK(res.leader_hint == nid(1));
}

TEST_CASE("raft: learners get the log but never campaign, never vote, never count") {
  sim_stats st;
  raft_sim s(quiet(3, 1), st);
  int lead = elect(s);
  REQUIRE(s.run_until([&] { return s.converged(); }, 2000));
  const int learner = 4;
  auto commit = s.r(lead).commit_index();
  // Cut the leader off from both voters but not from the learner, and propose.
  for (int v = 1; v <= 3; ++v) if (v != lead) s.set_link(lead, v, false);
  REQUIRE(propose(s));
  s.advance(500);
  CHECK(s.r(learner).log().last_index() == s.r(lead).log().last_index()); // replicated to it...
  CHECK(s.r(lead).commit_index() == commit);                              // ...but not counted
  // Alone for ten election timeouts, a learner stays a learner in the same term.
  s.heal();
  REQUIRE(s.run_until([&] { return s.converged(); }, 10000));
  auto term = s.r(learner).term();
  s.isolate(learner);
  s.advance(10000);
  CHECK(s.r(learner).current_role() == role::learner);
  CHECK(s.r(learner).term() == term);
  // And it does not answer vote requests at all.
  auto fx = s.r(learner).step(nid(1), vote_request{trm(99), idx(99), trm(99), false}, s.now());
  CHECK(fx.messages.empty());
  fx = s.r(learner).step(nid(1), vote_request{trm(99), idx(99), trm(99), true}, s.now());
  CHECK(fx.messages.empty());
}

TEST_CASE("raft: add_learner: a node outside the voters that says hello is replicated to, never counted") {
  int64_t now = 0;
  auto r = make_leader(with_log(1, {1, 1}), now);
  auto fx = r.add_learner(nid(7), now);
  auto appends = sent<append_request>(fx);
  REQUIRE(appends.size() == 1); // at once, probing from the log end
  CHECK(appends[0].first == 7);
  CHECK(appends[0].second.prev_log_index == idx(3));
  CHECK(r.is_learner(nid(7)));
  CHECK(r.match_index(nid(7)) == idx(0));
  // Known already, a voter, or itself: nothing happens.
  CHECK(r.add_learner(nid(7), now).messages.empty());
  CHECK(r.add_learner(nid(2), now).messages.empty());
  CHECK(r.add_learner(nid(1), now).messages.empty());
  CHECK(!r.is_learner(nid(2)));
  // The learner's acknowledgement of everything does not commit: node 2 and 3 have not answered.
  fx = r.step(nid(7), append_response{r.term(), true, idx(3), idx(0)}, now);
  CHECK(r.match_index(nid(7)) == idx(3));
  CHECK(r.commit_index() == idx(0));
  CHECK(fx.committed.empty());
  // A follower records the learner too, so whichever voter leads next replicates to it.
  replica f(make_cfg(2), now);
  CHECK(f.add_learner(nid(7), now).messages.empty());
  CHECK(f.is_learner(nid(7)));
}

TEST_CASE("raft: remove_learner: a learner that went away is no longer replicated to, until its next hello") {
  int64_t now = 0;
  auto r = make_leader(with_log(1, {1, 1}), now);
  r.add_learner(nid(7), now);
  r.step(nid(7), append_response{r.term(), true, idx(3), idx(0)}, now);
  REQUIRE(r.match_index(nid(7)) == idx(3));
  CHECK(r.remove_learner(nid(7)).messages.empty());
  CHECK(!r.is_learner(nid(7)));
  CHECK(r.config().learners.count(nid(7)) == 0);
  // Heartbeats and new entries go to the voters only.
  now += 1000;
  auto fx = r.tick(now);
  for (const auto& m : fx.messages)
    CHECK(m.to != nid(7));
  // A late answer of the forgotten learner changes nothing.
  r.step(nid(7), append_response{r.term(), true, idx(3), idx(0)}, now);
  CHECK(!r.is_learner(nid(7)));
  // Voters, self and unknown nodes are not removed.
  r.remove_learner(nid(2));
  r.remove_learner(nid(1));
  r.remove_learner(nid(9));
  CHECK(r.config().voters.count(nid(2)) == 1);
  // Its next hello adds it again, probing from the log end like any new learner.
  fx = r.add_learner(nid(7), now);
  auto appends = sent<append_request>(fx);
  REQUIRE(appends.size() == 1);
  CHECK(appends[0].second.prev_log_index == idx(3));
  CHECK(r.match_index(nid(7)) == idx(0));
}

TEST_CASE("raft: a learner that joins late behind the compacted log gets the snapshot, then the log") {
  sim_stats st;
  sim_options o = quiet(3, 0);
  o.late_learners = 1;
  o.snapshot_every = 5;
  raft_sim s(o, st);
  const int learner = 4;
  int lead = elect(s);
  for (int i = 0; i < 12; ++i) REQUIRE(propose(s));
  REQUIRE(s.run_until([&] { return s.converged(); }, 5000)); // converged without it: it has not joined
  CHECK(!s.up(learner));
  REQUIRE(s.r(lead).log().first_index() > idx(1));
  s.join(learner);
  REQUIRE(s.run_until([&] { return s.converged(); }, 5000));
  CHECK(st.learners_added >= 3); // every voter knows it
  CHECK(st.late_learner_snapshots == 1);
  CHECK(s.r(learner).current_role() == role::learner);
  CHECK(s.r(learner).leader() == nid(lead));
  // A restarted learner catches up again; so does one whose leader is replaced meanwhile.
  s.crash(learner);
  for (int i = 0; i < 3; ++i) REQUIRE(propose(s));
  s.crash(lead);
  s.restart(learner);
  REQUIRE(s.run_until([&] { auto l = s.agreed_leader(); return l && *l != lead; }, 10000));
  REQUIRE(propose(s));
  s.restart(lead);
  REQUIRE(s.run_until([&] { return s.converged(); }, 10000));
  CHECK(s.r(learner).applied_index() == s.r(*s.agreed_leader()).log().last_index());
  s.check_final();
}

TEST_CASE("raft: snapshots: a follower behind the leader's first index is sent the snapshot") {
  sim_stats st;
  sim_options o = quiet(3, 1);
  o.snapshot_every = 5;
  raft_sim s(o, st);
  int lead = elect(s);
  int f = lead % 3 + 1;
  s.crash(f);
  for (int i = 0; i < 30; ++i) {
    REQUIRE(propose(s));
    s.advance(50);
  }
  REQUIRE(s.r(lead).log().first_index() > idx(5));
  CHECK(st.snapshots_installed == 0);
  s.restart(f);
  CHECK(s.r(f).log().last_index() < s.r(lead).log().first_index()); // entries cannot reach it
  REQUIRE(s.run_until([&] { return s.converged(); }, 5000));
  CHECK(st.snapshots_installed >= 1);
  CHECK(s.at(f).sm == s.at(lead).sm);
  CHECK(s.at(f).sm.size() == 31); // the noop and 30 values
  // A crash-restart now starts from the snapshot and re-applies only what follows it.
  s.crash(f);
  s.restart(f);
  CHECK(s.r(f).applied_index() == s.at(f).stored.snap.meta.index);
  REQUIRE(s.run_until([&] { return s.converged(); }, 5000));
  s.check_final();
  // snapshot_taken refuses what it cannot honour.
  auto& lr = s.r(lead);
  CHECK(!lr.snapshot_taken(lr.log().snapshot().index, "old"));
  CHECK(!lr.snapshot_taken(lr.applied_index() + 1, "future"));
}

TEST_CASE("raft: a follower that comes back with an empty log (wiped data directory) gets the snapshot") {
  int64_t now = 0;
  replica lead = make_leader(with_log(1, {1, 1, 1, 1, 1}), now); // term 2, noop at 6
  auto t = lead.term();
  lead.step(nid(2), append_response{t, true, idx(6), idx(0)}, now);
  REQUIRE(lead.commit_index() == idx(6));
  REQUIRE(lead.snapshot_taken(idx(6), "image@6"));
  REQUIRE(lead.match_index(nid(2)) == idx(6));
  // Node 2 restarts with nothing: the leader's next heartbeat (prev 6) is rejected with hint 1.
  replica wiped(make_cfg(2), now);
  now += 200; // past the heartbeat interval
  effects fx = lead.tick(now);
  std::optional<append_request> hb;
  for (auto& [to, req] : sent<append_request>(fx))
    if (to == 2) hb = req;
  REQUIRE(hb);
  CHECK(hb->prev_log_index == idx(6));
  fx = wiped.step(nid(1), *hb, now);
  auto rej = sent<append_response>(fx).at(0).second;
  CHECK(!rej.success);
  CHECK(rej.hint == idx(1));
  // The leader starts that peer over; what it needs was compacted away, so it gets the snapshot.
  fx = lead.step(nid(2), rej, now);
  CHECK(lead.match_index(nid(2)) == idx(0));
  auto snaps = sent<snapshot_request>(fx);
  REQUIRE(snaps.size() == 1);
  CHECK(snaps[0].first == 2);
  CHECK(snaps[0].second.snap.meta.index == idx(6));
  CHECK(snaps[0].second.snap.data == "image@6");
  fx = wiped.step(nid(1), snaps[0].second, now);
  REQUIRE(fx.install);
  CHECK(fx.install->data == "image@6");
  CHECK(wiped.commit_index() == idx(6));
  fx = lead.step(nid(2), sent<snapshot_response>(fx).at(0).second, now);
  CHECK(lead.match_index(nid(2)) == idx(6));
  // A stale rejection (an older prev than what the peer acknowledged since) never moves it back.
  lead.step(nid(2), append_response{t, false, idx(3), idx(1)}, now);
  CHECK(lead.match_index(nid(2)) == idx(6));
}

} // TEST_SUITE("raft")
