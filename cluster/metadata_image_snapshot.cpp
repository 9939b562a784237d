#include "cluster/metadata_image_snapshot.hpp"

#include "messages/bytes.hpp"
#include "messages/metadata_codec.hpp"

namespace samsa::cluster {

namespace {
constexpr size_t header_bytes = 1 + 8; // version + offset
} // namespace

std::string to_snapshot(const metadata_image& img) {
  std::vector<metadata_record> records;
  for (const auto& [id, b] : img.brokers())
    records.push_back(register_broker_record{b.node_id, b.incarnation_id, b.broker_epoch, b.endpoints, b.rack, b.fenced});
  for (const auto& [id, t] : img.topics_by_id()) {
    records.push_back(create_topic_record{t.name, t.topic_id});
    for (size_t p = 0; p < t.partitions.size(); ++p) {
      const auto& r = t.partitions[p];
      records.push_back(partition_record{t.topic_id, static_cast<int32_t>(p), r.replicas, r.isr, r.leader,
                                         r.leader_epoch, r.partition_epoch, r.removing_replicas,
                                         r.adding_replicas});
    }
  }
  for (const auto& [resource, kv] : img.all_configs())
    for (const auto& [key, value] : kv)
      records.push_back(config_record{resource.first, resource.second, key, value});
  if (img.next_producer_id() > 0)
    records.push_back(producer_ids_record{-1, -1, img.next_producer_id()});
  std::string out(header_bytes, '\0');
  out[0] = static_cast<char>(image_snapshot_version);
  write_i64(&out[1], img.offset());
  out += metadata_codec::encode(records);
  return out;
}

bool from_snapshot(std::string_view bytes, metadata_image& out) {
  try {
    if (bytes.size() < header_bytes || static_cast<uint8_t>(bytes[0]) != image_snapshot_version)
      return false;
    int64_t offset = read_i64(bytes.data() + 1);
    auto records = metadata_codec::decode(bytes.substr(header_bytes));
    if (!records || offset < -1 || (offset == -1 && !records->empty()))
      return false;
    metadata_image img;
    for (const auto& r : *records)
      if (!std::visit([&](const auto& rec) { return img.on(rec); }, r).applied)
        return false;
    img.offset_ = offset;
    out = std::move(img);
    return true;
  } catch (...) { // bad_alloc while copying strings: not a snapshot we can use
    return false;
  }
}

} // namespace samsa::cluster
