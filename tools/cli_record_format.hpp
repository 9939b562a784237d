#pragma once
// How `samsa consume` prints a record: a kcat-like format string (--format) or one JSON object per line
// (--output json). Plain functions of a record, no CAF, no I/O (unit-tested in tests/tools).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "messages/record_batch.hpp"

namespace samsa::cli {

// A record with where it was read from.
struct located_record {
  const std::string& topic;
  int32_t partition;
  const record& r;
};

// A parsed --format string: literal text and fields, in order.
// Fields (kcat's letters): %t topic, %p partition, %o offset, %k key, %s value, %h headers (k=v pairs
// joined by ','), %T timestamp (ms), %K key length, %S value length, %% a percent sign; escapes \n \t \r \\.
// A null key or value prints as the empty string (its length as -1); a null header value as "k" without "=".
struct record_format {
  struct piece {
    char field = 0;   // 0: literal text
    std::string text; // the literal
  };
  std::vector<piece> pieces;
};

// The format, or nullopt with `error` saying what is wrong (an unknown %x, a trailing % or \).
std::optional<record_format> parse_record_format(const std::string& fmt, std::string& error);

// The record as the format says (no newline added: the format carries its own \n).
std::string render_record(const record_format& f, const located_record& x);

// `s` as a JSON string literal (quotes included): '"', '\' and control characters escaped; valid UTF-8
// copied; every byte that is not part of valid UTF-8 written as the code point of the same number
// (\u00XX), so the output is always valid JSON.
std::string json_string(const std::string& s);

// One JSON object (no newline): {"topic":..,"partition":..,"offset":..,"timestamp":..,"key":..,"value":..,
// "headers":[{"key":..,"value":..},..]}; a null key, value or header value is null.
std::string record_json(const located_record& x);

} // namespace samsa::cli
