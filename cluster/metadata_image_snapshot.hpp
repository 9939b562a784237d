#pragma once
// What a Raft snapshot's `data` holds for the metadata log: the metadata image, as the batch of records
// that rebuilds it. Written by the node that compacts its log (raft_store::save_snapshot stores it) and
// sent to lagging nodes in InstallSnapshot, so it must be portable: it reuses the portable record codec
// (messages/metadata_codec.hpp), never a Boost binary archive.
//
// Format, version 1 (integers big-endian):
//   u8  snapshot version (= 1)
//   i64 image offset (metadata_image::offset(): the last applied log index; -1 for an empty image)
//   ... one metadata_codec batch (its own version byte first) holding, in this order:
//       register_broker per broker (node-id order; `fenced` carries the fence state, so no fence records)
//       per topic (topic-id order): topic, then partition 0..n-1 (full state: replicas, isr, leader,
//         leader_epoch, partition_epoch, and a reassignment in progress: removing and adding replicas, which
//         makes the batch a version 2 one)
//       config per (resource, name, key) override (value always present)
//       producer_ids {node -1, epoch -1, next_producer_id} when any block was ever claimed
//
// Why no second, Boost-serialized snapshot of this image: a node rebuilds its image from the Raft
// snapshot plus the log after it, both in raft_store; a local Boost copy would be a second truth to keep
// in step, of the same size, with no faster restart (folding a few thousand records takes microseconds).
// The Boost blobs of persistence::metadata_store stay what they are: the single-node store's snapshots.
#include <string>
#include <string_view>

#include "cluster/metadata_image.hpp"

namespace samsa::cluster {

inline constexpr uint8_t image_snapshot_version = 1;

std::string to_snapshot(const metadata_image& img);

// Rebuilds the image into a fresh value and only then assigns it to `out`, so `out` is untouched on
// failure. False for garbage, an unknown version, or a record that does not apply to the image built so
// far (a snapshot is always self-consistent, so that means corruption). Never throws.
bool from_snapshot(std::string_view bytes, metadata_image& out);

} // namespace samsa::cluster
