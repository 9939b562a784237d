#include "messages/kafka/partition_errors.hpp"

namespace samsa::kafka {

void write_topic_partition_errors(writer& w, const std::vector<topic_partition_errors>& topics) {
  write_array(w, false, topics, [](writer& ww, const topic_partition_errors& t) {
    ww.write_string(t.name);
    write_array(ww, false, t.partitions, [](writer& w3, const partition_error& p) {
      w3.write_i32(p.partition_index);
      w3.write_i16(to_int(p.error));
    });
  });
}

void read_topic_partition_errors(reader& r, std::vector<topic_partition_errors>& topics) {
  read_array(
    r, false, topics,
    [](reader& rr, topic_partition_errors& t) {
      t.name = rr.read_string();
      read_array(
        rr, false, t.partitions,
        [](reader& r3, partition_error& p) {
          p.partition_index = r3.read_i32();
          p.error = static_cast<error_code>(r3.read_i16());
        },
        6);
    },
    6);
}

} // namespace samsa::kafka
