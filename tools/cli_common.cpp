#include "tools/cli_common.hpp"

#include <algorithm>
#include <iostream>

#include <caf/io/middleman.hpp>

#include "actors/native_transport.hpp"
#include "messages/type_registry.hpp"

namespace samsa::cli {

std::optional<std::string> args::get(const std::string& k) const {
  auto i = options.find(k);
  if (i == options.end())
    return std::nullopt;
  return i->second;
}

std::vector<std::string> args::all(const std::string& k) const {
  std::vector<std::string> out;
  auto [b, e] = options.equal_range(k);
  for (auto i = b; i != e; ++i)
    out.push_back(i->second);
  return out;
}

std::optional<args> parse_args(const std::vector<std::string>& argv, const std::vector<std::string>& with_value,
                               const std::vector<std::string>& flags) {
  args out;
  for (size_t i = 0; i < argv.size(); ++i) {
    const auto& s = argv[i];
    if (s.size() > 2 && s.compare(0, 2, "--") == 0) {
      auto name = s;
      std::optional<std::string> inline_value;
      if (auto eq = s.find('='); eq != std::string::npos) {
        name = s.substr(0, eq);
        inline_value = s.substr(eq + 1);
      }
      if (std::find(flags.begin(), flags.end(), name) != flags.end() && !inline_value) {
        out.options.emplace(name, "");
      } else if (std::find(with_value.begin(), with_value.end(), name) != with_value.end()) {
        if (inline_value) {
          out.options.emplace(name, *inline_value);
        } else if (i + 1 < argv.size()) {
          out.options.emplace(name, argv[++i]);
        } else {
          std::cerr << "error: option " << name << " needs a value\n";
          return std::nullopt;
        }
      } else {
        std::cerr << "error: unknown option " << name << "\n";
        return std::nullopt;
      }
    } else {
      out.positional.push_back(s);
    }
  }
  return out;
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

std::optional<broker_actor> connect(caf::actor_system& sys, const args& a) {
  auto addr = a.get("--broker").value_or(default_native_broker);
  auto colon = addr.rfind(':');
  auto port = colon == std::string::npos ? std::nullopt : to_int(addr.substr(colon + 1));
  if (!port || *port <= 0 || *port > 65535) {
    std::cerr << "error: --broker must be HOST:PORT, got '" << addr << "'\n";
    return std::nullopt;
  }
  auto sec = actors::native_security::from_environment();
  if (auto why = actors::check_native_security(sec); !why.empty()) {
    std::cerr << "error: " << why << " (SAMSA_NATIVE_SSL_CAFILE, SAMSA_NATIVE_SSL_CERTFILE, SAMSA_NATIVE_SSL_KEYFILE)\n";
    return std::nullopt;
  }
  auto hdl = actors::connect_native<broker_actor>(sys, addr.substr(0, colon), static_cast<uint16_t>(*port), sec);
  if (!hdl) {
    std::cerr << "error: cannot reach a samsa broker's native API at " << addr << ": " << sys.render(hdl.error())
              << (sec.tls() ? "" : " (a broker with TLS on its native API needs SAMSA_NATIVE_SSL_* set)") << "\n";
    return std::nullopt;
  }
  return *hdl;
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

} // namespace samsa::cli
