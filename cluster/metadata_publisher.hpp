#pragma once
// The metadata log's state machine on one node (Kafka's MetadataLoader, folded into one class): committed
// Raft entries, each a metadata_codec batch, are decoded and applied in order to a metadata_image;
// snapshots are installed with from_snapshot and taken with to_snapshot. The quorum shell calls it from its
// state-machine hooks (actors/quorum_replica's quorum_state_machine), so it sees every entry exactly once,
// in index order, on the quorum actor's thread; the shell then publishes an immutable copy of the image
// to the node's subscribers (actors/controller), which is how other actors read it: by message, never by
// sharing this object.
//
// Pure: no I/O, no clock, no logging; what went wrong is returned for the caller to log.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/metadata_image.hpp"
#include "cluster/metadata_image_snapshot.hpp"

namespace samsa::cluster {

// What one entry did to the image.
struct publish_result {
  bool decoded = true;                 // false: not a metadata batch (the entry advances nothing)
  size_t applied = 0;                  // records applied
  std::vector<std::string> refusals;   // "<record>: <why>" per record the image refused (a no-op)
};

// Owns: the node's current image. Invariant: the image's offset never decreases except through install().
class metadata_publisher {
public:
  // Applies the batch committed at log index `index`. All records of one batch share the index as their
  // offset: the first takes it, the rest are applied at the same offset (the image's offset rule is per
  // entry, so they are folded without it, like a snapshot's records).
  publish_result apply_entry(int64_t index, std::string_view data);

  // Replaces the image by a snapshot's (false: garbage, the image is left as it was).
  bool install(std::string_view snapshot_data);

  std::string take_snapshot() const { return to_snapshot(image_); }

  const metadata_image& image() const { return image_; }

  // An immutable copy to hand to other actors.
  std::shared_ptr<const metadata_image> share() const { return std::make_shared<const metadata_image>(image_); }

private:
  metadata_image image_;
};

} // namespace samsa::cluster
