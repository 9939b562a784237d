#include "persistence/errc.hpp"

namespace samsa::persistence {

const char* to_string(errc e) {
  switch (e) {
    case errc::ok:
      return "ok";
    case errc::offset_out_of_range:
      return "offset_out_of_range";
    case errc::corrupt_message:
      return "corrupt_message";
    case errc::record_too_large:
      return "record_too_large";
    case errc::invalid_batch:
      return "invalid_batch";
    case errc::io_error:
      return "io_error";
    case errc::disk_full:
      return "disk_full";
    case errc::too_many_open_files:
      return "too many open files";
    case errc::not_found:
      return "not_found";
    case errc::already_exists:
      return "already_exists";
  }
  return "unknown";
}

}  // namespace samsa::persistence
