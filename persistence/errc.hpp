#pragma once

// The error codes of the persistence layer (log storage and the SQLite stores).
//
// Kept small and storage-specific on purpose: actors map them to Kafka error codes in one place at
// the handler boundary (actors' to_api_errc), so nothing below the actors knows Kafka's numbering.

#include <cstdint>

namespace samsa::persistence {

enum class errc : uint8_t {
  ok = 0,
  offset_out_of_range,  // read below log start or above log end
  corrupt_message,      // bad CRC or unreadable stored data
  record_too_large,     // a batch above max.message.bytes
  invalid_batch,        // bytes that are not whole v2 batches, or offsets out of sequence
  io_error,             // any other failed system call
  disk_full,            // ENOSPC / EDQUOT: the caller may retry after retention frees space
  too_many_open_files,  // EMFILE / ENFILE: the descriptor limit (RLIMIT_NOFILE) is reached
  not_found,            // a keyed row (topic, group...) does not exist
  already_exists,       // a keyed row exists already
};

const char* to_string(errc e);

}  // namespace samsa::persistence
