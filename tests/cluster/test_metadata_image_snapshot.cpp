// The metadata image as a Raft snapshot (cluster/metadata_image_snapshot): images built by random valid
// logs come back equal (operator==, offset included), the bytes are deterministic, and garbage or a
// snapshot whose records do not fold is refused without touching the target image.
#include <doctest/doctest.h>

#include <algorithm>
#include <random>

#include "cluster/metadata_image_snapshot.hpp"
#include "messages/metadata_codec.hpp"

using namespace samsa;
using namespace samsa::cluster;

namespace {

// A random log biased towards records that apply (built from the image so far), so the images are rich:
// fenced and unfenced brokers, topics with several partitions moved by changes, topic and broker configs,
// producer-id blocks, removed topics.
struct image_builder {
  std::mt19937_64 rng;
  metadata_image img;
  int64_t offset = 0;
  explicit image_builder(uint64_t seed) : rng(seed) {}
  int32_t pick(int n) { return static_cast<int32_t>(rng() % static_cast<uint64_t>(n)); }

  metadata_record next() {
    auto node = pick(6);
    auto topic = "topic-" + std::to_string(pick(5));
    const topic_image* t = img.topic_by_name(topic);
    switch (pick(9)) {
      case 0: {
        register_broker_record r{node, "inc" + std::to_string(rng()), offset, {}, pick(2) ? "rack" : "", pick(2) == 0};
        r.endpoints.push_back({"PLAINTEXT", "host" + std::to_string(node), static_cast<uint16_t>(9000 + node)});
        return r;
      }
      case 1: {
        auto b = img.broker(node);
        int64_t epoch = b ? b->broker_epoch : 0;
        if (pick(2)) return fence_broker_record{node, epoch};
        return unfence_broker_record{node, epoch};
      }
      case 2: return create_topic_record{topic, "id-" + topic + "-" + std::to_string(offset)};
      case 3: case 4: {
        if (!t) break;
        std::vector<int32_t> replicas{0, 1, 2, 3, 4, 5};
        std::shuffle(replicas.begin(), replicas.end(), rng);
        replicas.resize(static_cast<size_t>(1 + pick(3)));
        auto isr = replicas;
        isr.resize(static_cast<size_t>(1 + pick(static_cast<int>(isr.size()))));
        return partition_record{t->topic_id, static_cast<int32_t>(t->partitions.size()), replicas, isr,
                                pick(4) ? isr.front() : -1, pick(3), pick(3), {}, {}};
      }
      case 5: {
        if (!t || t->partitions.empty()) break;
        partition_change_record c;
        c.topic_id = t->topic_id;
        c.partition = pick(static_cast<int>(t->partitions.size()));
        auto isr = t->partitions[static_cast<size_t>(c.partition)].replicas;
        isr.resize(static_cast<size_t>(1 + pick(static_cast<int>(isr.size()))));
        c.isr = isr;
        if (pick(2)) c.leader = pick(3) ? isr.back() : -1;
        return c;
      }
      case 6: {
        auto type = pick(2) ? config_resource::topic : config_resource::broker;
        auto name = type == config_resource::topic ? topic : pick(3) ? std::to_string(node) : "";
        std::optional<std::string> value;
        if (pick(4)) value = std::to_string(rng() % 100000);
        return config_record{type, name, "key." + std::to_string(pick(4)), value};
      }
      case 7: return producer_ids_record{node, 0, img.next_producer_id() + 1000 * (1 + pick(3))};
      default:
        if (t && pick(4) == 0) return remove_topic_record{t->topic_id};
        break;
    }
    return noop_record{};
  }

  void build(int records) {
    for (int i = 0; i < records; ++i)
      img.apply(next(), offset++);
  }
};

} // namespace

TEST_CASE("image snapshot: the empty image and a hand-built one round-trip") {
  metadata_image empty, out;
  CHECK(from_snapshot(to_snapshot(empty), out));
  CHECK(out == empty);
  CHECK(out.offset() == -1);

  metadata_image img;
  int64_t at = 10;
  img.apply(register_broker_record{1, "a", 10, {{"PLAINTEXT", "h", 9092}}, "r1", true}, at++);
  img.apply(register_broker_record{2, "b", 11, {}, "", true}, at++);
  img.apply(unfence_broker_record{2, 11}, at++);
  img.apply(create_topic_record{"orders", "id-o"}, at++);
  img.apply(partition_record{"id-o", 0, {1, 2}, {1, 2}, 1, 0, 0, {}, {}}, at++);
  partition_change_record elect;
  elect.topic_id = "id-o";
  elect.leader = 2;
  img.apply(elect, at++); // leader_epoch 1, partition_epoch 1: a snapshot must carry epochs, not replay them
  img.apply(config_record{config_resource::topic, "orders", "retention.ms", std::string{"5"}}, at++);
  img.apply(config_record{config_resource::broker, "", "log.retention.ms", std::string{"7"}}, at++);
  img.apply(producer_ids_record{1, 10, 3000}, at++);
  img.apply(noop_record{}, 99);
  REQUIRE(img.partition("id-o", 0)->leader_epoch == 1);

  metadata_image back;
  REQUIRE(from_snapshot(to_snapshot(img), back));
  CHECK(back == img);
  CHECK(back.offset() == 99);
  CHECK(back.live_brokers() == std::vector<int32_t>{2});
  CHECK(back.partition("id-o", 0)->partition_epoch == 1);
  CHECK(back.next_producer_id() == 3000);
  // The image continues from the snapshot's offset like the original would.
  CHECK_FALSE(back.apply(noop_record{}, 99).applied);
  CHECK(back.apply(fence_broker_record{2, 11}, 100).applied);
}

TEST_CASE("image snapshot: random images round-trip to equal images with the same bytes") {
  size_t rich = 0;
  for (uint64_t seed = 1; seed <= 200; ++seed) {
    image_builder b(seed);
    b.build(static_cast<int>(seed * 3 % 400));
    auto bytes = to_snapshot(b.img);
    metadata_image back;
    INFO("seed " << seed);
    REQUIRE(from_snapshot(bytes, back));
    REQUIRE(back == b.img);
    CHECK(to_snapshot(back) == bytes);
    size_t parts = 0;
    for (const auto& [id, t] : b.img.topics_by_id())
      parts += t.partitions.size();
    rich += parts >= 3 && b.img.brokers().size() >= 3 && !b.img.all_configs().empty() && b.img.next_producer_id() > 0;
  }
  CHECK(rich > 100); // most images have brokers, partitions, configs and producer ids at once
}

TEST_CASE("image snapshot: garbage, truncation and records that do not fold are refused, out untouched") {
  image_builder b(7);
  b.build(300);
  auto bytes = to_snapshot(b.img);
  metadata_image keep;
  keep.apply(create_topic_record{"sentinel", "id-s"}, 5);
  const metadata_image before = keep;
  for (size_t n = 0; n < bytes.size(); n += 1 + n / 8)
    CHECK_FALSE(from_snapshot(std::string_view(bytes.data(), n), keep));
  auto bad_version = bytes;
  bad_version[0] = 2;
  CHECK_FALSE(from_snapshot(bad_version, keep));
  CHECK_FALSE(from_snapshot(bytes + "x", keep));

  // Well-formed bytes whose records do not fold: a partition of a topic the snapshot never created.
  std::string header = bytes.substr(0, 9);
  CHECK_FALSE(from_snapshot(header + metadata_codec::encode({partition_record{"nope", 0, {1}, {1}, 1, 0, 0, {}, {}}}), keep));
  // An empty image (offset -1) cannot hold records.
  std::string empty_offset("\x01\xff\xff\xff\xff\xff\xff\xff\xff", 9);
  CHECK_FALSE(from_snapshot(empty_offset + metadata_codec::encode({noop_record{}}), keep));
  metadata_image fresh;
  CHECK(from_snapshot(empty_offset + metadata_codec::encode({}), fresh));

  std::mt19937_64 rng(3);
  for (int i = 0; i < 5000; ++i) {
    auto noisy = bytes;
    noisy[rng() % noisy.size()] ^= static_cast<char>(1 + rng() % 255);
    metadata_image sink;
    from_snapshot(noisy, sink); // may succeed (a flipped character in a name): must simply not crash
  }
  CHECK(keep == before);
}
