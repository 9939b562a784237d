#include "actors/link_faults.hpp"

#include <sys/socket.h>

#include <algorithm>

namespace samsa::actors {

link_faults::~link_faults() {
  {
    std::lock_guard<std::mutex> g{m_};
    stopping_ = true;
  }
  timer_cv_.notify_all();
  if (timer_.joinable())
    timer_.join();
}

void link_faults::add_node(int32_t node, uint16_t native_port) {
  std::lock_guard<std::mutex> g{m_};
  node_ports_[native_port] = node;
}

void link_faults::cut(int32_t from, int32_t to) {
  std::lock_guard<std::mutex> g{m_};
  table_.cut(from, to);
  apply_locked();
}

void link_faults::heal(int32_t from, int32_t to) {
  std::lock_guard<std::mutex> g{m_};
  table_.heal(from, to);
  apply_locked();
}

void link_faults::add_delay(int32_t from, int32_t to, std::chrono::milliseconds d) {
  std::lock_guard<std::mutex> g{m_};
  table_.add_delay(from, to, d.count());
  apply_locked();
}

void link_faults::remove_delay(int32_t from, int32_t to, std::chrono::milliseconds d) {
  std::lock_guard<std::mutex> g{m_};
  table_.remove_delay(from, to, d.count());
  apply_locked();
}

void link_faults::sever(int32_t node) {
  std::lock_guard<std::mutex> g{m_};
  for (auto& [id, c] : connections_)
    if (c.self == node)
      ::shutdown(c.fd, SHUT_RDWR);
}

void link_faults::retire(int32_t node) {
  std::lock_guard<std::mutex> g{m_};
  retired_.insert(node);
  for (auto it = connections_.begin(); it != connections_.end();)
    it = it->second.self == node ? connections_.erase(it) : std::next(it);
  for (auto it = dialled_from_.begin(); it != dialled_from_.end();)
    it = it->second == node ? dialled_from_.erase(it) : std::next(it);
}

void link_faults::revive(int32_t node) {
  std::lock_guard<std::mutex> g{m_};
  retired_.erase(node);
}

size_t link_faults::connections_of(int32_t node) const {
  std::lock_guard<std::mutex> g{m_};
  return static_cast<size_t>(std::count_if(connections_.begin(), connections_.end(), [&](const auto& kv) {
    return kv.second.self == node && kv.second.peer >= 0;
  }));
}

int32_t link_faults::node_at_port(uint16_t native_port) const {
  std::lock_guard<std::mutex> g{m_};
  auto it = node_ports_.find(native_port);
  return it == node_ports_.end() ? -1 : it->second;
}

bool link_faults::may_connect(int32_t a, int32_t b) const {
  std::lock_guard<std::mutex> g{m_};
  return a < 0 || b < 0 || table_.may_connect(a, b);
}

link_faults::conn_id link_faults::attach(int32_t self, int32_t peer, uint16_t local_port, uint16_t remote_port,
                                         int fd, std::function<void(std::function<void()>)> post,
                                         std::function<void()> on_wake) {
  std::lock_guard<std::mutex> g{m_};
  if (retired_.count(self))
    return 0;
  if (local_port != 0)
    dialled_from_[local_port] = self;
  auto id = next_id_++;
  auto& c = connections_[id];
  c.self = self;
  c.peer = peer;
  c.remote_port = remote_port;
  c.local_port = local_port;
  c.fd = fd;
  c.post = std::move(post);
  c.on_wake = std::move(on_wake);
  resolve_locked(c);
  // Cut while it was being opened: refused as a cut link refuses new connections.
  if (c.peer >= 0 && c.self >= 0 && !table_.may_connect(c.self, c.peer))
    ::shutdown(c.fd, SHUT_RDWR);
  return id;
}

void link_faults::detach(conn_id id) {
  std::lock_guard<std::mutex> g{m_};
  auto it = connections_.find(id);
  if (it == connections_.end())
    return;
  // The local port of a dialled connection is free again once it closed.
  if (it->second.local_port != 0) {
    auto d = dialled_from_.find(it->second.local_port);
    if (d != dialled_from_.end() && d->second == it->second.self)
      dialled_from_.erase(d);
  }
  connections_.erase(it);
}

std::optional<std::chrono::milliseconds> link_faults::hold(conn_id id) {
  std::lock_guard<std::mutex> g{m_};
  auto it = connections_.find(id);
  if (it == connections_.end())
    return std::chrono::milliseconds{0};
  auto& c = it->second;
  resolve_locked(c);
  if (c.peer < 0 || c.self < 0)
    return std::chrono::milliseconds{0};
  auto h = table_.hold_ms(c.peer, c.self);
  if (!h)
    return std::nullopt;
  return std::chrono::milliseconds{*h};
}

void link_faults::wake_at(conn_id id, clock::time_point when) {
  std::lock_guard<std::mutex> g{m_};
  if (when <= clock::now()) {
    post_wake_locked(id);
    return;
  }
  timers_.emplace(when, id);
  if (!timer_.joinable())
    timer_ = std::thread{[this] { timer_loop(); }};
  timer_cv_.notify_all();
}

void link_faults::apply_locked() {
  for (auto& [id, c] : connections_) {
    resolve_locked(c);
    if (c.peer < 0 || c.self < 0)
      continue;
    if (table_.must_close(c.self, c.peer))
      ::shutdown(c.fd, SHUT_RDWR); // both ends read end-of-file: BASP's connection_closed, as a real disconnect
    else
      post_wake_locked(id); // held bytes may be due now (a heal, a shorter delay)
  }
}

void link_faults::resolve_locked(connection& c) {
  if (c.peer >= 0 || c.remote_port == 0)
    return;
  auto it = dialled_from_.find(c.remote_port);
  if (it != dialled_from_.end())
    c.peer = it->second;
}

void link_faults::post_wake_locked(conn_id id) {
  auto it = connections_.find(id);
  if (it == connections_.end() || !it->second.post)
    return;
  // The function runs on the connection's multiplexer thread; it looks the connection up again there, so a
  // connection gone in between (destroyed on that same thread) is never touched.
  std::weak_ptr<link_faults> weak = weak_from_this();
  it->second.post([weak, id] {
    auto self = weak.lock();
    if (!self)
      return;
    std::function<void()> wake;
    {
      std::lock_guard<std::mutex> g{self->m_};
      auto c = self->connections_.find(id);
      if (c != self->connections_.end())
        wake = c->second.on_wake;
    }
    if (wake)
      wake();
  });
}

void link_faults::timer_loop() {
  std::unique_lock<std::mutex> lk{m_};
  while (!stopping_) {
    if (timers_.empty()) {
      timer_cv_.wait(lk);
      continue;
    }
    auto next = timers_.begin()->first;
    if (next > clock::now()) {
      timer_cv_.wait_until(lk, next);
      continue;
    }
    auto id = timers_.begin()->second;
    timers_.erase(timers_.begin());
    post_wake_locked(id);
  }
}

link_fault_hook link_hook_of(const caf::actor_system& sys) {
  auto inj = dynamic_cast<const link_fault_injection*>(&sys.config());
  return inj ? inj->link_hook : link_fault_hook{};
}

link_tap::rw_state link_tap::read(size_t& result, void* buf, size_t len, const raw_read& raw) {
  result = 0;
  auto hold = faults_->hold(id_);
  if (held_.empty() && hold && hold->count() == 0)
    return raw(result, buf, len); // no fault on this link: straight through
  // Take what the socket has now (the sender never waits for a held link), stamped with its arrival.
  chunk c;
  c.arrived = link_faults::clock::now();
  c.bytes.resize(64 * 1024);
  size_t got = 0;
  if (raw(got, c.bytes.data(), c.bytes.size()) == rw_state::failure) {
    held_.clear(); // closed or failed: what was held goes with the connection
    return rw_state::failure;
  }
  if (got > 0) {
    c.bytes.resize(got);
    held_.push_back(std::move(c));
  }
  // Hand on, in order, what has been held long enough.
  auto now = link_faults::clock::now();
  auto out = static_cast<char*>(buf);
  while (hold && !held_.empty() && result < len && held_.front().arrived + *hold <= now) {
    auto& f = held_.front();
    auto n = std::min(len - result, f.bytes.size() - f.consumed);
    std::copy_n(f.bytes.data() + f.consumed, n, out + result);
    result += n;
    f.consumed += n;
    if (f.consumed == f.bytes.size())
      held_.pop_front();
  }
  // Come back when the next is due; a one-way cut waits for the heal, which wakes every connection.
  if (hold && !held_.empty())
    faults_->wake_at(id_, held_.front().arrived + *hold);
  return rw_state::success;
}

} // namespace samsa::actors
