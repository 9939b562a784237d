#include "console/assets.hpp"

namespace samsa::console {

const asset* find_asset(std::string_view name) {
  for (auto& a : embedded_assets())
    if (a.name == name)
      return &a;
  return nullptr;
}

} // namespace samsa::console
