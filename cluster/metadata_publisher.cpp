#include "cluster/metadata_publisher.hpp"

#include "cluster/metadata_image_snapshot.hpp"
#include "messages/metadata_codec.hpp"

namespace samsa::cluster {

publish_result metadata_publisher::apply_entry(int64_t index, std::string_view data) {
  publish_result out;
  auto batch = metadata_codec::decode(data);
  if (!batch) {
    out.decoded = false;
    return out;
  }
  auto results = image_.apply_batch(*batch, index);
  for (size_t i = 0; i < results.size(); ++i) {
    if (results[i].applied) {
      out.applied += i < batch->size() ? 1 : 0;
    } else {
      out.refusals.push_back(std::string{i < batch->size() ? record_name((*batch)[i]) : "batch"} + ": "
                             + results[i].ignored_because);
    }
  }
  return out;
}

bool metadata_publisher::install(std::string_view snapshot_data) { return from_snapshot(snapshot_data, image_); }

} // namespace samsa::cluster
