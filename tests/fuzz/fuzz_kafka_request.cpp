// libFuzzer target: arbitrary bytes as one Kafka request frame (size prefix already stripped, as the session
// hands it to the handler) through samsa's request decoders, exactly as the broker dispatches them:
// decode_request_header, then by api key the matching decode(reader&, version, <api>_request&).
//
// Properties checked beyond "no crash, no sanitizer report":
//  - the reader never reports a position past the frame;
//  - a request that decodes re-encodes to bytes that decode again, and encoding that second decode gives
//    the same bytes (encode . decode is a fixpoint after one step: the codecs agree with each other);
//  - ApiVersions: answer_api_versions() for any version yields an encodable answer.
//
// Build and run: tests/fuzz/run_fuzz.sh (clang, -fsanitize=fuzzer,address,undefined). The same file built
// with -DSAMSA_FUZZ_SEED_GENERATOR (and without -fsanitize=fuzzer) is a program that writes a seed corpus of
// valid requests, every API at every version of the table, into the directory given as its argument.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "messages/kafka/alter_configs.hpp"
#include "messages/kafka/api_table.hpp"
#include "messages/kafka/api_versions.hpp"
#include "messages/kafka/create_partitions.hpp"
#include "messages/kafka/create_topics.hpp"
#include "messages/kafka/delete_groups.hpp"
#include "messages/kafka/delete_topics.hpp"
#include "messages/kafka/describe_cluster.hpp"
#include "messages/kafka/describe_configs.hpp"
#include "messages/kafka/describe_groups.hpp"
#include "messages/kafka/describe_log_dirs.hpp"
#include "messages/kafka/fetch.hpp"
#include "messages/kafka/find_coordinator.hpp"
#include "messages/kafka/heartbeat.hpp"
#include "messages/kafka/incremental_alter_configs.hpp"
#include "messages/kafka/init_producer_id.hpp"
#include "messages/kafka/join_group.hpp"
#include "messages/kafka/leave_group.hpp"
#include "messages/kafka/list_groups.hpp"
#include "messages/kafka/list_offsets.hpp"
#include "messages/kafka/metadata.hpp"
#include "messages/kafka/offset_commit.hpp"
#include "messages/kafka/offset_delete.hpp"
#include "messages/kafka/offset_fetch.hpp"
#include "messages/kafka/produce.hpp"
#include "messages/kafka/request_header.hpp"
#include "messages/kafka/sync_group.hpp"

namespace k = samsa::kafka;

namespace {

[[noreturn]] void property_failed(const char* what, int16_t key, int16_t version) {
  std::fprintf(stderr, "PROPERTY FAILED: %s (api key %d, version %d)\n", what, key, version);
  std::abort();
}

template <class Request>
void roundtrip(k::reader& r, int16_t key, int16_t version) {
  size_t start = r.position();
  size_t available = r.remaining();
  Request req;
  bool ok = k::decode(r, version, req);
  if (r.position() - start > available)
    property_failed("reader moved past the end of the frame", key, version);
  if (ok && r.failed())
    property_failed("decode succeeded on a failed reader", key, version);
  if (!ok)
    return;
  std::vector<char> once;
  {
    k::writer w(once);
    k::encode(w, version, req);
    if (w.failed())
      return; // a value the writer refuses to represent; the broker would not echo requests anyway
  }
  Request again;
  k::reader r2(once.data(), once.size());
  if (!k::decode(r2, version, again))
    property_failed("re-encoded request does not decode", key, version);
  if (r2.remaining() != 0)
    property_failed("re-encoded request has trailing bytes after decoding", key, version);
  std::vector<char> twice;
  k::writer w2(twice);
  k::encode(w2, version, again);
  if (twice != once)
    property_failed("encode(decode(encode(decode(x)))) != encode(decode(x))", key, version);
}

void dispatch(k::reader& r, int16_t key, int16_t version) {
  switch (static_cast<k::api_key>(key)) {
    case k::api_key::produce: return roundtrip<k::produce_request>(r, key, version);
    case k::api_key::fetch: return roundtrip<k::fetch_request>(r, key, version);
    case k::api_key::list_offsets: return roundtrip<k::list_offsets_request>(r, key, version);
    case k::api_key::metadata: return roundtrip<k::metadata_request>(r, key, version);
    case k::api_key::offset_commit: return roundtrip<k::offset_commit_request>(r, key, version);
    case k::api_key::offset_fetch: return roundtrip<k::offset_fetch_request>(r, key, version);
    case k::api_key::find_coordinator: return roundtrip<k::find_coordinator_request>(r, key, version);
    case k::api_key::join_group: return roundtrip<k::join_group_request>(r, key, version);
    case k::api_key::heartbeat: return roundtrip<k::heartbeat_request>(r, key, version);
    case k::api_key::leave_group: return roundtrip<k::leave_group_request>(r, key, version);
    case k::api_key::sync_group: return roundtrip<k::sync_group_request>(r, key, version);
    case k::api_key::describe_groups: return roundtrip<k::describe_groups_request>(r, key, version);
    case k::api_key::list_groups: return roundtrip<k::list_groups_request>(r, key, version);
    case k::api_key::api_versions: {
      // As the broker: answer any version, decode the body only when the version is supported.
      int16_t answer_version = -1;
      k::api_versions_response resp = k::answer_api_versions(version, answer_version);
      std::vector<char> out;
      k::writer w(out);
      k::encode(w, answer_version, resp);
      if (w.failed())
        property_failed("ApiVersions answer does not encode", key, version);
      k::api_versions_response back;
      k::reader rb(out.data(), out.size());
      if (!k::decode(rb, answer_version, back))
        property_failed("ApiVersions answer does not decode", key, version);
      if (answer_version == version)
        roundtrip<k::api_versions_request>(r, key, version);
      return;
    }
    case k::api_key::create_topics: return roundtrip<k::create_topics_request>(r, key, version);
    case k::api_key::delete_topics: return roundtrip<k::delete_topics_request>(r, key, version);
    case k::api_key::init_producer_id: return roundtrip<k::init_producer_id_request>(r, key, version);
    case k::api_key::describe_configs: return roundtrip<k::describe_configs_request>(r, key, version);
    case k::api_key::describe_log_dirs: return roundtrip<k::describe_log_dirs_request>(r, key, version);
    case k::api_key::delete_groups: return roundtrip<k::delete_groups_request>(r, key, version);
    case k::api_key::offset_delete: return roundtrip<k::offset_delete_request>(r, key, version);
    case k::api_key::describe_cluster: return roundtrip<k::describe_cluster_request>(r, key, version);
    case k::api_key::alter_configs: return roundtrip<k::alter_configs_request>(r, key, version);
    case k::api_key::incremental_alter_configs: return roundtrip<k::incremental_alter_configs_request>(r, key, version);
    case k::api_key::create_partitions: return roundtrip<k::create_partitions_request>(r, key, version);
  }
}

} // namespace

#ifndef SAMSA_FUZZ_SEED_GENERATOR

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  k::reader r(reinterpret_cast<const char*>(data), size);
  k::request_header h;
  if (!k::decode_request_header(r, h))
    return 0;
  if (r.position() > size)
    property_failed("header reader past the frame", h.api_key, h.api_version);
  const k::api_info* api = k::find_api(h.api_key);
  if (api == nullptr)
    return 0; // the broker closes the connection
  if (h.api_key != static_cast<int16_t>(k::api_key::api_versions) &&
      !k::is_supported(api->key, h.api_version)) {
    // The broker refuses these before decoding; the codec must refuse them too and not crash.
    k::reader copy = r;
    dispatch(copy, h.api_key, h.api_version);
    return 0;
  }
  dispatch(r, h.api_key, h.api_version);
  return 0;
}

#else // seed corpus generator

namespace {

int written = 0;

template <class Request>
void emit(const char* dir, const char* name, int16_t key, int16_t version, const Request& req) {
  std::vector<char> out;
  k::writer w(out);
  k::request_header h;
  h.api_key = key;
  h.api_version = version;
  h.correlation_id = 7;
  h.client_id = std::string("seed");
  k::encode_request_header(w, h);
  k::encode(w, version, req);
  if (w.failed()) {
    std::fprintf(stderr, "seed %s v%d does not encode\n", name, version);
    std::exit(1);
  }
  // Every seed must be a request the decoders accept whole, or it teaches the fuzzer nothing.
  k::reader r(out.data(), out.size());
  k::request_header back;
  Request decoded;
  if (!k::decode_request_header(r, back) || back.api_key != key || back.api_version != version ||
      !k::decode(r, version, decoded) || r.remaining() != 0) {
    std::fprintf(stderr, "seed %s v%d does not decode\n", name, version);
    std::exit(1);
  }
  std::string path = std::string(dir) + "/" + name + "-v" + std::to_string(version);
  FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr || std::fwrite(out.data(), 1, out.size(), f) != out.size()) {
    std::perror(path.c_str());
    std::exit(1);
  }
  std::fclose(f);
  ++written;
}

// A small valid v2 record batch (its CRC is not checked by the request decoders).
std::vector<char> batch() {
  std::vector<char> b(61 + 12, 0);
  b[16] = 2;                                   // magic
  b[60] = 1;                                   // records count 1
  unsigned char rec[] = {22, 0, 0, 0, 2, 'k', 8, 'v', 'a', 'l', 'u', 'e', 0};
  b.resize(61);
  b.insert(b.end(), rec, rec + sizeof rec);
  uint32_t len = static_cast<uint32_t>(b.size() - 12);
  for (int i = 0; i < 4; ++i)
    b[8 + i] = static_cast<char>(len >> (24 - 8 * i));
  return b;
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
    return 2;
  }
  const char* dir = argv[1];
  static std::vector<char> records = batch();
  for (const k::api_info& api : k::api_table()) {
    int16_t key = static_cast<int16_t>(api.key);
    for (int16_t v = api.min_version; v <= api.max_version; ++v) {
      switch (api.key) {
        case k::api_key::produce: {
          k::produce_request r;
          r.acks = -1;
          r.timeout_ms = 30000;
          r.topics.push_back({"orders", {{0, k::byte_span{records.data(), records.size()}}, {1, std::nullopt}}});
          emit(dir, "produce", key, v, r);
          break;
        }
        case k::api_key::fetch: {
          k::fetch_request r;
          r.max_wait_ms = 500;
          r.min_bytes = 1;
          r.topics.push_back({"orders", {}, {{0, -1, 5, -1, -1, 1048576}, {3, 2, 0, -1, 0, 100}}});
          if (v >= 7)
            r.forgotten_topics_data.push_back({"old", {}, {1, 2}});
          if (v >= 11)
            r.rack_id = "rack-a";
          emit(dir, "fetch", key, v, r);
          break;
        }
        case k::api_key::list_offsets: {
          k::list_offsets_request r;
          r.topics.push_back({"orders", {{0, -1, -1}, {1, 5, -2}, {2, -1, 1700000000000}, {3, -1, -3}}});
          emit(dir, "list_offsets", key, v, r);
          break;
        }
        case k::api_key::metadata: {
          k::metadata_request r;
          r.topics = std::vector<std::string>{"orders", "payments"};
          emit(dir, "metadata", key, v, r);
          k::metadata_request all;
          if (v >= 1)
            all.topics = std::nullopt;
          else
            all.topics = std::vector<std::string>{};
          emit(dir, "metadata_all", key, v, all);
          break;
        }
        case k::api_key::offset_commit: {
          k::offset_commit_request r;
          r.group_id = "g";
          r.generation_id = 3;
          r.member_id = "m-1";
          r.topics.push_back({"orders", {{0, 42, -1, std::string("meta")}, {1, 7, 2, std::nullopt}}});
          emit(dir, "offset_commit", key, v, r);
          break;
        }
        case k::api_key::offset_fetch: {
          k::offset_fetch_request r;
          r.group_id = "g";
          r.topics = std::vector<k::offset_fetch_topic>{{"orders", {0, 1, 2}}};
          emit(dir, "offset_fetch", key, v, r);
          break;
        }
        case k::api_key::find_coordinator: {
          k::find_coordinator_request r;
          r.key = "g";
          emit(dir, "find_coordinator", key, v, r);
          break;
        }
        case k::api_key::join_group: {
          k::join_group_request r;
          r.group_id = "g";
          r.session_timeout_ms = 10000;
          r.rebalance_timeout_ms = 30000;
          r.protocol_type = "consumer";
          r.protocols.push_back({"range", k::owned_bytes{'\0', '\1', 'x'}});
          emit(dir, "join_group", key, v, r);
          break;
        }
        case k::api_key::heartbeat: {
          k::heartbeat_request r;
          r.group_id = "g";
          r.generation_id = 1;
          r.member_id = "m-1";
          emit(dir, "heartbeat", key, v, r);
          break;
        }
        case k::api_key::leave_group: {
          k::leave_group_request r;
          r.group_id = "g";
          if (v < 3)
            r.member_id = "m-1";
          else
            r.members.push_back({"m-1", std::nullopt});
          emit(dir, "leave_group", key, v, r);
          break;
        }
        case k::api_key::sync_group: {
          k::sync_group_request r;
          r.group_id = "g";
          r.generation_id = 1;
          r.member_id = "m-1";
          r.assignments.push_back({"m-1", k::owned_bytes{'\0', '\1', '\0', '\0'}});
          emit(dir, "sync_group", key, v, r);
          break;
        }
        case k::api_key::describe_groups: {
          k::describe_groups_request r;
          r.groups = {"g", "h"};
          emit(dir, "describe_groups", key, v, r);
          break;
        }
        case k::api_key::list_groups: emit(dir, "list_groups", key, v, k::list_groups_request{}); break;
        case k::api_key::api_versions: {
          k::api_versions_request r;
          r.client_software_name = "seed";
          r.client_software_version = "1.0";
          emit(dir, "api_versions", key, v, r);
          break;
        }
        case k::api_key::create_topics: {
          k::create_topics_request r;
          k::create_topics_topic t;
          t.name = "orders";
          t.num_partitions = 3;
          t.replication_factor = 1;
          t.configs.push_back({"retention.ms", std::string("1000")});
          t.configs.push_back({"cleanup.policy", std::nullopt});
          r.topics.push_back(t);
          k::create_topics_topic manual;
          manual.name = "manual";
          manual.assignments.push_back({0, {1}});
          r.topics.push_back(manual);
          emit(dir, "create_topics", key, v, r);
          break;
        }
        case k::api_key::delete_topics: {
          k::delete_topics_request r;
          r.topic_names = {"orders", "payments"};                          // v0-5
          r.topics = {{std::string("orders"), k::zero_uuid}, {std::nullopt, k::uuid{1, 2, 3}}}; // v6+
          r.timeout_ms = 30000;
          emit(dir, "delete_topics", key, v, r);
          break;
        }
        case k::api_key::init_producer_id: {
          k::init_producer_id_request r;
          emit(dir, "init_producer_id", key, v, r);
          r.transactional_id = std::string("tx");
          r.transaction_timeout_ms = 60000;
          emit(dir, "init_producer_id_tx", key, v, r);
          r.producer_id = 4000; // v3+
          r.producer_epoch = 2;
          emit(dir, "init_producer_id_resume", key, v, r);
          break;
        }
        case k::api_key::describe_configs: {
          k::describe_configs_request r;
          r.resources.push_back({k::config_resource_topic, "orders", std::nullopt});
          r.resources.push_back({k::config_resource_broker, "1", std::vector<std::string>{"node.id"}});
          r.include_synonyms = v >= 1;
          emit(dir, "describe_configs", key, v, r);
          break;
        }
        case k::api_key::describe_log_dirs: {
          k::describe_log_dirs_request r;
          emit(dir, "describe_log_dirs_all", key, v, r);
          r.topics = std::vector<k::describe_log_dirs_topic>{{"orders", {0, 1}}};
          emit(dir, "describe_log_dirs", key, v, r);
          break;
        }
        case k::api_key::delete_groups: {
          k::delete_groups_request r;
          r.groups_names = {"g", "h"};
          emit(dir, "delete_groups", key, v, r);
          break;
        }
        case k::api_key::offset_delete: {
          k::offset_delete_request r;
          r.group_id = "g";
          r.topics.push_back({"orders", {0, 2}});
          emit(dir, "offset_delete", key, v, r);
          break;
        }
        case k::api_key::describe_cluster: {
          k::describe_cluster_request r;
          r.include_cluster_authorized_operations = true;
          emit(dir, "describe_cluster", key, v, r);
          break;
        }
        case k::api_key::alter_configs: {
          k::alter_configs_request r;
          r.resources.push_back({2, "orders", {{"retention.ms", std::string("1000")}}});
          emit(dir, "alter_configs", key, v, r);
          break;
        }
        case k::api_key::incremental_alter_configs: {
          k::incremental_alter_configs_request r;
          r.resources.push_back({2, "orders", {{"retention.ms", 0, std::string("1000")}, {"segment.bytes", 1, {}}}});
          emit(dir, "incremental_alter_configs", key, v, r);
          break;
        }
        case k::api_key::create_partitions: {
          k::create_partitions_request r;
          r.topics.push_back({"orders", 4, std::vector<k::create_partitions_assignment>{{{1}}}});
          r.timeout_ms = 30000;
          emit(dir, "create_partitions", key, v, r);
          break;
        }
      }
    }
  }
  std::printf("wrote %d seed requests to %s\n", written, dir);
  return 0;
}

#endif
