#pragma once

// Whether appends to one partition work, so a failing disk is reported once per state change
// (first failure, a different failure, recovery) rather than once per produce request, which on a
// full disk would be thousands of identical lines a second. Pure logic; the partition actor owns
// one and logs what it returns.

#include <optional>
#include <string>

#include "persistence/errc.hpp"

namespace samsa::persistence {

// One operator line to print: an error when appends start failing, info when they work again.
struct health_line {
  bool error = false;
  std::string text;
};

// Owns the last append state of one partition (named like "orders-0"). Invariant: failing_ is
// ok exactly while the last storage-level append result was a success.
class append_health {
 public:
  explicit append_health(std::string partition) : partition_(std::move(partition)) {}

  // Feeds the result of one append. Only storage failures (disk_full, io_error) and successes
  // change the state; a client's bad batch says nothing about the disk. Returns the line to log
  // when the state changed.
  std::optional<health_line> on_append(errc result);

  bool failing() const { return failing_ != errc::ok; }
  errc failure() const { return failing_; } // the failure of the last storage-failed append (ok: none)

 private:
  std::string partition_;
  errc failing_ = errc::ok;
};

}  // namespace samsa::persistence
