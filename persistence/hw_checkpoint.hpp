#pragma once
// A partition replica's high watermark on disk (Kafka's replication-offset-checkpoint, one file per
// partition here): <dir>/high-watermark-checkpoint, text: line "0" (version), then the offset. Written
// atomically (write_file_atomic) by the replica's timer and at close, so it may lag the true HW: it is only
// where a restarted replica starts (a leader's HW then advances as followers fetch; a follower learns the
// leader's with its first fetch). A missing or garbage file reads as nullopt (start from 0).
#include <cstdint>
#include <filesystem>
#include <optional>

#include "persistence/errc.hpp"

namespace samsa::persistence {

std::optional<int64_t> load_high_watermark(const std::filesystem::path& dir);
errc save_high_watermark(const std::filesystem::path& dir, int64_t hw);

} // namespace samsa::persistence
