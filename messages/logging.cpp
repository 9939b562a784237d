#include "messages/logging.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace samsa {

void configure_logging(const std::string& level) {
  static auto logger = [] {
    auto l = spdlog::stderr_logger_mt("samsa");
    l->set_pattern("%Y-%m-%d %H:%M:%S.%e [%l] %v");
    // Warnings and errors reach the terminal at once; info lines may wait for the next flush.
    l->flush_on(spdlog::level::info);
    spdlog::set_default_logger(l);
    return l;
  }();
  auto lvl = spdlog::level::from_str(level);
  if (level != "off" && lvl == spdlog::level::off)
    lvl = spdlog::level::info;
  logger->set_level(lvl);
}

} // namespace samsa
