#pragma once
// The console's pages, stylesheet and script (console/web/*), embedded in the binary at build time by
// cmake/embed_console.cmake: the broker needs no files beside it and the browser fetches nothing from
// elsewhere (no CDN, no external libraries).
#include <string_view>
#include <vector>

namespace samsa::console {

struct asset {
  std::string_view name;          // file name under console/web
  std::string_view content_type;
  std::string_view body;
};

// Every embedded file (generated source).
const std::vector<asset>& embedded_assets();

// The file named `name`, or nullptr.
const asset* find_asset(std::string_view name);

} // namespace samsa::console
