#include "upstream.hpp"

#include "inbound_connection.hpp"

#include <sshlib/agent.hpp>
#include <sshlib/known_hosts.hpp>
#include <sshlib/stream.hpp>

#include <fstream>
#include <iterator>

namespace bastion {

upstream::upstream(std::weak_ptr<inbound_connection> conn, boost::asio::any_io_executor ex,
                   policy::grant g, std::chrono::seconds timeout)
    : conn_(std::move(conn)),
      grant_(std::move(g)),
      timeout_(timeout),
      client_(ex),
      deadline_(std::move(ex)) {}

void upstream::async_ready(ready_handler f) {
  switch (state_) {
    case state::ready:
      return f("");
    case state::failed:
      return f(error_);
    case state::connecting:
      waiting_.push_back(std::move(f));
      return;
    case state::idle:
      waiting_.push_back(std::move(f));
      state_ = state::connecting;
      return connect();
  }
}

sshlib::client_config upstream::make_config(std::string& problem) {
  sshlib::client_config c;
  c.username = grant_.login;
  c.ready_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(timeout_);
  c.keepalive_interval = std::chrono::seconds(30);
  // Remote forwards' connections, and agent and X11 channels of sessions that asked for
  // them, go on to the user (terminating_forwards.cpp).
  c.channel_open = [conn = conn_](sshlib::incoming_channel ch) {
    on_upstream_channel(conn, std::move(ch));
  };
  const auto& t = grant_.destination;
  // The pin decides; a known_hosts file is the alternative when no key is pinned.
  c.host_verifier = [self = weak_from_this(), pins = t.host_keys, known = t.known_hosts,
                     name = t.name](const sshlib::host_key_info& info,
                                    sshlib::detail::unique_function<void(bool)> verdict) {
    auto me = self.lock();
    const auto presented = info.host_key.is_certificate() ? info.host_key.plain() : info.host_key;
    bool ok = false;
    std::string why;
    if (!pins.empty()) {
      for (const auto& k : pins) ok = ok || k.equals(presented);
      if (!ok)
        why = "its host key " + info.fingerprint_sha256 + " is not the one the policy pins for " +
              name;
    } else {
      auto file = sshlib::known_hosts::load(known);
      if (!file) {
        why = "cannot read " + known + ": " + file.error().message();
      } else {
        auto status = file->check(info.host, info.port, info.host_key);
        ok = status.is_trusted();
        if (!ok)
          why = "its host key " + info.fingerprint_sha256 + " is " +
                std::string(sshlib::to_string(status.verdict)) + " in " + known;
      }
    }
    if (me && !ok) me->host_key_problem_ = why;
    if (me) me->host_key_fingerprint_ = info.fingerprint_sha256;
    verdict(ok);
  };
  if (grant_.destination.upstream.method == policy::upstream_method::key) {
    const auto& path = grant_.destination.upstream.key_file;
    std::ifstream in(path, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto key = sshlib::parse_key(sshlib::as_bytes(text));
    sshlib::secure_wipe(text.data(), text.size());
    if (!in.good() && text.empty()) {
      problem = "the bastion cannot read its key for " + t.name;
    } else if (!key) {
      problem = "the bastion's key for " + t.name + " is unusable: " + key.error().message();
    } else {
      c.private_key = std::move(*key);
    }
  } else {
    // The user's own agent, over auth-agent@openssh.com channels the bastion opens back to
    // the client (which asked for agent forwarding): no secret of theirs lives here.
    using stream_done =
        sshlib::detail::completion<boost::system::error_code, std::unique_ptr<sshlib::byte_stream>>;
    agent_ = std::make_shared<sshlib::openssh_agent>(
        client_.get_executor(), [conn = conn_](stream_done done) {
          auto self = conn.lock();
          if (!self || !self->client_connection()) {
            return done(make_error_code(sshlib::errc::agent_unavailable), nullptr);
          }
          self->client_connection()->async_open_agent(
              [done = std::move(done)](boost::system::error_code ec, sshlib::channel ch) mutable {
                if (ec) return done(ec, nullptr);
                done({}, sshlib::make_byte_stream(std::move(ch)));
              });
        });
    c.agent = agent_;
  }
  return c;
}

void upstream::connect() {
  std::string problem;
  auto config = make_config(problem);
  if (!problem.empty()) return finish(problem);
  const auto& t = grant_.destination;
  started_ = std::chrono::steady_clock::now();
  // sshlib's ready_timeout ends the transport, but an agent request in flight (the user's
  // agent, over a channel to their client) completes only when that agent answers: this
  // deadline aborts it too, so a user whose agent never answers is told, not left hanging.
  deadline_.expires_after(timeout_ + std::chrono::seconds(1));
  deadline_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
    auto self = weak.lock();
    if (ec || !self || self->state_ != state::connecting) return;
    const auto& dest = self->grant_.destination;
    self->finish("cannot reach " + dest.name + ": not logged in within " +
                 std::to_string(self->timeout_.count()) + " s" +
                 (self->agent_ ? " (is your agent answering?)" : ""));
    self->client_.end();
  });
  client_.async_connect(
      t.host, t.port, std::move(config), [self = shared_from_this()](boost::system::error_code ec) {
        if (!ec) return self->finish("");
        const auto& dest = self->grant_.destination;
        std::string why;
        if (!self->host_key_problem_.empty()) {
          why = "refused " + dest.name + ": " + self->host_key_problem_;
        } else if (ec == sshlib::errc::authentication_failed) {
          why = "the bastion could not log in to " + dest.name + " as " + self->grant_.login;
        } else {
          const auto detail =
              self->client_.last_error() ? self->client_.last_error()->message() : ec.message();
          why = "cannot reach " + dest.name + " (" + dest.host + ":" + std::to_string(dest.port) +
                "): " + detail;
        }
        self->finish(why);
      });
}

void upstream::finish(const std::string& error, bool log) {
  if (state_ != state::connecting) return;  // the deadline came first, or the connection did
  deadline_.cancel();
  // The user's agent was needed for the login only: its channel is closed now (ssh waits
  // for every channel, an open agent channel included, before it exits).
  if (agent_) agent_->close();
  state_ = error.empty() ? state::ready : state::failed;
  error_ = error;
  if (auto conn = log ? conn_.lock() : nullptr) {
    const auto& t = grant_.destination;
    if (error.empty()) {
      conn->log(
          "upstream_connect",
          {{"target", t.name},
           {"login", grant_.login},
           {"host", t.host},
           {"port", t.port},
           {"host_key", host_key_fingerprint_},
           {"duration_seconds",
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count()}});
    } else {
      conn->log("upstream_failed", {{"mode", "terminating"},
                                    {"target", t.name},
                                    {"login", grant_.login},
                                    {"reason", error}});
    }
  }
  auto waiting = std::move(waiting_);
  waiting_.clear();
  for (auto& f : waiting) f(error);
}

void upstream::close() {
  // The user's connection has gone. Whoever still waits for this one is answered now: the
  // waiting handlers hold this object (and their sessions), and the worker may stop before
  // the connect would have completed, which would leave that cycle behind.
  if (state_ == state::connecting) finish("the user's connection has closed", false);
  client_.end();
}

}  // namespace bastion
