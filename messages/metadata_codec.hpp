#pragma once
// The portable byte form of a batch of metadata records: the payload of one Raft log entry (and, through
// cluster/metadata_image_snapshot, of a Raft snapshot). Written by the controller when it proposes, read
// by every node that applies the log, today and after upgrades: these bytes outlive the binary that wrote
// them, so the format is fixed here byte by byte and never depends on a library's serializer.
//
// Why not CAF's binary_serializer with inspect() (the design doc's first idea): CAF 0.17's deserializer
// resizes a byte sequence to the length it read before checking that the bytes exist (a hostile length
// allocates up to 4 GiB), it has no std::optional/std::variant support, and CAF 0.18 changed its wire
// format, so the log would be tied to one CAF version. Why not Boost binary archives: not portable
// across architectures. So: our own codec over messages/bytes.hpp (big-endian, fixed widths).
//
// Format, versions 1 and 2. All integers big-endian, fixed width, two's complement.
//   batch   := u8 version (1 or 2) | u32 count | record * count     (nothing may follow the last record)
//   record  := u8 type | body                                        (type = index in metadata_record)
//   string  := u32 length | length bytes
//   bool    := u8 (0 or 1; anything else is invalid)
//   opt<T>  := u8 present (0 or 1) | T if present
//   vec<T>  := u32 count | T * count
//   endpoint := string name | string host | u16 port
// Bodies by type (field order = struct order in messages/metadata_records.hpp):
//   0 register_broker   i32 node_id | string incarnation_id | i64 broker_epoch | vec<endpoint> endpoints |
//                       string rack | bool fenced
//   1 unregister_broker i32 node_id | i64 broker_epoch
//   2 fence_broker      i32 node_id | i64 broker_epoch
//   3 unfence_broker    i32 node_id | i64 broker_epoch
//   4 topic             string name | string topic_id
//   5 partition         string topic_id | i32 partition | vec<i32> replicas | vec<i32> isr | i32 leader |
//                       i32 leader_epoch | i32 partition_epoch
//                       [v2: | vec<i32> removing_replicas | vec<i32> adding_replicas]
//   6 partition_change  string topic_id | i32 partition | opt<vec<i32>> isr | i32 leader |
//                       opt<vec<i32>> replicas
//                       [v2: | opt<vec<i32>> removing_replicas | opt<vec<i32>> adding_replicas]
//   7 config            u8 resource_type (2 topic, 4 broker) | string resource_name | string key |
//                       opt<string> value
//   8 producer_ids      i32 node_id | i64 broker_epoch | i64 next_producer_id
//   9 remove_topic      string topic_id
//  10 noop              (empty)
// Evolution: a new record type takes the next type number; a new field of an existing record needs a new
// batch version (decoders of this version reject unknown versions, they never guess). Version 2 added the
// reassignment fields (partition reassignment, issue #10): a version 1 batch decodes with them empty
// (nullopt), and encode() writes the lowest version that carries the batch, so a batch without a
// reassignment is byte for byte what version 1 wrote and a node of the previous release still reads it.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "messages/metadata_records.hpp"

namespace samsa::metadata_codec {

inline constexpr uint8_t format_version = 2; // the newest version; decode() reads 1 and 2

// Encodes a batch (one Raft entry) in the lowest version that carries it (see Evolution). Throws std::length_error only for a string or list above 4 GiB, which
// no metadata record comes near.
std::string encode(const std::vector<metadata_record>& batch);

// nullopt for anything that is not exactly one well-formed batch of a known format version: truncated,
// trailing bytes, unknown version or record type, a bool or presence byte other than 0/1, an unknown
// config resource type. Never throws; allocations are bounded by the input size (every length and count
// is checked against the bytes left before anything is read or allocated).
std::optional<std::vector<metadata_record>> decode(std::string_view bytes);

} // namespace samsa::metadata_codec
