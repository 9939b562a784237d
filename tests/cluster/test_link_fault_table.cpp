// The link-fault decisions of the in-process experiment engine (cluster/experiment/link_fault_table): which
// connections close, which are refused, how long received bytes are held, over overlapping faults.
#include <doctest/doctest.h>

#include "cluster/experiment/link_fault_table.hpp"

using namespace samsa::cluster::experiment;

TEST_CASE("link faults: no fault passes everything") {
  link_fault_table t;
  CHECK(t.empty());
  CHECK(t.may_connect(1, 2));
  CHECK_FALSE(t.must_close(1, 2));
  CHECK(t.hold_ms(1, 2) == 0);
  CHECK(t.hold_ms(2, 1) == 0);
}

TEST_CASE("link faults: a cut both ways closes and refuses, a heal restores") {
  link_fault_table t;
  t.cut(1, 2);
  t.cut(2, 1);
  CHECK(t.must_close(1, 2));
  CHECK(t.must_close(2, 1));
  CHECK_FALSE(t.may_connect(1, 2));
  CHECK_FALSE(t.may_connect(2, 1));
  CHECK(t.may_connect(1, 3)); // other links untouched
  CHECK(t.may_connect(3, 2));
  CHECK_FALSE(t.must_close(1, 3));
  t.heal(1, 2);
  t.heal(2, 1);
  CHECK(t.empty());
  CHECK(t.may_connect(1, 2));
  CHECK(t.hold_ms(1, 2) == 0);
}

TEST_CASE("link faults: a one-way cut holds that direction until the heal, refuses new connections") {
  link_fault_table t;
  t.cut(1, 2); // 2 no longer hears 1
  CHECK_FALSE(t.must_close(1, 2)); // the connection stays; BASP's timeout on 2 ends it
  CHECK_FALSE(t.may_connect(1, 2));
  CHECK_FALSE(t.may_connect(2, 1));
  CHECK_FALSE(t.hold_ms(1, 2).has_value()); // held until the heal
  CHECK(t.hold_ms(2, 1) == 0);              // 1 still hears 2
  t.heal(1, 2);
  CHECK(t.hold_ms(1, 2) == 0);
  CHECK(t.may_connect(1, 2));
}

TEST_CASE("link faults: overlapping cuts last until every one healed") {
  link_fault_table t;
  t.cut(1, 2); // an isolation of 1 ...
  t.cut(2, 1);
  t.cut(1, 2); // ... and a one-way fault from 1 at the same time
  t.heal(1, 2);
  t.heal(2, 1); // the isolation healed: 1 -> 2 still cut by the one-way fault
  CHECK_FALSE(t.must_close(1, 2));
  CHECK_FALSE(t.may_connect(1, 2));
  CHECK_FALSE(t.hold_ms(1, 2).has_value());
  t.heal(1, 2);
  CHECK(t.empty());
  t.heal(1, 2); // healing what is not cut changes nothing
  CHECK(t.empty());
}

TEST_CASE("link faults: delays are per direction, the largest active one counts, a cut wins") {
  link_fault_table t;
  t.add_delay(1, 2, 200);
  CHECK(t.hold_ms(1, 2) == 200);
  CHECK(t.hold_ms(2, 1) == 0);
  CHECK(t.may_connect(1, 2)); // a slow link still connects
  t.add_delay(1, 2, 500);
  CHECK(t.hold_ms(1, 2) == 500);
  t.remove_delay(1, 2, 500);
  CHECK(t.hold_ms(1, 2) == 200);
  t.cut(1, 2);
  CHECK_FALSE(t.hold_ms(1, 2).has_value());
  t.heal(1, 2);
  CHECK(t.hold_ms(1, 2) == 200);
  t.remove_delay(1, 2, 200);
  t.add_delay(1, 2, 0); // no delay at all
  CHECK(t.empty());
}
