#pragma once
// What DescribeConfigs (and `samsa topics describe --all-configs`) report: every effective config of a
// topic or of this broker, where its value comes from, and the lower-precedence values behind it
// (synonyms), in Kafka's terms. Pure functions over server_config and a topic's stored overrides: the
// topic keys and their validation stay in server_config (topic_config_keys), this file only adds which
// broker key backs each topic key and how each broker key's value reads as text.
//
// Source rules: a topic override is DYNAMIC_TOPIC_CONFIG; otherwise the broker's value, which is
// STATIC_BROKER_CONFIG when it differs from the built-in default and DEFAULT_CONFIG when it equals it
// (samsa does not keep which keys a file named, only their values). samsa has no dynamic broker
// configs: every broker key is read-only; topic keys are not (Kafka's answer; they can be set at
// creation). Secrets (samsa.native.ssl.key.password) are sensitive: their value is never reported.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cluster/server_config.hpp"

namespace samsa::cluster {

// Kafka's ConfigSource numbers (DescribeConfigs v1+).
enum class config_source : int8_t {
  unknown = 0,
  dynamic_topic = 1,
  dynamic_broker = 2,
  dynamic_default_broker = 3,
  static_broker = 4,
  default_config = 5,
};

// Kafka's ConfigType numbers (DescribeConfigs v3+).
enum class config_type : int8_t {
  unknown = 0,
  boolean = 1,
  string = 2,
  int_type = 3,
  short_type = 4,
  long_type = 5,
  double_type = 6,
  list = 7,
  class_type = 8,
  password = 9,
};

struct config_synonym {
  std::string name;
  std::optional<std::string> value;
  config_source source = config_source::unknown;
};

// One effective config. synonyms: this entry's own source first, then every lower-precedence one.
struct config_entry {
  std::string name;
  std::optional<std::string> value;  // nullopt: sensitive, or not set and without default
  config_source source = config_source::default_config;
  bool read_only = false;
  bool sensitive = false;
  config_type type = config_type::unknown;
  std::vector<config_synonym> synonyms;
};

// Every topic-level key samsa applies (topic_config_keys()), in that order, with its effective value.
// `overrides` are the topic's stored overrides (validated at creation).
std::vector<config_entry> describe_topic_configs(const server_config& s,
                                                 const std::map<std::string, std::string>& overrides);

// Every broker key (server_config_keys()), in that order, with this node's value.
std::vector<config_entry> describe_broker_configs(const server_config& s);

// The broker key whose value a topic key defaults to ("retention.ms" -> "log.retention.ms"); "" for a
// key without one in samsa (a test checks every topic key has one).
std::string broker_synonym(const std::string& topic_key);

// Kafka's name of a source ("DYNAMIC_TOPIC_CONFIG", "STATIC_BROKER_CONFIG", "DEFAULT_CONFIG", ...).
const char* source_name(config_source s);

// A topic key's Kafka type (config_type::list for cleanup.policy); string for a key samsa does not know.
config_type topic_config_type(const std::string& topic_key);

// Keeps the entries named in `keys` (all when keys is nullopt), in the order of `entries`.
std::vector<config_entry> select_configs(std::vector<config_entry> entries,
                                         const std::optional<std::vector<std::string>>& keys);

} // namespace samsa::cluster
