#pragma once
// The transport under the native API (CAF's BASP on samsa.native.listener), hardened against peers that are
// not samsa nodes or clients. CAF 0.17.6 trusts the 32-byte BASP header: a header announcing a 4 GiB payload
// makes its stream allocate (and zero) 4 GiB before a single payload byte arrives. Here every native
// connection, accepted or opened, runs through a guarded scribe that
//   - refuses any BASP message larger than max_message_bytes (the connection is closed, nothing allocated),
//   - buffers payloads above 64 KiB as their bytes arrive, so memory follows what a peer really sent,
//   - optionally runs TLS with mutual authentication (CAF's OpenSSL session: both sides need a certificate
//     signed by the cluster CA), so an unauthenticated peer's bytes never reach CAF's deserializer.
// docs/security.md has the threat model.
#include <chrono>
#include <cstddef>
#include <set>
#include <string>

#include <caf/actor.hpp>
#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/expected.hpp>
#include <caf/io/middleman_actor.hpp>

#include "cluster/server_config.hpp"
#include "messages/native_api.hpp"

namespace samsa::actors {

// Largest BASP message (header + payload) a native peer may announce, unless configured otherwise
// (samsa.native.max.message.bytes; clients use this default). Equal to socket.request.max.bytes' default.
constexpr size_t default_native_max_message_bytes = 104857600;

struct native_security {
  size_t max_message_bytes = default_native_max_message_bytes;
  std::string cafile;       // PEM: the cluster CA whose signature a peer's certificate must carry
  std::string certfile;     // PEM: this endpoint's certificate (chain)
  std::string keyfile;      // PEM: its private key
  std::string key_password; // passphrase of an encrypted key, if any

  // TLS with mutual authentication is on when all three files are named.
  bool tls() const { return !cafile.empty() && !certfile.empty() && !keyfile.empty(); }
  bool any_tls_setting() const { return !cafile.empty() || !certfile.empty() || !keyfile.empty() || !key_password.empty(); }

  // The broker's settings: samsa.native.max.message.bytes, samsa.native.ssl.*.
  static native_security from(const cluster::server_config& s);
  // A client's settings from the environment: SAMSA_NATIVE_SSL_CAFILE, SAMSA_NATIVE_SSL_CERTFILE,
  // SAMSA_NATIVE_SSL_KEYFILE, SAMSA_NATIVE_SSL_KEY_PASSWORD.
  static native_security from_environment();
};

// "" when the settings are usable: either no TLS setting at all, or all three files, loadable by OpenSSL,
// the key matching the certificate and the certificate verifying against the CA. Else the reason. CAF
// would only find a bad file when the first peer connects, and abort the process on the I/O thread.
std::string check_native_security(const native_security& sec);

// True for 127.0.0.0/8, ::1 and localhost.
bool is_loopback_host(const std::string& host);

// Hands the TLS files to CAF (openssl.* settings) and loads CAF's OpenSSL module when sec.tls(). Call on the
// config before constructing the actor system, after the io middleman was loaded.
void configure_native_security(caf::actor_system_config& cfg, const native_security& sec);

// Publishes `whom` on host:port through guarded connections (port 0: any free port). Returns the port.
caf::expected<uint16_t> publish_native(caf::actor_system& sys, const caf::strong_actor_ptr& whom,
                                       std::set<std::string> sigs, uint16_t port, const std::string& host,
                                       const native_security& sec);

template <class Handle>
caf::expected<uint16_t> publish_native(caf::actor_system& sys, const Handle& whom, uint16_t port,
                                       const std::string& host, const native_security& sec) {
  return publish_native(sys, caf::actor_cast<caf::strong_actor_ptr>(whom), sys.message_types(whom), port, host, sec);
}

// The broker's native listener: checks the settings (check_native_security; a listener off loopback without
// TLS is refused unless samsa.native.allow.unauthenticated, then warned about), publishes `whom` on
// samsa.native.listener and returns the port. Errors are api_errc::invalid_config with the reason.
caf::expected<uint16_t> publish_native_listener(caf::actor_system& sys, const broker_actor& whom,
                                                const cluster::server_config& cfg);

// Native connections accepted by this process's listeners (all nodes of the process; one in `samsa
// broker`): open now and accepted since start. Outgoing connections (to quorum peers) are not counted.
struct native_connection_counts {
  int64_t open = 0;
  uint64_t accepted = 0;
};
native_connection_counts native_inbound_connections();

// Connects to the actor published at host:port through a guarded connection. Fails after `timeout` (a
// plain client facing a TLS broker would otherwise wait forever: each side waits for the other to speak).
caf::expected<caf::strong_actor_ptr> connect_native(caf::actor_system& sys, const std::set<std::string>& ifs,
                                                    const std::string& host, uint16_t port,
                                                    const native_security& sec, std::chrono::milliseconds timeout);

template <class Handle>
caf::expected<Handle> connect_native(caf::actor_system& sys, const std::string& host, uint16_t port,
                                     const native_security& sec,
                                     std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  auto res = connect_native(sys, sys.message_types(caf::detail::type_list<Handle>{}), host, port, sec, timeout);
  if (!res)
    return std::move(res.error());
  return caf::actor_cast<Handle>(std::move(*res));
}

// A guarded middleman actor of its own, spawned detached so its TCP connect only blocks its own thread:
// request (connect_atom, host, port) -> (node_id, strong_actor_ptr published there, interface) with a
// timeout, then stop it with exit_reason::kill (CAF's middleman actor ignores other reasons); the connection
// stays with the BASP broker. Same guards and TLS as connect_native. Each one opens a new TCP connection:
// actors go through native_peer_directory instead.
caf::io::middleman_actor spawn_native_connector(caf::actor_system& sys, const native_security& sec);

// The non-blocking way for an actor to reach a native listener (connect_native blocks and must not run
// inside an actor): the actor system's one peer directory (started by the first call, with that call's
// `sec`; it stops with the middleman). Request (connect_atom, host, port, caf::timespan timeout) ->
// (node_id, strong_actor_ptr published there, interface), from an actor of this process only.
// It opens at most one connection per endpoint at a time (lookups meanwhile wait for its answer, through a
// spawn_native_connector with the first one's timeout) and answers later lookups from what it found, without
// connecting, until the published actor goes down (its node stopped, or the connection to it broke).
// Why: CAF 0.17.6 keeps one BASP connection per pair of nodes, and a second connection to a node already
// connected is redundant: the dialler closes it after the handshake, but the acceptor first files it as an
// alternative route to the dialler, and when it removes one such route (routing_table::erase_direct) it
// points the dialler's route at whichever connection to it it finds first, perhaps another redundant one,
// already closed or about to be. Messages it sends that way are lost, without an error: a replica fetch
// then waited for its 10 s timeout while the leader dropped the follower from the ISR (acks=all writes
// stalled for replica.lag.time.max.ms), and Raft lost acknowledgements. With a new connection per lookup,
// a burst of lookups (several AlterPartition forwards to a newly elected controller) made such bursts of
// redundant connections; through the directory a node has at most one in flight to each endpoint.
caf::actor native_peer_directory(caf::actor_system& sys, const native_security& sec);

} // namespace samsa::actors
