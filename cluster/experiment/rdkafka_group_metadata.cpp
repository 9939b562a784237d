#include "cluster/experiment/rdkafka_group_metadata.hpp"

#include <cstring>

namespace samsa::cluster::experiment {

std::optional<group_member_metadata> parse_rdkafka_group_metadata(const void* data, size_t size) {
  static constexpr char magic[] = {'C', 'G', 'M', 'D', 'v', '2', ':'};
  const auto* p = static_cast<const char*>(data);
  if (p == nullptr || size < sizeof magic + sizeof(int32_t) || std::memcmp(p, magic, sizeof magic) != 0)
    return std::nullopt;
  group_member_metadata m;
  std::memcpy(&m.generation, p + sizeof magic, sizeof m.generation);
  size_t at = sizeof magic + sizeof(int32_t);
  // The next NUL-terminated string from `at`, or nullopt when the bytes end first.
  auto text = [&]() -> std::optional<std::string> {
    const void* nul = std::memchr(p + at, '\0', size - at);
    if (nul == nullptr)
      return std::nullopt;
    std::string s{p + at, static_cast<const char*>(nul)};
    at += s.size() + 1;
    return s;
  };
  auto group = text();
  auto member = group ? text() : std::nullopt;
  if (!member)
    return std::nullopt;
  m.group = std::move(*group);
  m.member = std::move(*member);
  return m;
}

} // namespace samsa::cluster::experiment
