#include "actors/partition_offline.hpp"

#include <caf/typed_event_based_actor.hpp>

#include "persistence/data_dir.hpp"

namespace samsa::actors {

namespace {

struct offline_state {
  std::string topic;
  int32_t partition = 0;
  std::filesystem::path dir;
  std::string reason;
  static inline const char* name = "samsa.partition_offline";
};

partition_actor::behavior_type offline(partition_actor::stateful_pointer<offline_state> self, std::string topic,
                                       int32_t partition, std::filesystem::path dir, std::string reason) {
  auto& st = self->state;
  st.topic = std::move(topic);
  st.partition = partition;
  st.dir = std::move(dir);
  st.reason = std::move(reason);
  auto why = [self] {
    return self->state.topic + "-" + std::to_string(self->state.partition) + " is offline: " + self->state.reason;
  };
  auto storage_error_answer = [] {
    offset_answer a;
    a.error = static_cast<uint8_t>(api_errc::storage_error);
    return a;
  };
  auto produce_error = [self, why] {
    partition_produce_result r;
    r.partition = self->state.partition;
    r.error = static_cast<uint8_t>(api_errc::storage_error);
    r.error_message = why();
    return r;
  };
  return {
    [=](append_atom, std::vector<char>&, int16_t, int32_t) { return produce_error(); },
    [=](produce_atom, std::vector<record>&, int16_t, int8_t) { return produce_error(); },
    [=](fetch_atom, fetch_request&) {
      fetch_response r;
      r.partition = self->state.partition;
      r.error = static_cast<uint8_t>(api_errc::storage_error);
      return r;
    },
    [=](offsets_atom, int64_t) { return storage_error_answer(); },
    [=](delete_records_atom, int64_t) { return storage_error_answer(); },
    [=](producers_atom) {
      producers_answer a;
      a.error = static_cast<uint8_t>(api_errc::storage_error);
      return a;
    },
    [=](info_atom) {
      partition_state s;
      s.partition = self->state.partition;
      s.leader = -1; // no replica can serve it
      s.offline = true;
      return s;
    },
    [=](delete_atom) {
      auto e = persistence::remove_partition_dir(self->state.dir);
      self->quit();
      return e == persistence::errc::ok;
    },
  };
}

} // namespace

partition_actor spawn_offline_partition(caf::actor_system& sys, std::string topic, int32_t partition,
                                        std::filesystem::path dir, std::string reason) {
  return sys.spawn(offline, std::move(topic), partition, std::move(dir), std::move(reason));
}

} // namespace samsa::actors
