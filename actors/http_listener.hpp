#pragma once
// The node's HTTP listener (samsa.http.listener): cpp-httplib's server on threads of its own, never on
// CAF's scheduler or multiplexer threads, so a slow or hostile HTTP client cannot stall the broker and the
// broker cannot stall on HTTP. It serves GET /metrics (Prometheus text format, from the callback it was
// given) and hands every other GET to the web console's callback (node_console), or answers 404 without
// one; other methods get 405 (the listener is read-only). The callbacks run on HTTP threads; they must bound
// their own time (node_metrics and node_console ask actors with timeouts).
//
// Owned by the node (node_handle::http): started by start_node when listening, stopped by stop_node, which
// waits for requests in progress. httplib's headers stay out of this header.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <caf/expected.hpp>

namespace samsa::actors {

struct http_response {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers; // beyond Content-Type and Content-Length
};

class http_listener {
public:
  using render_fn = std::function<std::string()>;
  // (decoded path, query parameters) -> the answer.
  using console_fn = std::function<http_response(const std::string&, const std::multimap<std::string, std::string>&)>;

  // Binds host:port (0: any free port) at once, so a port in use is reported to the caller ("address
  // already in use"), then serves on a thread it owns. The error is api_errc::invalid_config.
  static caf::expected<std::shared_ptr<http_listener>> start(const std::string& host, uint16_t port,
                                                             render_fn metrics, console_fn console = nullptr);
  ~http_listener();
  http_listener(const http_listener&) = delete;
  http_listener& operator=(const http_listener&) = delete;

  uint16_t port() const;
  // Stops accepting, waits for requests in progress and joins the thread. Idempotent.
  void stop();

  struct impl;
  explicit http_listener(std::unique_ptr<impl> p);

private:
  std::unique_ptr<impl> impl_;
};

} // namespace samsa::actors
