#include "actors/native_transport.hpp"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <spdlog/spdlog.h>

#include <caf/detail/socket_guard.hpp>
#include <caf/exit_reason.hpp>
#include <caf/io/basp_broker.hpp>
#include <caf/io/middleman.hpp>
#include <caf/io/middleman_actor_impl.hpp>
#include <caf/io/network/default_multiplexer.hpp>
#include <caf/io/network/doorman_impl.hpp>
#include <caf/io/network/stream_impl.hpp>
#include <caf/io/scribe.hpp>
#include <caf/openssl/manager.hpp>
#include <caf/openssl/session.hpp>
#include <caf/policy/tcp.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/actor_clock.hpp"
#include "actors/connection_limits.hpp"
#include "actors/link_faults.hpp"
#include "messages/native_errors.hpp"

namespace samsa::actors {

namespace {

using caf::io::network::native_socket;
using caf::io::network::rw_state;
using default_mpx = caf::io::network::default_multiplexer;
using rp = caf::io::receive_policy;

// Reads up to this size go straight into the stream's buffer, as in CAF; larger payloads are collected in
// chunks of this size as they arrive.
constexpr size_t chunk_bytes = 64 * 1024;

// Plain TCP, or TLS through CAF's OpenSSL session when one is given; reads go through the connection's link
// tap when its actor system has a link-fault registry (actors/link_faults), else straight to the socket.
struct guarded_policy {
  guarded_policy(caf::openssl::session_ptr s, const std::unique_ptr<link_tap>* t) : session(std::move(s)), tap(t) {}

  rw_state read_some(size_t& result, native_socket fd, void* buf, size_t len) {
    if (*tap)
      return (*tap)->read(result, buf, len, [&](size_t& got, void* b, size_t n) { return raw_read(got, fd, b, n); });
    return raw_read(result, fd, buf, len);
  }
  rw_state raw_read(size_t& result, native_socket fd, void* buf, size_t len) {
    return session ? session->read_some(result, fd, buf, len) : caf::policy::tcp::read_some(result, fd, buf, len);
  }
  rw_state write_some(size_t& result, native_socket fd, const void* buf, size_t len) {
    return session ? session->write_some(result, fd, buf, len) : caf::policy::tcp::write_some(result, fd, buf, len);
  }
  bool must_read_more(native_socket fd, size_t threshold) {
    return session && session->must_read_more(fd, threshold);
  }

  caf::openssl::session_ptr session;
  const std::unique_ptr<link_tap>* tap; // the scribe's: set once it registered, null without a registry
};

// One warning per second at most: a peer hammering the port must not flood the operator log. Steady time:
// this runs inside a scribe (no actor, no actor clock) and is process-wide.
void warn_refused(const std::string& peer, size_t announced, size_t limit) {
  static log_rate_limit rate{1000}; // only the multiplexer thread runs scribes: no locking needed
  int64_t suppressed = 0;
  if (!rate.should_log(steady_clock_ms(), &suppressed))
    return;
  spdlog::warn("native API: {} announced a {}-byte message, above samsa.native.max.message.bytes={}: "
               "connection closed{}",
               peer, announced, limit,
               suppressed > 0 ? " (" + std::to_string(suppressed) + " more refusals in the last second)" : "");
}

// Inbound native connections of this process (/metrics): the doorman counts accepts, an accepted scribe
// counts itself open for its lifetime. Process-wide like the log limit above (one node per process).
std::atomic<int64_t> inbound_open{0};
std::atomic<uint64_t> inbound_accepted{0};

struct inbound_count {
  explicit inbound_count(bool on) : on(on) {
    if (on)
      inbound_open.fetch_add(1, std::memory_order_relaxed);
  }
  ~inbound_count() {
    if (on)
      inbound_open.fetch_sub(1, std::memory_order_relaxed);
  }
  inbound_count(const inbound_count&) = delete;
  inbound_count& operator=(const inbound_count&) = delete;
  bool on;
};

// A scribe like CAF's own (io::network::scribe_impl, or openssl's for TLS) with a bound on what a peer can
// make it allocate. The BASP broker asks for "exactly N bytes" after each header; CAF's stream would resize
// its buffer to N at once. Here N above the limit closes the connection, and N above chunk_bytes is read
// chunk by chunk into a buffer that grows with the bytes received.
class guarded_scribe : public caf::io::scribe {
public:
  // `link`: the actor system's link-fault hook; `peer` the node dialled (-1: accepted, found by the registry),
  // `local_port` the port a dialled connection leaves from.
  guarded_scribe(default_mpx& mpx, native_socket fd, caf::openssl::session_ptr session, size_t max_message_bytes,
                 bool accepted, const link_fault_hook& link, int32_t peer = -1, uint16_t local_port = 0)
    : scribe(caf::io::network::conn_hdl_from_socket(fd)),
      inbound_(accepted),
      tls_(session != nullptr),
      max_bytes_(max_message_bytes),
      stream_(mpx, fd, std::move(session), &tap_) {
    if (!link.faults)
      return;
    uint16_t remote = 0;
    if (accepted)
      if (auto p = caf::io::network::remote_port_of_fd(fd))
        remote = *p;
    auto* loop = &mpx;
    auto id = link.faults->attach(
      link.self, peer, local_port, remote, fd, [loop](std::function<void()> f) { loop->post(std::move(f)); },
      [this] {
        if (!detached() && launched_)
          stream_.handle_event(caf::io::network::operation::read);
      });
    tap_ = std::make_unique<link_tap>(link.faults, id);
  }

  void configure_read(rp::config config) override {
    if (config.first == caf::io::receive_policy_flag::exactly && config.second > chunk_bytes) {
      if (config.second > max_bytes_) {
        refused_ = config.second; // closed once the broker's handler returns (see consume)
      } else {
        assembling_ = true;
        wanted_ = config.second;
        stream_.configure_read(rp::exactly(std::min(chunk_bytes, wanted_)));
      }
    } else if (config.second > max_bytes_) {
      refused_ = config.second;
    } else {
      assembling_ = false;
      stream_.configure_read(config);
    }
    if (!launched_)
      launch();
  }

  bool consume(caf::execution_unit* ctx, const void* buf, size_t num_bytes) override {
    if (detached())
      return false;
    if (refused_ != 0)
      return refuse(ctx);
    if (!assembling_) {
      auto result = scribe::consume(ctx, buf, num_bytes);
      return refused_ != 0 ? refuse(ctx) : result;
    }
    auto first = static_cast<const char*>(buf);
    // Grow by doubling as usual, but never beyond the announced size.
    if (collected_.capacity() < collected_.size() + num_bytes)
      collected_.reserve(std::min(wanted_, std::max(collected_.size() + num_bytes, 2 * collected_.capacity())));
    collected_.insert(collected_.end(), first, first + num_bytes);
    if (collected_.size() < wanted_) {
      stream_.configure_read(rp::exactly(std::min(chunk_bytes, wanted_ - collected_.size())));
      return true;
    }
    auto guard = parent_; // the parent may detach us while handling the message
    auto& msg_buf = msg().buf;
    msg_buf.swap(collected_);
    collected_.clear();
    // Unless the handler configures otherwise, the next message is read with the same policy.
    stream_.configure_read(rp::exactly(std::min(chunk_bytes, wanted_)));
    auto result = invoke_mailbox_element(ctx);
    std::vector<char>{}.swap(msg_buf); // a large payload's memory goes back now, not at the next one
    flush();
    return refused_ != 0 ? refuse(ctx) : result;
  }

  void ack_writes(bool enable) override { stream_.ack_writes(enable); }
  std::vector<char>& wr_buf() override { return stream_.wr_buf(); }
  std::vector<char>& rd_buf() override { return stream_.rd_buf(); }

  void graceful_shutdown() override {
    stream_.graceful_shutdown();
    detach(&stream_.backend(), false);
  }

  void flush() override { stream_.flush(this); }

  std::string addr() const override {
    auto x = caf::io::network::remote_addr_of_fd(stream_.fd());
    return x ? *x : std::string{};
  }

  uint16_t port() const override {
    auto x = caf::io::network::remote_port_of_fd(stream_.fd());
    return x ? *x : 0;
  }

  void add_to_loop() override { stream_.activate(this); }
  void remove_from_loop() override { stream_.passivate(); }

private:
  void launch() {
    launched_ = true;
    stream_.start(this);
    // TLS: schedules the scribe so that SSL_connect / SSL_accept make progress before anything is written.
    if (tls_)
      stream_.force_empty_write(this);
  }

  bool refuse(caf::execution_unit* ctx) {
    warn_refused(addr() + ":" + std::to_string(port()), refused_, max_bytes_);
    // Same path as a peer closing the connection: the BASP broker gets connection_closed_msg.
    io_failure(ctx, caf::io::network::operation::read);
    return false;
  }

  inbound_count inbound_;
  std::unique_ptr<link_tap> tap_; // before stream_, whose policy reads through it
  bool tls_;
  bool launched_ = false;
  size_t max_bytes_;
  bool assembling_ = false;
  size_t wanted_ = 0;
  size_t refused_ = 0; // size of a refused announcement; 0: none
  std::vector<char> collected_;
  caf::io::network::stream_impl<guarded_policy> stream_;
};

caf::openssl::session_ptr make_session_if(caf::actor_system& sys, const native_security& sec, native_socket fd,
                                          bool accepted, bool& failed) {
  failed = false;
  if (!sec.tls())
    return nullptr;
  auto s = caf::openssl::make_session(sys, fd, accepted);
  failed = s == nullptr;
  return s;
}

class guarded_doorman : public caf::io::network::doorman_impl {
public:
  guarded_doorman(default_mpx& mpx, native_socket fd, native_security sec)
    : doorman_impl(mpx, fd), sec_(std::move(sec)) {
    // nop
  }

  bool new_connection() override {
    if (detached())
      return false;
    auto& mpx = acceptor_.backend();
    auto fd = acceptor_.accepted_socket();
    caf::detail::socket_guard guard{fd}; // closes the socket unless a scribe takes it
    caf::io::network::nonblocking(fd, true);
    caf::io::network::keepalive(fd, true);
    bool failed = false;
    auto session = make_session_if(parent()->system(), sec_, fd, true, failed);
    if (failed)
      return false;
    auto scribe = caf::make_counted<guarded_scribe>(mpx, fd, std::move(session), sec_.max_message_bytes, true,
                                                    link_hook_of(parent()->system()));
    inbound_accepted.fetch_add(1, std::memory_order_relaxed);
    guard.release();
    auto hdl = scribe->hdl();
    parent()->add_scribe(std::move(scribe));
    return doorman::new_connection(&mpx, hdl);
  }

private:
  native_security sec_;
};

// CAF's middleman actor with guarded connections in both directions (the same override points CAF's
// OpenSSL module uses). Spawned for one publish or connect and stopped afterwards: the connection then
// belongs to the BASP broker.
class guarded_middleman_actor : public caf::io::middleman_actor_impl {
public:
  guarded_middleman_actor(caf::actor_config& cfg, caf::actor basp, native_security sec)
    : middleman_actor_impl(cfg, std::move(basp)), sec_(std::move(sec)) {
    // nop
  }

  const char* name() const override { return "samsa_guarded_middleman"; }

protected:
  caf::expected<caf::io::scribe_ptr> connect(const std::string& host, uint16_t port) override {
    // An in-process experiment's cut link refuses new connections (a TCP handshake needs both directions).
    auto link = link_hook_of(system());
    int32_t peer = link.faults ? link.faults->node_at_port(port) : -1;
    if (link.faults && !link.faults->may_connect(link.self, peer))
      return caf::make_error(caf::sec::cannot_connect_to_node, "link cut by an experiment", host, port);
    auto fd = caf::io::network::new_tcp_connection(host, port);
    if (!fd)
      return std::move(fd.error());
    caf::detail::socket_guard guard{*fd};
    caf::io::network::nonblocking(*fd, true);
    caf::io::network::keepalive(*fd, true);
    bool failed = false;
    auto session = make_session_if(system(), sec_, *fd, false, failed);
    if (failed)
      return caf::make_error(caf::sec::cannot_connect_to_node, "TLS handshake failed", host, port);
    uint16_t local_port = 0;
    if (link.faults)
      if (auto p = caf::io::network::local_port_of_fd(*fd))
        local_port = *p;
    auto scribe = caf::make_counted<guarded_scribe>(mpx(), *fd, std::move(session), sec_.max_message_bytes, false,
                                                    link, peer, local_port);
    guard.release();
    return caf::io::scribe_ptr{std::move(scribe)};
  }

  caf::expected<caf::io::doorman_ptr> open(uint16_t port, const char* addr, bool reuse) override {
    auto fd = caf::io::network::new_tcp_acceptor_impl(port, addr, reuse);
    if (!fd)
      return std::move(fd.error());
    return caf::io::doorman_ptr{caf::make_counted<guarded_doorman>(mpx(), *fd, sec_)};
  }

private:
  default_mpx& mpx() { return static_cast<default_mpx&>(system().middleman().backend()); }

  native_security sec_;
};

// Runs `f(self, mm)` with a guarded middleman actor that is stopped afterwards.
template <class F>
auto with_guarded_middleman(caf::actor_system& sys, const native_security& sec, F f) {
  auto basp = sys.middleman().named_broker<caf::io::basp_broker>(caf::atom("BASP"));
  auto mm = sys.spawn<guarded_middleman_actor, caf::hidden>(basp, sec);
  caf::scoped_actor self{sys, true};
  auto result = f(self, mm);
  self->send_exit(mm, caf::exit_reason::kill); // CAF's middleman actor ignores other exit reasons
  return result;
}

std::string getenv_or_empty(const char* name) {
  auto v = std::getenv(name);
  return v ? std::string{v} : std::string{};
}

std::string openssl_error() {
  std::string msg;
  while (auto e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    msg += (msg.empty() ? "" : "; ") + std::string{buf};
  }
  return msg.empty() ? "unknown OpenSSL error" : msg;
}

int passphrase_cb(char* buf, int size, int, void* user) {
  auto& pw = *static_cast<const std::string*>(user);
  auto n = std::min<size_t>(pw.size(), static_cast<size_t>(size > 0 ? size - 1 : 0));
  std::copy_n(pw.data(), n, buf);
  buf[n] = '\0';
  return static_cast<int>(n);
}

} // namespace

native_connection_counts native_inbound_connections() {
  return {inbound_open.load(std::memory_order_relaxed), inbound_accepted.load(std::memory_order_relaxed)};
}

native_security native_security::from(const cluster::server_config& s) {
  native_security sec;
  sec.max_message_bytes = static_cast<size_t>(s.native_max_message_bytes);
  sec.cafile = s.native_ssl_cafile;
  sec.certfile = s.native_ssl_certfile;
  sec.keyfile = s.native_ssl_keyfile;
  sec.key_password = s.native_ssl_key_password;
  return sec;
}

native_security native_security::from_environment() {
  native_security sec;
  sec.cafile = getenv_or_empty("SAMSA_NATIVE_SSL_CAFILE");
  sec.certfile = getenv_or_empty("SAMSA_NATIVE_SSL_CERTFILE");
  sec.keyfile = getenv_or_empty("SAMSA_NATIVE_SSL_KEYFILE");
  sec.key_password = getenv_or_empty("SAMSA_NATIVE_SSL_KEY_PASSWORD");
  return sec;
}

std::string check_native_security(const native_security& sec) {
  if (!sec.any_tls_setting())
    return {};
  if (!sec.tls())
    return "TLS on the native API needs all of samsa.native.ssl.cafile, samsa.native.ssl.certfile and "
           "samsa.native.ssl.keyfile";
  ERR_clear_error();
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx{SSL_CTX_new(TLS_method()), SSL_CTX_free};
  if (!ctx)
    return "cannot create an OpenSSL context: " + openssl_error();
  if (!sec.key_password.empty()) {
    SSL_CTX_set_default_passwd_cb(ctx.get(), passphrase_cb);
    SSL_CTX_set_default_passwd_cb_userdata(ctx.get(), const_cast<std::string*>(&sec.key_password));
  }
  if (SSL_CTX_use_certificate_chain_file(ctx.get(), sec.certfile.c_str()) != 1)
    return "cannot load the certificate " + sec.certfile + ": " + openssl_error();
  if (SSL_CTX_use_PrivateKey_file(ctx.get(), sec.keyfile.c_str(), SSL_FILETYPE_PEM) != 1)
    return "cannot load the private key " + sec.keyfile + ": " + openssl_error();
  if (SSL_CTX_check_private_key(ctx.get()) != 1)
    return "the private key " + sec.keyfile + " does not match the certificate " + sec.certfile;
  if (SSL_CTX_load_verify_locations(ctx.get(), sec.cafile.c_str(), nullptr) != 1)
    return "cannot load the CA certificates " + sec.cafile + ": " + openssl_error();
  // Our own certificate must verify against the CA, or every peer would refuse it.
  std::unique_ptr<X509_STORE_CTX, decltype(&X509_STORE_CTX_free)> vctx{X509_STORE_CTX_new(), X509_STORE_CTX_free};
  auto cert = SSL_CTX_get0_certificate(ctx.get());
  STACK_OF(X509)* chain = nullptr;
  SSL_CTX_get0_chain_certs(ctx.get(), &chain);
  if (!vctx || !cert || X509_STORE_CTX_init(vctx.get(), SSL_CTX_get_cert_store(ctx.get()), cert, chain) != 1)
    return "cannot check the certificate " + sec.certfile + ": " + openssl_error();
  if (X509_verify_cert(vctx.get()) != 1)
    return "the certificate " + sec.certfile + " does not verify against " + sec.cafile + ": "
           + X509_verify_cert_error_string(X509_STORE_CTX_get_error(vctx.get()));
  return {};
}

bool is_loopback_host(const std::string& host) {
  return host == "localhost" || host == "::1" || host == "[::1]" || host.rfind("127.", 0) == 0;
}

void configure_native_security(caf::actor_system_config& cfg, const native_security& sec) {
  if (!sec.tls())
    return;
  cfg.openssl_cafile = sec.cafile;
  cfg.openssl_certificate = sec.certfile;
  cfg.openssl_key = sec.keyfile;
  cfg.openssl_passphrase = sec.key_password;
  cfg.load<caf::openssl::manager>();
}

caf::expected<uint16_t> publish_native(caf::actor_system& sys, const caf::strong_actor_ptr& whom,
                                       std::set<std::string> sigs, uint16_t port, const std::string& host,
                                       const native_security& sec) {
  if (sec.tls() && !sys.has_openssl_manager())
    return caf::make_error(caf::sec::invalid_argument, "TLS configured but the actor system was not configured "
                                                       "with configure_native_security");
  return with_guarded_middleman(sys, sec, [&](caf::scoped_actor& self, const caf::io::middleman_actor& mm) {
    caf::expected<uint16_t> result{caf::sec::runtime_error};
    self->request(mm, caf::infinite, caf::publish_atom::value, port, whom, std::move(sigs), host, true)
      .receive([&](uint16_t actual) { result = actual; }, [&](caf::error& e) { result = std::move(e); });
    return result;
  });
}

caf::expected<uint16_t> publish_native_listener(caf::actor_system& sys, const broker_actor& whom,
                                                const cluster::server_config& cfg) {
  auto sec = native_security::from(cfg);
  if (auto why = check_native_security(sec); !why.empty())
    return make_error(api_errc::invalid_config, why);
  auto host = cfg.native_host();
  if (!sec.tls() && !is_loopback_host(host)) {
    if (!cfg.native_allow_unauthenticated)
      return make_error(api_errc::invalid_config,
                        "refusing to publish the native API on the non-loopback address " + host
                          + " without authentication: anyone who reaches it could use the whole broker API. Set "
                            "samsa.native.ssl.cafile/certfile/keyfile (TLS with client certificates), or "
                            "samsa.native.allow.unauthenticated=true to accept the risk (docs/security.md)");
    spdlog::warn("native API on {}:{} WITHOUT authentication (samsa.native.allow.unauthenticated=true): anyone who "
                 "can reach this port can use the whole broker API; see docs/security.md",
                 host, cfg.native_port());
  }
  auto port = publish_native(sys, caf::actor_cast<caf::strong_actor_ptr>(whom), sys.message_types(whom),
                             cfg.native_port(), host, sec);
  if (port)
    spdlog::info("native API on {}:{}: {}, messages up to {} bytes", host, *port,
                 sec.tls() ? "TLS, peers need a certificate signed by " + sec.cafile : "plain TCP, no authentication",
                 sec.max_message_bytes);
  return port;
}

caf::io::middleman_actor spawn_native_connector(caf::actor_system& sys, const native_security& sec) {
  auto basp = sys.middleman().named_broker<caf::io::basp_broker>(caf::atom("BASP"));
  return sys.spawn<guarded_middleman_actor, caf::detached + caf::hidden>(basp, sec);
}

namespace {

// The name of an actor system's peer directory in its registry. A named actor can be addressed from other
// nodes (BASP's named receivers): the directory answers its own process only.
const caf::atom_value peer_directory_name = caf::atom("samsaPeers");

// One actor system's native connections to other nodes' listeners, by endpoint (see native_peer_directory).
struct peer_directory_state {
  using endpoint = std::pair<std::string, uint16_t>;
  struct found {
    caf::node_id node;
    caf::strong_actor_ptr published;
    std::set<std::string> ifs;
  };
  native_security sec;
  caf::actor_addr basp;
  std::map<endpoint, found> known;                                  // connected, published actor alive
  std::map<endpoint, std::vector<caf::response_promise>> connecting; // one connection attempt each
  static inline const char* name = "samsa_peer_directory";
};

using peer_directory_ptr = caf::stateful_actor<peer_directory_state>*;

void connected(peer_directory_ptr self, const peer_directory_state::endpoint& key, caf::expected<peer_directory_state::found> r) {
  auto& st = self->state;
  auto i = st.connecting.find(key);
  if (i == st.connecting.end())
    return;
  auto waiting = std::move(i->second);
  st.connecting.erase(i);
  if (r && r->published) {
    self->monitor(r->published);
    st.known[key] = *r;
  }
  for (auto& rp : waiting) {
    if (r)
      rp.deliver(r->node, r->published, r->ifs);
    else
      rp.deliver(r.error());
  }
}

caf::behavior peer_directory(peer_directory_ptr self, native_security sec, caf::actor basp) {
  self->state.sec = std::move(sec);
  self->state.basp = basp.address();
  self->monitor(basp);
  self->set_down_handler([=](caf::down_msg& dm) {
    auto& st = self->state;
    if (dm.source == st.basp) { // the middleman stops: so does the directory (the registry does not let go)
      self->system().registry().erase(peer_directory_name);
      self->quit();
      return;
    }
    // A published actor gone (its node stopped or the connection to it broke): the next lookup connects.
    for (auto i = st.known.begin(); i != st.known.end();)
      i = i->second.published && i->second.published->address() == dm.source ? st.known.erase(i) : std::next(i);
  });
  return {
    [=](caf::connect_atom, std::string& host, uint16_t port,
        caf::timespan timeout) -> caf::result<caf::node_id, caf::strong_actor_ptr, std::set<std::string>> {
      auto sender = self->current_sender();
      if (!sender || sender->node() != self->node())
        return caf::make_error(caf::sec::unexpected_message);
      auto& st = self->state;
      peer_directory_state::endpoint key{std::move(host), port};
      if (auto i = st.known.find(key); i != st.known.end())
        return {i->second.node, i->second.published, i->second.ifs};
      auto rp = self->make_response_promise();
      auto& waiting = st.connecting[key];
      waiting.push_back(rp);
      if (waiting.size() > 1)
        return rp; // a connection attempt to that endpoint is under way: its answer is this one's
      auto conn = spawn_native_connector(self->system(), st.sec);
      self->request(conn, timeout, caf::connect_atom::value, key.first, key.second)
        .then(
          [=](caf::node_id& nid, caf::strong_actor_ptr& ptr, std::set<std::string>& ifs) {
            self->send_exit(conn, caf::exit_reason::kill);
            connected(self, key, peer_directory_state::found{std::move(nid), std::move(ptr), std::move(ifs)});
          },
          [=](caf::error& e) {
            self->send_exit(conn, caf::exit_reason::kill);
            connected(self, key, std::move(e));
          });
      return rp;
    },
  };
}

} // namespace

caf::actor native_peer_directory(caf::actor_system& sys, const native_security& sec) {
  static std::mutex creating; // two actors' first lookups at once must not start two directories
  std::lock_guard<std::mutex> guard{creating};
  if (auto existing = sys.registry().get(peer_directory_name))
    return caf::actor_cast<caf::actor>(existing);
  auto basp = sys.middleman().named_broker<caf::io::basp_broker>(caf::atom("BASP"));
  auto dir = sys.spawn<caf::hidden>(peer_directory, sec, basp);
  sys.registry().put(peer_directory_name, caf::actor_cast<caf::strong_actor_ptr>(dir));
  return dir;
}

caf::expected<caf::strong_actor_ptr> connect_native(caf::actor_system& sys, const std::set<std::string>& ifs,
                                                    const std::string& host, uint16_t port,
                                                    const native_security& sec, std::chrono::milliseconds timeout) {
  if (sec.tls() && !sys.has_openssl_manager())
    return caf::make_error(caf::sec::invalid_argument, "TLS configured but the actor system was not configured "
                                                       "with configure_native_security");
  return with_guarded_middleman(sys, sec, [&](caf::scoped_actor& self, const caf::io::middleman_actor& mm) {
    caf::expected<caf::strong_actor_ptr> result{caf::sec::runtime_error};
    self->request(mm, timeout, caf::connect_atom::value, host, port)
      .receive(
        [&](const caf::node_id&, caf::strong_actor_ptr& ptr, const std::set<std::string>& found) {
          if (!ptr)
            result = caf::make_error(caf::sec::no_actor_published_at_port, port);
          else if (!sys.assignable(found, ifs))
            result = caf::make_error(caf::sec::unexpected_actor_messaging_interface);
          else
            result = std::move(ptr);
        },
        [&](caf::error& e) { result = std::move(e); });
    return result;
  });
}

} // namespace samsa::actors
