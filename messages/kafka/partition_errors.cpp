#include "messages/kafka/partition_errors.hpp"

namespace samsa::kafka {

void write_topic_partition_errors(writer& w, const std::vector<topic_partition_errors>& topics, bool flex) {
  write_array(w, flex, topics, [flex](writer& ww, const topic_partition_errors& t) {
    ww.write_string(t.name, flex);
    write_array(ww, flex, t.partitions, [flex](writer& w3, const partition_error& p) {
      w3.write_i32(p.partition_index);
      w3.write_i16(to_int(p.error));
      end_struct(w3, flex);
    });
    end_struct(ww, flex);
  });
}

void read_topic_partition_errors(reader& r, std::vector<topic_partition_errors>& topics, bool flex) {
  read_array(
    r, flex, topics,
    [flex](reader& rr, topic_partition_errors& t) {
      t.name = rr.read_string(flex);
      read_array(
        rr, flex, t.partitions,
        [flex](reader& r3, partition_error& p) {
          p.partition_index = r3.read_i32();
          p.error = static_cast<error_code>(r3.read_i16());
          end_struct(r3, flex);
        },
        flex ? 7 : 6);
      end_struct(rr, flex);
    },
    flex ? 3 : 6);
}

} // namespace samsa::kafka
