#pragma once
// The `clock` fault of an experiment (docs/experiments.md "Clock faults"): a node's wall clock shifted by
// libfaketime (Debian's libfaketime), preloaded into every broker of a run that has clock faults. Each
// node reads its offset from a file of its own (FAKETIME_TIMESTAMP_FILE) on every wall-clock call
// (FAKETIME_NO_CACHE=1), so the runner shifts a running node by rewriting that file; the monotonic clock
// stays real (FAKETIME_DONT_FAKE_MONOTONIC=1): samsa's timeouts, CAF's timers and the Raft and ISR deadlines
// run on steady_clock, only what Kafka stamps with wall time sees the shift (actors/actor_clock.hpp).
//
// Pure: the file's text for an offset, the broker's environment, offsets as people read them. No I/O.
#include <cstdint>
#include <string>
#include <vector>

namespace samsa::cluster::experiment {

// The largest shift a scenario may ask for, either way: one year.
constexpr int64_t max_clock_offset_ms = int64_t{365} * 24 * 3600 * 1000;

// The content of a FAKETIME_TIMESTAMP_FILE that shifts the clock by offset_ms: libfaketime's relative
// offset in seconds, with a '.' and three digits for a fraction ("+7200\n", "-0.250\n", "+0\n"). libfaketime
// reads the fraction with strtod, so the broker must run in the C locale (it never calls setlocale).
std::string faketime_file_text(int64_t offset_ms);

// "+2h", "-90s", "+250ms", "+1h30m", "+0": whole days, hours, minutes and seconds where they fit, else
// milliseconds.
std::string clock_offset_text(int64_t offset_ms);

// The environment of a broker under libfaketime: `inherited` ("KEY=VALUE" entries) without any FAKETIME*
// variable of the caller's (FAKETIME itself would take priority over the file) plus LD_PRELOAD=`lib` (ahead
// of an inherited LD_PRELOAD), FAKETIME_TIMESTAMP_FILE=`file`, FAKETIME_NO_CACHE=1 and
// FAKETIME_DONT_FAKE_MONOTONIC=1.
std::vector<std::string> faketime_environment(const std::vector<std::string>& inherited, const std::string& lib,
                                              const std::string& file);

} // namespace samsa::cluster::experiment
