#pragma once
// Completions that run in the order their tickets were taken, whatever order the work behind them finishes
// in. A Kafka connection's requests must take effect in the order they were sent (Kafka reads one request
// of a connection at a time): a pipelined Produce whose partition lookup is answered from the connection's
// cache must not reach the partition before an earlier one still waiting for the broker's lookup, or an
// idempotent producer's batch N+1 is refused OUT_OF_ORDER_SEQUENCE while batch N is appended after it,
// which librdkafka reports as a fatal "sequence desynchronization". Single-threaded (one actor's state).

#include <cstdint>
#include <functional>
#include <map>
#include <utility>

namespace samsa::actors {

class ordered_completions {
public:
  // The next ticket; every ticket taken must be completed exactly once, or later ones wait forever.
  uint64_t take() { return next_ticket_++; }

  // Runs `run` once every earlier ticket has run (at once when they all have). `run` may take and
  // complete tickets itself.
  void complete(uint64_t ticket, std::function<void()> run) {
    if (ticket != next_to_run_) {
      ready_.emplace(ticket, std::move(run));
      return;
    }
    ++next_to_run_; // the common case (nothing earlier outstanding): no map node
    run();
    while (!ready_.empty() && ready_.begin()->first == next_to_run_) {
      auto f = std::move(ready_.begin()->second);
      ready_.erase(ready_.begin());
      ++next_to_run_;
      f();
    }
  }

  // Completions held back behind an earlier ticket.
  size_t held() const { return ready_.size(); }

private:
  uint64_t next_ticket_ = 0;
  uint64_t next_to_run_ = 0;
  std::map<uint64_t, std::function<void()>> ready_;
};

} // namespace samsa::actors
