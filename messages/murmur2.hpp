#pragma once

// Kafka's key hash, so that a key produced through samsa lands on the same partition as it would
// with the Java client (and kafkajs, kafka-python, librdkafka's murmur2 partitioner).

#include <cstddef>
#include <cstdint>

namespace samsa {

// Bit-identical to Java org.apache.kafka.common.utils.Utils.murmur2(byte[]) (MurmurHash2, seed
// 0x9747b28c, little-endian 4-byte blocks, tail bytes treated as unsigned).
// murmur2("kafka", 5) == (int32_t)0xd067cf64.
int32_t murmur2(const void* data, size_t n);

// Java Utils.toPositive: clears the sign bit (not abs(), which would fold two values together
// and overflow for INT32_MIN).
inline int32_t to_positive(int32_t v) { return v & 0x7fffffff; }

// Java's default partitioner for a non-null key: toPositive(murmur2(key)) % num_partitions.
// num_partitions must be > 0; returns 0 otherwise so a caller bug cannot divide by zero.
int32_t partition_for_key(const void* key, size_t n, int32_t num_partitions);

}  // namespace samsa
