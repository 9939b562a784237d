// The broker's lease on its leaderships (cluster/broker_lease.hpp): one session from each answered
// heartbeat's send time, never shortened by an older answer, gone when the controller fences the node.
#include <doctest/doctest.h>

#include "cluster/broker_lease.hpp"

using samsa::cluster::broker_lease;

TEST_CASE("broker lease: held for one session from the send time of the last heartbeat answered unfenced") {
  broker_lease lease(4000);
  CHECK_FALSE(lease.holds(0)); // a node that started holds none until its first answered heartbeat
  CHECK(lease.until_ms() == 0);
  lease.renew(1000);
  CHECK(lease.holds(1000));
  CHECK(lease.holds(4999));
  CHECK_FALSE(lease.holds(5000)); // the controller fences no earlier than it saw the heartbeat + the session
  lease.renew(3000);
  CHECK(lease.holds(6999));
  lease.renew(2000); // a late answer to an older heartbeat does not shorten it
  CHECK(lease.until_ms() == 7000);
  // A node frozen past its session (SIGSTOP) resumes without a lease.
  CHECK_FALSE(lease.holds(12000));
  lease.renew(12000);
  CHECK(lease.holds(12000));
  lease.revoke(); // answered "fenced"
  CHECK_FALSE(lease.holds(12000));
  lease.renew(12500);
  CHECK(lease.until_ms() == 16500);
}
