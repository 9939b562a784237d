#include "messages/metadata_records.hpp"

namespace samsa {

const char* record_name(const metadata_record& r) {
  static const char* names[] = {"register_broker", "unregister_broker", "fence_broker", "unfence_broker",
                                "topic",           "partition",         "partition_change", "config",
                                "producer_ids",    "remove_topic",      "noop"};
  static_assert(std::variant_size_v<metadata_record> == sizeof(names) / sizeof(names[0]));
  return names[r.index()];
}

} // namespace samsa
