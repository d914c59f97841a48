#include "session_bridge.hpp"

#include "upstream.hpp"

#include <boost/asio/write.hpp>

namespace bastion {
namespace asio = boost::asio;
using boost::system::error_code;

namespace {

// The policy question a channel request asks; nullopt for requests that need none.
std::optional<policy::decision> check_request(const policy::grant& g,
                                              const sshlib::channel_request& r) {
  const auto& t = r.type();
  if (t == "shell") return policy::allow_channel(g, policy::channel_kind::shell);
  if (t == "exec") return policy::allow_channel(g, policy::channel_kind::exec);
  if (t == "pty-req") return policy::allow_channel(g, policy::channel_kind::pty);
  if (t == "subsystem") return policy::allow_channel(g, policy::channel_kind::subsystem, r.text());
  if (t == "x11-req") return policy::allow_channel(g, policy::channel_kind::x11);
  if (t == "auth-agent-req@openssh.com")
    return policy::allow_channel(g, policy::channel_kind::agent_forwarding);
  if (t == "env") return policy::allow_env(g, r.env_name());
  if (t == "window-change" || t == "signal" || t == "break") return std::nullopt;
  return policy::decision{false, "request " + t + " is not relayed", ""};
}

// The variable's name of an env request's data (string name, string value).
std::optional<std::string> env_request_name(const sshlib::bytes& data) {
  if (data.size() < 4) return std::nullopt;
  const std::uint32_t len = (std::uint32_t{data[0]} << 24) | (std::uint32_t{data[1]} << 16) |
                            (std::uint32_t{data[2]} << 8) | std::uint32_t{data[3]};
  if (len > data.size() - 4) return std::nullopt;
  return std::string(data.begin() + 4, data.begin() + 4 + len);
}

}  // namespace

session_bridge::session_bridge(std::shared_ptr<inbound_connection> conn, policy::grant g,
                               sshlib::channel down, sshlib::channel up,
                               std::shared_ptr<session_slot> slot)
    : conn_(std::move(conn)),
      grant_(std::move(g)),
      down_(std::move(down)),
      up_(std::move(up)),
      down_stderr_(down_.stderr_stream()),
      up_stderr_(up_.stderr_stream()),
      started_(std::chrono::steady_clock::now()),
      slot_(std::move(slot)),
      flush_timer_(conn_->executor()) {}

void session_bridge::start() {
  std::weak_ptr<session_bridge> weak = weak_from_this();
  down_.on_request([weak](sshlib::channel_request r) {
    if (auto self = weak.lock()) self->on_request(std::move(r));
  });
  down_.async_wait_closed([self = shared_from_this()](error_code) { self->on_down_closed(); });
  start_pumps();
}

void session_bridge::start_deferred() {
  deferred_ = true;
  std::weak_ptr<session_bridge> weak = weak_from_this();
  down_.on_request([weak](sshlib::channel_request r) {
    if (auto self = weak.lock()) self->on_request(std::move(r));
  });
  down_.async_wait_closed([self = shared_from_this()](error_code) { self->on_down_closed(); });
}

void session_bridge::start_chosen(std::vector<replayed_request> replay, bool agent_requested,
                                  std::string typeahead, const std::string& refusal) {
  start_deferred();
  chosen_ = true;
  replay_ = std::move(replay);
  typeahead_ = std::move(typeahead);
  agent_requested_ = agent_requested;
  agent_to_target_ = agent_requested &&
                     policy::allow_channel(grant_, policy::channel_kind::agent_forwarding).allowed;
  what_ = "shell";
  if (!refusal.empty()) return fail_start(refusal, "channel_denied");
  for (const auto& r : replay_) {
    if (r.type == "pty-req") pty_ = parse_pty_request(r.data);
  }
  if (auto why = start_recording("shell", std::nullopt); !why.empty()) return fail_start(why);
  nlohmann::json fields = {{"target", grant_.destination.name},
                           {"login", grant_.login},
                           {"request", "shell"},
                           {"command", ""},
                           {"via", "menu"}};
  if (recording_) fields["recording"] = recording_->file_name();
  conn_->log("session", std::move(fields));
  reach_target();
}

void session_bridge::start_pumps() {
  pump(down_, up_, to_target_, true);
  pump(up_, down_, from_target_, false);
  pump(up_stderr_, down_stderr_, from_target_stderr_, false);
  up_.async_wait_closed([self = shared_from_this()](error_code) { self->on_up_closed(); });
  std::weak_ptr<session_bridge> weak = weak_from_this();
  watch_ = session_watch::start(
      conn_->executor(), grant_.limits,
      [weak] {
        auto self = weak.lock();
        return self ? self->to_target_.bytes + self->from_target_.bytes +
                          self->from_target_stderr_.bytes
                    : 0;
      },
      [weak](const std::string& why) {
        if (auto self = weak.lock()) self->on_limit(why);
      });
}

void session_bridge::on_limit(const std::string& why) {
  if (finished_) return;
  conn_->log("session_limit",
             {{"target", grant_.destination.name}, {"rule", grant_.rule}, {"reason", why}});
  end_session(why, {{"ended", why}});
}

void session_bridge::end_session(const std::string& line, nlohmann::json fields) {
  if (finished_) return;
  finished_ = true;
  if (watch_) watch_->stop();
  log_close(std::move(fields));
  up_.close();
  notice_ = "\r\nbastion: " + line + "\r\n";
  asio::async_write(down_stderr_, asio::buffer(notice_),
                    [self = shared_from_this()](error_code, std::size_t) {
                      self->down_.exit(1);
                      self->down_.send_eof();
                      self->down_.close();
                    });
}

bool session_bridge::refuse_if_denied(sshlib::channel_request& r) {
  auto d = check_request(grant_, r);
  if (!d || d->allowed) return false;
  conn_->log("request_denied",
             {{"request", r.type()}, {"target", grant_.destination.name}, {"reason", d->reason}});
  if (r.type() == "env") {
    // As sshd's AcceptEnv: a variable not passed on is dropped quietly (clients send LANG
    // and LC_* on every session); the log has it.
    r.reject();
    return true;
  }
  if (!notice_.empty()) {
    r.reject();  // one reason per session is enough
    return true;
  }
  const auto& t = r.type();
  if (t == "shell" || t == "exec" || t == "subsystem") {
    refuse_start(r, d->reason);
    return true;
  }
  notice_ = "bastion: " + d->reason + "\r\n";
  // Refused in place (pty-req, x11-req, auth-agent-req...): the session goes on without
  // it; the reason comes first on stderr, then the refusal.
  auto held = std::make_shared<sshlib::channel_request>(std::move(r));
  asio::async_write(down_stderr_, asio::buffer(notice_),
                    [self = shared_from_this(), held](error_code, std::size_t) { held->reject(); });
  return true;
}

void session_bridge::refuse_start(sshlib::channel_request& r, const std::string& reason) {
  // The session cannot do what it was opened for. OpenSSH's client may close at once on a
  // refused request without showing stderr that came just before, so the request is
  // accepted instead, the reason written on stderr, and the session ended with exit status
  // 1: the user sees the line, and scripts see a failure.
  notice_ = "bastion: " + reason + "\r\n";
  r.accept();
  finished_ = true;  // nothing of the target's will be passed on
  if (deferred_) {
    for (auto& h : held_) h.reject();
    held_.clear();
  } else {
    up_.close();
    log_close({{"refused", reason}});  // its channel_open was logged
  }
  asio::async_write(down_stderr_, asio::buffer(notice_),
                    [self = shared_from_this()](error_code, std::size_t) {
                      self->down_.exit(1);
                      self->down_.send_eof();
                      self->down_.close();
                    });
}

void session_bridge::on_request(sshlib::channel_request r) {
  if (r.type() == "auth-agent-req@openssh.com") {
    const bool to_target =
        policy::allow_channel(grant_, policy::channel_kind::agent_forwarding).allowed;
    if (deferred_ && !agent_requested_) {
      // The bastion's own use: the policy names the user's agent as this target's login.
      // Whether the target may use it too is the rule's agent forwarding permission.
      agent_requested_ = true;
      agent_to_target_ = to_target;
      conn_->log("agent", {{"target", grant_.destination.name},
                           {"use", to_target ? "upstream login, forwarded to the target"
                                             : "upstream login"}});
      return r.accept();
    }
    if (to_target) {
      // The target's auth-agent@openssh.com channels come back to the user's agent
      // (terminating_forwards.cpp).
      conn_->log("agent",
                 {{"target", grant_.destination.name}, {"use", "forwarded to the target"}});
    }
  }
  if (finished_ || refuse_if_denied(r)) return;
  if (r.type() == "pty-req" && r.pty()) pty_ = r.pty();
  if (r.type() == "window-change" && r.pty() && recording_)
    recording_->resize(r.pty()->cols, r.pty()->rows);
  if (r.type() == "shell" || r.type() == "exec" || r.type() == "subsystem") {
    what_ = r.type() == "shell" ? "shell" : r.type() + " " + r.text();
    if (auto why = start_recording(
            r.type(), r.type() == "shell" ? std::nullopt : std::optional<std::string>(r.text()));
        !why.empty()) {
      return refuse_start(r, why);
    }
    nlohmann::json fields = {{"target", grant_.destination.name},
                             {"login", grant_.login},
                             {"request", r.type()},
                             {"command", r.text()}};
    if (recording_) fields["recording"] = recording_->file_name();
    conn_->log("session", std::move(fields));
    if (deferred_) {
      held_.push_back(std::move(r));
      return reach_target();
    }
  }
  if (deferred_) return held_.push_back(std::move(r));
  forward(std::move(r));
}

void session_bridge::forward(sshlib::channel_request r) {
  if (r.type() == "window-change" || r.type() == "signal" || !r.want_reply()) {
    up_.async_request(r.type(), false, r.data(), [](error_code) {});
    return;
  }
  auto type = r.type();
  auto data = r.data();
  auto held = std::make_shared<sshlib::channel_request>(std::move(r));
  up_.async_request(std::move(type), true, std::move(data), [held](error_code ec) {
    if (ec) return held->reject();
    held->accept();
  });
}

void session_bridge::reach_target() {
  const auto& name = grant_.destination.name;
  if (grant_.destination.upstream.method == policy::upstream_method::agent && !agent_requested_) {
    return fail_start(
        name +
        " logs in with your own agent, which this session did not forward: connect with ssh -A");
  }
  auto up = conn_->upstream_for(grant_);
  up->async_ready([self = shared_from_this(), up](const std::string& error) {
    if (!error.empty()) return self->fail_start(error);
    up->client().async_open_session([self](error_code ec, sshlib::channel ch) {
      if (ec) {
        return self->fail_start(
            "the target refused a session: " +
            (ch.open_failure() ? ch.open_failure()->description : ec.message()));
      }
      if (self->finished_) return ch.close();  // the user went away meanwhile
      self->up_ = std::move(ch);
      self->up_stderr_ = self->up_.stderr_stream();
      self->deferred_ = false;
      self->conn_->log(
          "channel_open",
          {{"type", "session"},
           {"mode", "terminating"},
           {"target", self->grant_.destination.name},
           {"login", self->grant_.login},
           {"rule", self->grant_.rule},
           {"upstream_auth",
            self->grant_.destination.upstream.method == policy::upstream_method::agent ? "agent"
                                                                                       : "key"}});
      if (self->agent_to_target_) {
        self->up_.async_request("auth-agent-req@openssh.com", false, {}, [](error_code) {});
      }
      auto held = std::move(self->held_);
      self->held_.clear();
      for (auto& r : held) self->forward(std::move(r));
      if (self->chosen_) return self->start_chosen_shell();
      self->start_pumps();
    });
  });
}

// The menu's session: its pty-req and env, then the shell, whose answer decides; then what
// the user typed after the choice, and the relay.
void session_bridge::start_chosen_shell() {
  for (auto& r : replay_) {
    if (r.type == "env") {
      // The menu kept it before a target was chosen: the chosen rule decides now.
      const auto name = env_request_name(r.data);
      if (!name || !policy::allow_env(grant_, *name).allowed) continue;
    }
    up_.async_request(r.type, false, std::move(r.data), [](error_code) {});
  }
  replay_.clear();
  up_.async_request("shell", true, {}, [self = shared_from_this()](error_code ec) {
    if (ec) return self->fail_start("the target refused a shell");
    if (self->typeahead_.empty()) return self->start_pumps();
    if (self->recording_) {
      self->recording_->input(std::span(
          reinterpret_cast<const std::uint8_t*>(self->typeahead_.data()), self->typeahead_.size()));
    }
    asio::async_write(self->up_, asio::buffer(self->typeahead_),
                      [self](error_code, std::size_t) { self->start_pumps(); });
  });
}

void session_bridge::fail_start(const std::string& reason, std::string_view event) {
  if (finished_) return;
  finished_ = true;
  nlohmann::json fields = {
      {"mode", "terminating"}, {"target", grant_.destination.name}, {"reason", reason}};
  if (event == "channel_denied") fields["type"] = "session";
  conn_->log(event, std::move(fields));
  // As for a refused shell or exec: accepted, the reason on stderr, exit status 1.
  auto held = std::move(held_);
  held_.clear();
  for (auto& r : held) r.accept();
  notice_ = "bastion: " + reason + "\r\n";
  asio::async_write(down_stderr_, asio::buffer(notice_),
                    [self = shared_from_this()](error_code, std::size_t) {
                      self->down_.exit(1);
                      self->down_.send_eof();
                      self->down_.close();
                    });
}

template <class From, class To>
void session_bridge::pump(From& from, To& to, direction& d, bool pass_eof) {
  // Take what `from` has now; when it has nothing, wait holding no buffer (thousands of
  // quiet sessions cost no 32 KiB per direction) and try again.
  if (!d.buffer) d.buffer = std::make_unique_for_overwrite<std::uint8_t[]>(direction::buffer_size);
  error_code ec;
  const std::size_t n = from.read_some(asio::buffer(d.buffer.get(), direction::buffer_size), ec);
  if (ec == asio::error::would_block) {
    d.buffer.reset();
    from.async_wait(From::wait_read, [self = shared_from_this(), &from, &to, &d,
                                      pass_eof](error_code wait_ec) mutable {
      if (wait_ec) {
        d.done = true;
        return self->maybe_finish();
      }
      self->pump(from, to, d, pass_eof);
    });
    return;
  }
  if (ec) {
    d.done = true;
    if (pass_eof && ec == asio::error::eof) up_.send_eof();
    return maybe_finish();
  }
  d.bytes += n;
  record(d, n);
  asio::async_write(
      to, asio::buffer(d.buffer.get(), n),
      [self = shared_from_this(), &from, &to, &d, pass_eof](error_code wec, std::size_t) mutable {
        if (wec) {
          d.done = true;
          return self->maybe_finish();
        }
        self->pump(from, to, d, pass_eof);
      });
}

void session_bridge::on_up_closed() {
  up_closed_ = true;
  maybe_finish();
}

void session_bridge::on_down_closed() {
  // The user went away: the target's side goes too.
  if (deferred_) {
    finished_ = true;  // nothing was opened upstream
    return;
  }
  up_.close();
  maybe_finish();
}

void session_bridge::maybe_finish() {
  // Everything the target said has been passed on, and the target has closed: the exit
  // status goes out last.
  if (finished_ || !up_closed_ || !from_target_.done || !from_target_stderr_.done) return;
  finished_ = true;
  if (watch_) watch_->stop();
  const auto& e = up_.exit_status();
  if (e.code) {
    down_.exit(*e.code);
  } else if (!e.signal.empty()) {
    down_.exit_signal(e.signal, e.core_dumped, e.message);
  }
  down_.send_eof();
  down_.close();
  nlohmann::json fields;
  if (e.code) fields["exit_status"] = *e.code;
  if (!e.signal.empty()) fields["exit_signal"] = e.signal;
  if (recording_) recording_->exit(e);
  log_close(std::move(fields));
}

void session_bridge::log_close(nlohmann::json fields) {
  finish_recording(fields);
  conn_->count_bytes(to_target_.bytes, from_target_.bytes + from_target_stderr_.bytes);
  fields.update(
      {{"type", "session"},
       {"mode", "terminating"},
       {"target", grant_.destination.name},
       {"login", grant_.login},
       {"rule", grant_.rule},
       {"what", what_},
       {"bytes_up", to_target_.bytes},
       {"bytes_down", from_target_.bytes + from_target_stderr_.bytes},
       {"duration_seconds",
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count()}});
  conn_->log("channel_close", std::move(fields));
}

void start_terminating_session(std::shared_ptr<inbound_connection> conn, sshlib::incoming_channel c,
                               policy::grant g) {
  auto slot = session_slot::claim(conn->shared(), g);
  if (!slot) {
    const auto why = g.user + " already has " + std::to_string(g.limits.max_sessions) +
                     " sessions through rule " + g.rule + " (its max_sessions)";
    conn->log("channel_denied",
              {{"type", c.type}, {"target", g.destination.name}, {"reason", why}});
    return c.reject(sshlib::channel_open_failure::administratively_prohibited, why);
  }
  if (g.destination.upstream.method == policy::upstream_method::agent) {
    // The user's agent logs in upstream; it can be reached only once this channel is open
    // and the client has asked for agent forwarding on it, so the channel is confirmed
    // first and its requests wait (and its data waits in the SSH window) until the target
    // is reached.
    auto bridge =
        std::make_shared<session_bridge>(conn, std::move(g), c.accept(), sshlib::channel{}, slot);
    return bridge->start_deferred();
  }
  auto up = conn->upstream_for(g);
  auto held = std::make_shared<sshlib::incoming_channel>(std::move(c));
  up->async_ready([conn, up, held, g, slot](const std::string& error) mutable {
    if (!error.empty()) return held->reject(sshlib::channel_open_failure::connect_failed, error);
    up->client().async_open_session([conn, held, g, slot](error_code ec,
                                                          sshlib::channel up_ch) mutable {
      if (ec) {
        const auto why = "the target refused a session: " +
                         (up_ch.open_failure() ? up_ch.open_failure()->description : ec.message());
        conn->log("upstream_failed",
                  {{"mode", "terminating"}, {"target", g.destination.name}, {"reason", why}});
        return held->reject(sshlib::channel_open_failure::connect_failed, why);
      }
      if (!conn->client_connection()) return up_ch.close();  // the user went away meanwhile
      conn->log("channel_open", {{"type", "session"},
                                 {"mode", "terminating"},
                                 {"target", g.destination.name},
                                 {"login", g.login},
                                 {"rule", g.rule}});
      auto bridge = std::make_shared<session_bridge>(conn, std::move(g), held->accept(),
                                                     std::move(up_ch), std::move(slot));
      bridge->start();
    });
  });
}

void start_chosen_session(std::shared_ptr<inbound_connection> conn, sshlib::channel down,
                          policy::grant g, std::vector<replayed_request> replay,
                          bool agent_requested, std::string typeahead) {
  std::string refusal;
  auto slot = session_slot::claim(conn->shared(), g);
  if (!slot) {
    refusal = g.user + " already has " + std::to_string(g.limits.max_sessions) +
              " sessions through rule " + g.rule + " (its max_sessions)";
  } else if (!conn->upstream_matches(g)) {
    // One upstream connection per inbound connection: another target needs a connection
    // of its own.
    refusal =
        "this connection already reaches another target: connect again for " + g.destination.name;
  }
  auto bridge = std::make_shared<session_bridge>(conn, std::move(g), std::move(down),
                                                 sshlib::channel{}, std::move(slot));
  bridge->start_chosen(std::move(replay), agent_requested, std::move(typeahead), refusal);
}

}  // namespace bastion
