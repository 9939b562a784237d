// Kafka's Uuid (topic ids, KIP-516): 16 bytes on the wire (the most significant 8 first, both big
// endian), printed as 22 characters of unpadded base64url. samsa stores topic ids in that printed form
// (persistence/metadata_store.hpp, cluster/metadata_image.hpp); these convert at the wire's edge.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "messages/kafka/wire.hpp"

namespace samsa::kafka {

using uuid = std::array<uint8_t, 16>;

/// Kafka's Uuid.ZERO_UUID: "no topic id" in requests and answers.
inline constexpr uuid zero_uuid{};

/// The 16 bytes of a 22-character base64url id; nullopt for any other text (wrong length, a character
/// outside the alphabet, or trailing bits that are not zero).
std::optional<uuid> uuid_from_string(std::string_view text) noexcept;

/// The 22-character base64url form of `id` (what Kafka's tools print).
std::string uuid_to_string(const uuid& id);

/// The wire form of a stored id; zero_uuid when `text` is empty or not an id.
inline uuid uuid_or_zero(std::string_view text) noexcept {
  return uuid_from_string(text).value_or(zero_uuid);
}

/// The 16 wire bytes of a Uuid field (flexible versions: topic ids in Metadata v10+, Fetch v13+, ...).
inline uuid read_uuid(reader& r) noexcept {
  uuid out{};
  for (auto& b : out)
    b = static_cast<uint8_t>(r.read_i8());
  return r.failed() ? zero_uuid : out;
}

inline void write_uuid(writer& w, const uuid& id) {
  for (auto b : id)
    w.write_i8(static_cast<int8_t>(b));
}

} // namespace samsa::kafka
