#pragma once
// Whether a Kafka response carries an error code anywhere: at the top level, per topic, per partition, per
// group or per member. Used by the request metrics (samsa_kafka_request_errors_total), which count a
// request as failed when its answer names any error, as Kafka's RequestMetrics count error codes.
//
// Generic over the response structs of this folder: a struct's `error` field (an error_code) is checked,
// and its lists named topics, partitions, responses, results, groups, members or coordinators are searched
// the same way. A new response type needs nothing here as long as it follows those names.
#include <type_traits>
#include <utility>

#include "messages/kafka/errors.hpp"

namespace samsa::kafka {

template <class T>
bool carries_error(const T& x);

namespace detail {

template <class T, class = void>
struct has_error_field : std::false_type {};
template <class T>
struct has_error_field<T, std::enable_if_t<std::is_same_v<decltype(std::declval<const T&>().error), error_code>>>
  : std::true_type {};

template <class T>
bool own_error(const T& x) {
  if constexpr (has_error_field<T>::value)
    return x.error != error_code::none;
  else
    return false;
}

// errors_in_<member>(x): whether x has a list named <member> with an error in it (false without the list).
#define SAMSA_KAFKA_ERRORS_IN(member)                                                                         \
  template <class T, class = void>                                                                          \
  struct has_list_##member : std::false_type {};                                                            \
  template <class T>                                                                                        \
  struct has_list_##member<T, std::void_t<decltype(std::declval<const T&>().member.begin())>> : std::true_type {}; \
  template <class T>                                                                                        \
  bool errors_in_##member(const T& x) {                                                                     \
    if constexpr (has_list_##member<T>::value) {                                                            \
      for (const auto& item : x.member)                                                                     \
        if (carries_error(item))                                                                            \
          return true;                                                                                      \
    }                                                                                                       \
    return false;                                                                                           \
  }
SAMSA_KAFKA_ERRORS_IN(topics)
SAMSA_KAFKA_ERRORS_IN(partitions)
SAMSA_KAFKA_ERRORS_IN(responses)
SAMSA_KAFKA_ERRORS_IN(results)
SAMSA_KAFKA_ERRORS_IN(groups)
SAMSA_KAFKA_ERRORS_IN(members)
SAMSA_KAFKA_ERRORS_IN(coordinators)
#undef SAMSA_KAFKA_ERRORS_IN

} // namespace detail

template <class T>
bool carries_error(const T& x) {
  using namespace detail;
  return own_error(x) || errors_in_topics(x) || errors_in_partitions(x) || errors_in_responses(x)
         || errors_in_results(x) || errors_in_groups(x) || errors_in_members(x)
         || errors_in_coordinators(x);
}

} // namespace samsa::kafka
