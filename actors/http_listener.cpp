#include "actors/http_listener.hpp"

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include <httplib.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include "messages/native_errors.hpp"
#include "messages/prometheus.hpp"

namespace samsa::actors {

namespace {

// Scrapes are small and rare: two workers (one can wait on a slow collection while the other answers),
// short socket timeouts, no request bodies worth the name.
constexpr size_t worker_threads = 2;
constexpr time_t socket_timeout_s = 5;
constexpr size_t max_request_body = 64 * 1024;

// httplib's default also sets SO_REUSEPORT, which would let a second broker bind the same port and
// silently share its scrapes: SO_REUSEADDR alone (a restart may rebind over TIME_WAIT), so a port held by a
// live process fails with "address already in use".
void socket_options(socket_t sock) {
  int yes = 1;
  ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
}

} // namespace

struct http_listener::impl {
  httplib::Server server;
  std::thread thread;
  std::atomic<bool> thread_done{false};
  uint16_t port = 0;
  std::atomic<bool> stopped{false};
};

http_listener::http_listener(std::unique_ptr<impl> p) : impl_(std::move(p)) {}

http_listener::~http_listener() {
  stop();
}

uint16_t http_listener::port() const {
  return impl_->port;
}

void http_listener::stop() {
  if (impl_->stopped)
    return;
  impl_->stopped = true;
  // httplib's stop() does nothing until listen_after_bind() has started: wait for that (or for the thread
  // to have given up) so a stop right after start cannot leave the thread serving forever.
  while (!impl_->thread_done.load()) {
    if (impl_->server.is_running()) {
      impl_->server.stop();
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (impl_->thread.joinable())
    impl_->thread.join();
}

caf::expected<std::shared_ptr<http_listener>> http_listener::start(const std::string& host, uint16_t port,
                                                                   render_fn metrics, console_fn console) {
  auto p = std::make_unique<impl>();
  auto& srv = p->server;
  srv.new_task_queue = [] { return new httplib::ThreadPool(worker_threads); };
  srv.set_socket_options(socket_options);
  srv.set_read_timeout(socket_timeout_s, 0);
  srv.set_write_timeout(socket_timeout_s, 0);
  srv.set_payload_max_length(max_request_body);
  // One request per connection: an idle keep-alive connection would hold a worker for its whole timeout,
  // and a scraper's reconnect costs nothing next to a scrape.
  srv.set_keep_alive_max_count(1);
  srv.Get("/metrics", [metrics](const httplib::Request&, httplib::Response& res) {
    try {
      res.set_content(metrics(), prometheus::content_type);
    } catch (const std::exception& e) {
      spdlog::error("HTTP listener: /metrics failed: {}", e.what());
      res.status = 500;
      res.set_content(std::string("metrics collection failed: ") + e.what() + "\n", "text/plain");
    }
  });
  if (console) // after /metrics: httplib tries handlers in the order they were registered
    srv.Get(R"(/.*)", [console](const httplib::Request& req, httplib::Response& res) {
      try {
        auto answer = console(req.path, req.params);
        res.status = answer.status;
        res.set_header("X-Content-Type-Options", "nosniff");
        for (auto& [name, value] : answer.headers)
          res.set_header(name.c_str(), value);
        res.set_content(std::move(answer.body), answer.content_type.c_str());
      } catch (const std::exception& e) {
        spdlog::error("HTTP listener: {} failed: {}", req.path, e.what());
        res.status = 500;
        res.set_content(std::string("console request failed: ") + e.what() + "\n", "text/plain");
      }
    });
  auto read_only = [](const httplib::Request& req, httplib::Response& res) {
    res.status = 405;
    res.set_header("Allow", "GET");
    res.set_content("method not allowed: the samsa HTTP listener is read-only (GET only)\n", "text/plain");
  };
  srv.Post(R"(/.*)", read_only);
  srv.Put(R"(/.*)", read_only);
  srv.Patch(R"(/.*)", read_only);
  srv.Delete(R"(/.*)", read_only);
  // A 404 without a body of its own (an unknown path without the console): a hint where to look.
  srv.set_error_handler(httplib::Server::HandlerWithResponse{[](const httplib::Request& req, httplib::Response& res) {
    if (res.status != 404 || !res.body.empty())
      return httplib::Server::HandlerResponse::Unhandled;
    res.set_content("not found: " + req.path + " (samsa serves /metrics)\n", "text/plain");
    return httplib::Server::HandlerResponse::Handled;
  }});
  errno = 0;
  int bound = port == 0 ? srv.bind_to_any_port(host) : (srv.bind_to_port(host, port) ? port : -1);
  if (bound < 0) {
    auto err = errno;
    std::string why = err == EADDRINUSE ? "address already in use"
                      : err != 0        ? std::strerror(err)
                                        : "cannot bind (unknown host?)";
    return make_error(api_errc::invalid_config,
                      "cannot listen on samsa.http.listener " + host + ":" + std::to_string(port) + ": " + why);
  }
  p->port = static_cast<uint16_t>(bound);
  auto* st = p.get();
  p->thread = std::thread([st] {
    if (!st->server.listen_after_bind() && !st->stopped)
      spdlog::error("HTTP listener stopped serving unexpectedly");
    st->thread_done = true;
  });
  return std::make_shared<http_listener>(std::move(p));
}

} // namespace samsa::actors
