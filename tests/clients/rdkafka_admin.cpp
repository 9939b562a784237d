// librdkafka's admin API for consumer groups (DeleteGroups and OffsetDelete, as
// kafka-consumer-groups.sh --delete and --delete-offsets), driven by tests/e2e/delete_groups.sh.
//
//   rdkafka_admin BOOTSTRAP delete-groups GROUP...
//   rdkafka_admin BOOTSTRAP delete-offsets GROUP TOPIC:PARTITION...
//
// Prints one line per group (`GROUP ERROR_NAME`; NO_ERROR on success) or per partition
// (`TOPIC PARTITION ERROR_NAME`, after a `GROUP ERROR_NAME` line for the group as a whole), with
// librdkafka's error names without the RD_KAFKA_RESP_ERR_ prefix. Exit status 0 when the request was
// answered (whatever the errors in it), 1 when librdkafka gave up on it, 2 for a usage error.

#include <librdkafka/rdkafka.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {

const char* err_name(rd_kafka_resp_err_t e) {
  return rd_kafka_err2name(e); // "NO_ERROR", "GROUP_ID_NOT_FOUND", ...
}

rd_kafka_t* client(const char* bootstrap) {
  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  if (rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap, errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
    std::fprintf(stderr, "%s\n", errstr);
    return nullptr;
  }
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (rk == nullptr)
    std::fprintf(stderr, "rd_kafka_new: %s\n", errstr);
  return rk;
}

// Waits for the admin result of `type` on `q`; null (after printing why) on a timeout or request error.
rd_kafka_event_t* wait_result(rd_kafka_queue_t* q, rd_kafka_event_type_t type) {
  rd_kafka_event_t* ev = rd_kafka_queue_poll(q, 60000);
  if (ev == nullptr) {
    std::fprintf(stderr, "no answer within 60 s\n");
    return nullptr;
  }
  if (rd_kafka_event_type(ev) != type || rd_kafka_event_error(ev)) {
    std::fprintf(stderr, "request failed: %s\n", rd_kafka_event_error_string(ev));
    rd_kafka_event_destroy(ev);
    return nullptr;
  }
  return ev;
}

void print_group(const rd_kafka_group_result_t* g) {
  const rd_kafka_error_t* e = rd_kafka_group_result_error(g);
  std::printf("%s %s\n", rd_kafka_group_result_name(g), e ? err_name(rd_kafka_error_code(e)) : "NO_ERROR");
}

int delete_groups(rd_kafka_t* rk, rd_kafka_queue_t* q, int n, char** names) {
  std::vector<rd_kafka_DeleteGroup_t*> groups;
  for (int i = 0; i < n; ++i)
    groups.push_back(rd_kafka_DeleteGroup_new(names[i]));
  rd_kafka_DeleteGroups(rk, groups.data(), groups.size(), nullptr, q);
  rd_kafka_DeleteGroup_destroy_array(groups.data(), groups.size());
  rd_kafka_event_t* ev = wait_result(q, RD_KAFKA_EVENT_DELETEGROUPS_RESULT);
  if (ev == nullptr)
    return 1;
  size_t cnt = 0;
  const rd_kafka_group_result_t** res = rd_kafka_DeleteGroups_result_groups(rd_kafka_event_DeleteGroups_result(ev), &cnt);
  for (size_t i = 0; i < cnt; ++i)
    print_group(res[i]);
  rd_kafka_event_destroy(ev);
  return 0;
}

int delete_offsets(rd_kafka_t* rk, rd_kafka_queue_t* q, const char* group, int n, char** tps) {
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(n);
  for (int i = 0; i < n; ++i) {
    std::string tp = tps[i];
    auto colon = tp.rfind(':');
    if (colon == std::string::npos) {
      std::fprintf(stderr, "expected TOPIC:PARTITION, got %s\n", tps[i]);
      rd_kafka_topic_partition_list_destroy(list);
      return 2;
    }
    rd_kafka_topic_partition_list_add(list, tp.substr(0, colon).c_str(), std::stoi(tp.substr(colon + 1)));
  }
  rd_kafka_DeleteConsumerGroupOffsets_t* del = rd_kafka_DeleteConsumerGroupOffsets_new(group, list);
  rd_kafka_topic_partition_list_destroy(list);
  rd_kafka_DeleteConsumerGroupOffsets(rk, &del, 1, nullptr, q);
  rd_kafka_DeleteConsumerGroupOffsets_destroy(del);
  rd_kafka_event_t* ev = wait_result(q, RD_KAFKA_EVENT_DELETECONSUMERGROUPOFFSETS_RESULT);
  if (ev == nullptr)
    return 1;
  size_t cnt = 0;
  const rd_kafka_group_result_t** res = rd_kafka_DeleteConsumerGroupOffsets_result_groups(
    rd_kafka_event_DeleteConsumerGroupOffsets_result(ev), &cnt);
  for (size_t i = 0; i < cnt; ++i) {
    print_group(res[i]);
    const rd_kafka_topic_partition_list_t* parts = rd_kafka_group_result_partitions(res[i]);
    for (int j = 0; parts != nullptr && j < parts->cnt; ++j)
      std::printf("%s %d %s\n", parts->elems[j].topic, parts->elems[j].partition, err_name(parts->elems[j].err));
  }
  rd_kafka_event_destroy(ev);
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 4 || (std::strcmp(argv[2], "delete-groups") != 0 && std::strcmp(argv[2], "delete-offsets") != 0) ||
      (std::strcmp(argv[2], "delete-offsets") == 0 && argc < 5)) {
    std::fprintf(stderr, "usage: %s BOOTSTRAP delete-groups GROUP... | delete-offsets GROUP TOPIC:PARTITION...\n",
                 argv[0]);
    return 2;
  }
  rd_kafka_t* rk = client(argv[1]);
  if (rk == nullptr)
    return 1;
  rd_kafka_queue_t* q = rd_kafka_queue_new(rk);
  int rc = std::strcmp(argv[2], "delete-groups") == 0 ? delete_groups(rk, q, argc - 3, argv + 3)
                                                      : delete_offsets(rk, q, argv[3], argc - 4, argv + 4);
  std::fflush(stdout);
  rd_kafka_queue_destroy(q);
  rd_kafka_destroy(rk);
  return rc;
}
