#include "tools/cli_common.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <iostream>

#include <caf/io/middleman.hpp>

#include "actors/native_transport.hpp"
#include "messages/kafka/api_versions.hpp"
#include "messages/kafka/request_header.hpp"
#include "messages/type_registry.hpp"

namespace samsa::cli {

std::string join_ids(const std::vector<int32_t>& xs) {
  std::string s;
  for (auto x : xs)
    s += (s.empty() ? "" : ",") + std::to_string(x);
  return s;
}

std::optional<long long> to_int(const std::string& s) {
  try {
    size_t pos = 0;
    auto v = std::stoll(s, &pos);
    if (pos != s.size())
      return std::nullopt;
    return v;
  } catch (...) {
    return std::nullopt;
  }
}

bool int_option(const args& a, const std::string& name, long long min, std::optional<long long>& out) {
  auto s = a.get(name);
  if (!s)
    return true;
  out = to_int(*s);
  if (!out || *out < min) {
    std::cerr << "error: " << name << " needs a number >= " << min << ", got '" << *s << "'\n";
    return false;
  }
  return true;
}

void print_error(const std::string& what, const caf::error& e) {
  std::cerr << "error: " << what << ": " << describe(e) << "\n";
}

option_spec output_option(const std::string& what_json) {
  return {"--output", "text|json", "text for people (default), json for scripts: " + what_json};
}

std::optional<std::string> output_format(const args& a) {
  auto output = a.get("--output").value_or("text");
  if (output == "text" || output == "json")
    return output;
  std::cerr << "error: --output must be text or json\n";
  return std::nullopt;
}

option_spec broker_option() {
  return {"--broker", "HOST:PORT", std::string{"the broker's native API (samsa.native.listener; default "} + default_native_broker + ")"};
}

client_config::client_config() {
  register_samsa_types(*this);
  load<caf::io::middleman>();
  actors::configure_native_security(*this, actors::native_security::from_environment());
  set("scheduler.max-threads", size_t{2});
  set("scheduler.policy", caf::atom("sharing"));
  set("logger.verbosity", caf::atom("quiet"));
  // A broker of a quorum drops BASP connections silent for controller.quorum.fetch.timeout.ms
  // (actors/node.hpp): heartbeats keep an idle client (consume --follow) connected.
  set("middleman.heartbeat-interval", caf::timespan{std::chrono::milliseconds(500)});
}

namespace {

constexpr auto connect_timeout = std::chrono::seconds(5);

// Whether host:port answers a Kafka ApiVersions v0 request within a second: tells "you pointed the CLI at
// the Kafka listener" apart from other silent listeners.
bool speaks_kafka(const std::string& host, uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return false;
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  bool ok = ::inet_pton(AF_INET, host == "localhost" ? "127.0.0.1" : host.c_str(), &sa.sin_addr) == 1;
  timeval tv{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  ok = ok && ::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0;
  // ApiVersions v0 with correlation id 0x53414d53 ("SAMS"), through the broker's own codecs.
  constexpr int32_t corr = 0x53414d53;
  std::vector<char> req(4); // size prefix, filled in below
  kafka::writer w{req};
  kafka::encode_request_header(w, kafka::request_header{18, 0, corr, std::string{"samsa"}});
  kafka::encode(w, 0, kafka::api_versions_request{});
  auto body = static_cast<uint32_t>(req.size() - 4);
  for (int i = 0; i < 4; ++i)
    req[static_cast<size_t>(i)] = static_cast<char>((body >> (24 - 8 * i)) & 0xff);
  ok = ok && ::send(fd, req.data(), req.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(req.size());
  unsigned char resp[8];
  size_t got = 0;
  while (ok && got < sizeof resp) {
    auto n = ::recv(fd, resp + got, sizeof resp - got, 0);
    ok = n > 0;
    got += ok ? static_cast<size_t>(n) : 0;
  }
  ::close(fd);
  const unsigned char want[] = {0x53, 0x41, 0x4d, 0x53};
  return ok && std::equal(want, want + 4, resp + 4);
}

} // namespace

// A message a user can act on, instead of CAF's error rendering.
std::string explain_connect_failure(const caf::error& e, const std::string& host, uint16_t port, bool tls) {
  auto addr = host + ":" + std::to_string(port);
  if (e.category() == caf::atom("system") && e.code() == static_cast<uint8_t>(caf::sec::cannot_connect_to_node))
    return "no samsa broker answers on " + addr + "; start one with 'samsa broker' (or point --broker at a "
           "running broker's samsa.native.listener)";
  if (speaks_kafka(host, port))
    return addr + " is a Kafka listener; the samsa CLI uses the broker's native port (samsa.native.listener, "
           + std::string{default_native_broker} + " by default): pass --broker HOST:NATIVE_PORT";
  return addr + " accepted the connection but did not answer as a samsa broker within "
         + std::to_string(connect_timeout.count()) + " s"
         + (tls ? " (check SAMSA_NATIVE_SSL_* against the broker's certificates)"
                : " (is its native API TLS-only? then set SAMSA_NATIVE_SSL_CAFILE, _CERTFILE and _KEYFILE)");
}

std::string broker_address(const args& a) { return a.get("--broker").value_or(default_native_broker); }

std::variant<broker_actor, std::string> try_connect(caf::actor_system& sys, const args& a) {
  auto addr = broker_address(a);
  auto colon = addr.rfind(':');
  auto port = colon == std::string::npos ? std::nullopt : to_int(addr.substr(colon + 1));
  if (!port || *port <= 0 || *port > 65535)
    return "--broker must be HOST:PORT, got '" + addr + "'";
  auto sec = actors::native_security::from_environment();
  if (auto why = actors::check_native_security(sec); !why.empty())
    return why + " (SAMSA_NATIVE_SSL_CAFILE, SAMSA_NATIVE_SSL_CERTFILE, SAMSA_NATIVE_SSL_KEYFILE)";
  auto host = addr.substr(0, colon);
  auto hdl = actors::connect_native<broker_actor>(sys, host, static_cast<uint16_t>(*port), sec, connect_timeout);
  if (!hdl)
    return explain_connect_failure(hdl.error(), host, static_cast<uint16_t>(*port), sec.tls());
  return *hdl;
}

std::optional<broker_actor> connect(caf::actor_system& sys, const args& a) {
  auto res = try_connect(sys, a);
  if (auto why = std::get_if<std::string>(&res)) {
    std::cerr << "error: " << *why << "\n";
    return std::nullopt;
  }
  return std::get<broker_actor>(res);
}

} // namespace samsa::cli

namespace samsa::cli {

int with_broker(const args& a, const std::function<int(caf::scoped_actor&, const broker_actor&)>& body) {
  client_config cfg;
  caf::actor_system sys{cfg};
  auto b = connect(sys, a);
  if (!b)
    return 1;
  caf::scoped_actor self{sys};
  return body(self, *b);
}

std::function<int(const args&)> on_broker(broker_body body) {
  return [body = std::move(body)](const args& a) {
    return with_broker(a, [&](caf::scoped_actor& self, const broker_actor& b) { return body(self, b, a); });
  };
}

} // namespace samsa::cli
