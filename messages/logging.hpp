#pragma once
// The broker's operator log: leveled, timestamped lines on stderr through spdlog's default logger. Every
// layer logs with spdlog::info/warn/error directly (one line per event an operator acts on: recovery,
// damage found, disk full, topics created or deleted, rebalances); this header only sets the logger up.
#include <string>

namespace samsa {

// Points spdlog's default logger at stderr with the pattern "2026-11-30 17:22:33.123 [warn] text" and
// sets its level: trace, debug, info, warn, error or off (log.level). Unknown names mean info. Safe to
// call again (the level changes, the sink stays). Embedding applications may skip it and configure
// spdlog themselves.
void configure_logging(const std::string& level);

} // namespace samsa
