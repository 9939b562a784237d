#pragma once
// nlohmann-json, private to the console library and its tests (the other headers use plain types).
#include <string>

#include <nlohmann/json.hpp>

namespace samsa::console {

// Serialises compactly; bytes that are not UTF-8 (a group id may hold any) become U+FFFD instead of
// throwing.
inline std::string dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace samsa::console
