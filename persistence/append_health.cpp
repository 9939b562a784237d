#include "persistence/append_health.hpp"

namespace samsa::persistence {

std::optional<health_line> append_health::on_append(errc result) {
  if (result == errc::ok) {
    if (failing_ == errc::ok)
      return std::nullopt;
    failing_ = errc::ok;
    return health_line{false, partition_ + ": appends work again"};
  }
  if (result != errc::disk_full && result != errc::io_error && result != errc::too_many_open_files)
    return std::nullopt;
  if (result == failing_)
    return std::nullopt;
  failing_ = result;
  if (result == errc::disk_full)
    return health_line{true, partition_ + ": append failed: no space left on device (disk full); "
                                          "producing to this partition fails until space is freed"};
  if (result == errc::too_many_open_files)
    return health_line{true, partition_ + ": append failed: too many open files (RLIMIT_NOFILE); producing to "
                                          "this partition fails until descriptors are free"};
  return health_line{true, partition_ + ": append failed: I/O error writing the log; producing to "
                                        "this partition fails until the disk is repaired"};
}

}  // namespace samsa::persistence
