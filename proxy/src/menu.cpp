// A session that named no target ("ssh alice@bastion"). With a pty and a shell, an
// interactive chooser: the targets this user may reach in terminating mode, numbered; the
// user types a number or a name and the session continues on that target (as its rule's
// first login) as if it had been named, its pty and environment passed on. Without a pty
// (or for exec), the list of targets in both modes and the commands that reach them, then
// the session ends. pty-req, env, window-change and auth-agent-req are accepted (and kept,
// to be passed on); anything else is refused.
#include "inbound_connection.hpp"

#include <boost/asio/write.hpp>

#include <array>

namespace bastion {
namespace asio = boost::asio;
using boost::system::error_code;

namespace {

// A typed line longer than this is cut; a user with more wrong answers is let go.
constexpr std::size_t max_menu_line = 64;
constexpr int max_menu_tries = 5;

std::string menu_text(const inbound_connection& conn) {
  const auto& p = *conn.config().policy;
  const auto terminating = policy::reachable_targets(p, conn.user(), conn.source_address(),
                                                     policy::access_mode::terminating);
  const auto hop =
      policy::reachable_targets(p, conn.user(), conn.source_address(), policy::access_mode::hop);
  std::string out = "bastion: hello " + conn.user() + ".\r\n";
  if (terminating.empty() && hop.empty())
    return out + "No target is open to you from " + conn.source_address() + ".\r\n";
  if (!hop.empty()) {
    out += "Through the bastion (ssh -J " + conn.user() + "@<bastion> <target>):\r\n";
    for (const auto& t : hop) out += "  " + t.name + "\r\n";
  }
  if (!terminating.empty()) {
    out += "Via the bastion (ssh " + conn.user() + "+<target>@<bastion>, or ssh -l " + conn.user() +
           "+<login>@<target> <bastion>):\r\n";
    for (const auto& t : terminating) {
      out += "  " + t.name;
      if (!t.logins.empty()) {
        out += "  as ";
        for (std::size_t i = 0; i < t.logins.size(); ++i) out += (i ? ", " : "") + t.logins[i];
      }
      out += "\r\n";
    }
  }
  return out;
}

class menu_session : public std::enable_shared_from_this<menu_session> {
 public:
  menu_session(std::shared_ptr<inbound_connection> conn, sshlib::channel ch)
      : conn_(std::move(conn)), ch_(std::move(ch)) {}

  void start() {
    std::weak_ptr<menu_session> weak = weak_from_this();
    ch_.on_request([weak](sshlib::channel_request r) {
      if (auto self = weak.lock()) return self->on_request(std::move(r));
      r.reject();
    });
    // Held by the channel's wait until it closes (the handlers above hold it only weakly).
    ch_.async_wait_closed([self = shared_from_this()](error_code) {});
  }

 private:
  void on_request(sshlib::channel_request r) {
    const auto& type = r.type();
    if (type == "pty-req" || type == "env" || type == "window-change") {
      if (!handed_over_) replay_.push_back({type, r.data()});
      if (type == "pty-req") pty_ = true;
      return r.accept();
    }
    if (type == "auth-agent-req@openssh.com") {
      agent_ = true;
      return r.accept();
    }
    if ((type != "shell" && type != "exec") || started_) return r.reject();
    started_ = true;
    r.accept();
    conn_->log("menu", {{"request", type}, {"interactive", pty_ && type == "shell"}});
    if (pty_ && type == "shell") return choose();
    finish(0, menu_text(*conn_));
  }

  // The chooser: the numbered list, then a prompt.
  void choose() {
    targets_ = policy::reachable_targets(*conn_->config().policy, conn_->user(),
                                         conn_->source_address(), policy::access_mode::terminating);
    if (targets_.empty()) return finish(0, menu_text(*conn_));
    std::string text = "bastion: hello " + conn_->user() + ". Targets:\r\n";
    for (std::size_t i = 0; i < targets_.size(); ++i) {
      text += "  " + std::to_string(i + 1) + ") " + targets_[i].name;
      if (!targets_[i].logins.empty()) text += "  as " + targets_[i].logins.front();
      text += "\r\n";
    }
    write(text + prompt_text, [self = shared_from_this()] { self->read_more(); });
  }

  void read_more() {
    ch_.async_read_some(asio::buffer(in_),
                        [self = shared_from_this()](error_code ec, std::size_t n) {
                          if (ec) return;  // the user went away
                          self->on_input(std::string_view(self->in_.data(), n));
                        });
  }

  // A minimal line editor for a terminal in raw mode: echo, backspace, Enter, Ctrl-C/D.
  // What follows an Enter is kept: more answers, or the first input for the target.
  void on_input(std::string_view data) {
    std::string echo;
    for (std::size_t i = 0; i < data.size(); ++i) {
      const char c = data[i];
      if (c == '\r' || c == '\n') {
        auto rest = data.substr(i + 1);
        if (c == '\r' && !rest.empty() && rest.front() == '\n') rest.remove_prefix(1);
        typeahead_.assign(rest);
        echo += "\r\n";
        return write(echo, [self = shared_from_this()] { self->submit(); });
      }
      if (c == 3 || c == 4) {
        return write(echo + "\r\n",
                     [self = shared_from_this()] { self->finish(0, "bastion: bye.\r\n"); });
      }
      if ((c == 127 || c == 8) && !line_.empty()) {
        line_.pop_back();
        echo += "\b \b";
      } else if (c >= 32 && c < 127 && line_.size() < max_menu_line) {
        line_ += c;
        echo += c;
      }
    }
    write(echo, [self = shared_from_this()] { self->read_more(); });
  }

  // The next answer: from what was typed ahead, else from the channel.
  void ask_again() {
    if (typeahead_.empty()) return read_more();
    const auto rest = std::move(typeahead_);
    typeahead_.clear();
    on_input(rest);
  }

  void submit() {
    const auto line = std::move(line_);
    line_.clear();
    if (line.empty()) return finish(0, "bastion: bye.\r\n");
    const policy::reachable_target* chosen = nullptr;
    for (std::size_t i = 0; i < targets_.size(); ++i) {
      if (line == targets_[i].name || line == std::to_string(i + 1)) chosen = &targets_[i];
    }
    std::string problem;
    if (chosen == nullptr) {
      problem = "no target \"" + line + "\" here";
    } else {
      policy::access_request q;
      q.user = conn_->user();
      q.source_address = conn_->source_address();
      q.target = chosen->name;
      q.mode = policy::access_mode::terminating;
      auto d = policy::authorize_target(*conn_->config().policy, q);
      if (!d.verdict.allowed) {
        problem = d.verdict.reason;
      } else if (!policy::allow_channel(*d.granted, policy::channel_kind::shell).allowed) {
        problem = "no shell on " + chosen->name + " for you (try ssh " + conn_->user() + "+" +
                  chosen->name + "@<bastion> <command>)";
      } else {
        return hand_over(std::move(*d.granted));
      }
    }
    conn_->log("menu", {{"choice", line}, {"refused", problem}});
    if (++tries_ >= max_menu_tries) return finish(1, "bastion: " + problem + "\r\n");
    write("bastion: " + problem + "\r\n" + prompt_text,
          [self = shared_from_this()] { self->ask_again(); });
  }

  void hand_over(policy::grant g) {
    handed_over_ = true;
    conn_->log("menu", {{"choice", g.destination.name}, {"login", g.login}});
    // pty-req only when the rule allows a pty there; env and window-change as they came.
    const bool pty = policy::allow_channel(g, policy::channel_kind::pty).allowed;
    std::vector<replayed_request> replay;
    for (auto& r : replay_) {
      if (r.type == "pty-req" && !pty) continue;
      replay.push_back(std::move(r));
    }
    start_chosen_session(conn_, ch_, std::move(g), std::move(replay), agent_,
                         std::move(typeahead_));
  }

  void write(std::string text, std::function<void()> then) {
    auto buffer = std::make_shared<std::string>(std::move(text));
    asio::async_write(ch_, asio::buffer(*buffer),
                      [buffer, then = std::move(then)](error_code ec, std::size_t) {
                        if (!ec) then();
                      });
  }

  void finish(int status, std::string text) {
    auto self = shared_from_this();
    write(std::move(text), [self, status] {
      self->ch_.exit(status);
      self->ch_.send_eof();
      self->ch_.close();
    });
  }

  static constexpr const char* prompt_text = "Connect to (number or name, Enter to leave): ";

  std::shared_ptr<inbound_connection> conn_;
  sshlib::channel ch_;
  std::vector<policy::reachable_target> targets_;
  std::vector<replayed_request> replay_;
  std::array<char, 256> in_{};
  std::string line_, typeahead_;
  int tries_ = 0;
  bool pty_ = false, agent_ = false, started_ = false, handed_over_ = false;
};

}  // namespace

void serve_menu(std::shared_ptr<inbound_connection> conn, sshlib::channel ch) {
  std::make_shared<menu_session>(std::move(conn), std::move(ch))->start();
}

}  // namespace bastion
