#include "auth/client_auth.hpp"

#include "auth/userauth_messages.hpp"
#include "common/await_callback.hpp"
#include "transport/message_numbers.hpp"
#include "wire/writer.hpp"

#include <boost/asio/use_awaitable.hpp>

namespace sshlib::auth {
namespace asio = boost::asio;
namespace msg = transport::msg;

namespace {

bool listed(const std::vector<std::string>& methods, std::string_view m) {
  return std::find(methods.begin(), methods.end(), m) != methods.end();
}

bool contains_name(std::string_view list, std::string_view name) {
  std::size_t pos = 0;
  while (pos <= list.size()) {
    const auto comma = list.find(',', pos);
    const auto item = list.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    if (item == name) return true;
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return false;
}

enum class outcome { success, failure };

class client_authenticator {
public:
  client_authenticator(transport::transport_session& s, const client_config& c, client_auth_state& st)
      : s_(s), c_(c), st_(st) {}

  // Waits for the answer to one request: SUCCESS, FAILURE (recorded in state), or a
  // method-specific message 60-79 returned to the caller. Banners are passed on.
  asio::awaitable<result<transport::incoming_packet>> next_reply() {
    while (true) {
      auto p = co_await s_.receive();
      if (!p) co_return p.error();
      const std::uint8_t n = p->payload[0];
      if (n == msg::userauth_banner) {
        auto b = parse_banner(p->payload);
        if (!b) co_return b.error();
        if (c_.banner) c_.banner(b->text);
        continue;
      }
      if (n == msg::userauth_failure) {
        auto f = parse_failure(p->payload);
        if (!f) co_return f.error();
        st_.methods_left = std::move(f->methods);
        st_.partial_success = f->partial_success;
      }
      if (n == msg::userauth_success || n == msg::userauth_failure || (n >= 60 && n <= 79)) co_return std::move(*p);
      s_.machine().send_unimplemented(p->sequence);
    }
  }

  // Sends a request and reduces the reply to success or failure.
  asio::awaitable<result<outcome>> simple(bytes request) {
    if (auto r = s_.send(request); !r) co_return r.error();
    auto reply = co_await next_reply();
    if (!reply) co_return reply.error();
    if (reply->payload[0] == msg::userauth_success) co_return outcome::success;
    if (reply->payload[0] == msg::userauth_failure) co_return outcome::failure;
    co_return error{errc::protocol_error, "unexpected reply " + std::to_string(reply->payload[0]) + " to " + tried_.back()};
  }

  asio::awaitable<result<outcome>> try_password(const auth_method& m) {
    tried_.push_back("password");
    // The seed's `change password` flow needs a new password from the application; without
    // one, a change request counts as a failure.
    if (auto r = s_.send(request_password(user(m), m.password->as_bytes())); !r) co_return r.error();
    auto reply = co_await next_reply();
    if (!reply) co_return reply.error();
    if (reply->payload[0] == msg::userauth_success) co_return outcome::success;
    if (reply->payload[0] == msg::userauth_failure) co_return outcome::failure;
    auto change = parse_password_change_request(reply->payload);
    if (!change) co_return change.error();
    s_.debug("server asks for a password change: " + change->prompt);
    if (!c_.change_password) co_return outcome::failure;
    auto new_password = co_await detail::await_callback<std::optional<secret_string>>(
        [&](detail::unique_function<void(std::optional<secret_string>)> done) {
          c_.change_password(change->prompt, std::move(done));
        });
    if (!new_password) co_return outcome::failure;
    tried_.push_back("password change");
    co_return co_await simple(request_password_change(user(m), m.password->as_bytes(), new_password->as_bytes()));
  }

  asio::awaitable<result<outcome>> try_hostbased(const auth_method& m) {
    const auto& h = *m.hostbased;
    const std::string algorithm = publickey_algorithm(h.host_key, s_.machine().peer_extensions());
    const bytes blob = h.host_key.public_blob();
    tried_.push_back("hostbased " + algorithm);
    // RFC 4252 section 9: the signature covers the request fields after the session id.
    const bytes request = request_hostbased_unsigned(user(m), algorithm, blob, h.local_hostname, h.local_username);
    bytes signed_data;
    wire::writer w(signed_data);
    w.write_string(*s_.machine().session_id());
    w.write_raw(request);
    auto sig = h.host_key.sign(signed_data, signature_algorithm(algorithm));
    if (!sig) co_return sig.error();
    bytes full = request;
    wire::writer(full).write_string(*sig);
    co_return co_await simple(std::move(full));
  }

  asio::awaitable<result<outcome>> try_publickey(const auth_method& m) {
    const key& k = *m.private_key;
    const std::string algorithm = publickey_algorithm(k, s_.machine().peer_extensions());
    const bytes blob = k.public_blob();
    tried_.push_back("publickey " + algorithm);
    // Query first (RFC 4252 section 7): a refused key costs no signature.
    if (auto r = s_.send(request_publickey_query(user(m), algorithm, blob)); !r) co_return r.error();
    auto reply = co_await next_reply();
    if (!reply) co_return reply.error();
    if (reply->payload[0] == msg::userauth_failure) co_return outcome::failure;
    if (reply->payload[0] == msg::userauth_success) {
      co_return error{errc::protocol_error, "server reported success for a publickey query"};
    }
    auto ok = parse_pk_ok(reply->payload);
    if (!ok) co_return ok.error();
    if (ok->algorithm != algorithm || ok->key_blob != blob) {
      co_return error{errc::protocol_error, "PK_OK for another key or algorithm"};
    }
    const bytes signed_data = publickey_signed_data(*s_.machine().session_id(), user(m), algorithm, blob);
    auto sig = k.sign(signed_data, signature_algorithm(algorithm));
    if (!sig) co_return sig.error();
    co_return co_await simple(request_publickey_signed(user(m), algorithm, blob, *sig));
  }

  // Each agent identity in turn: query, and on PK_OK let the agent sign (with the rsa-sha2
  // flag matching the algorithm chosen from server-sig-algs).
  asio::awaitable<result<outcome>> try_agent(const auth_method& m) {
    using ids_t = std::pair<boost::system::error_code, std::vector<key>>;
    auto ids = co_await detail::await_callback<ids_t>([&](detail::unique_function<void(ids_t)> done) {
      m.agent->async_identities([d = std::move(done)](boost::system::error_code ec, std::vector<key> keys) mutable {
        d(ids_t{ec, std::move(keys)});
      });
    });
    if (ids.first) {
      s_.debug("agent: cannot list identities: " + ids.first.message());
      co_return outcome::failure;
    }
    for (const key& k : ids.second) {
      if (!listed(st_.methods_left, "publickey")) break;
      const std::string algorithm = publickey_algorithm(k, s_.machine().peer_extensions());
      const bytes blob = k.public_blob();
      tried_.push_back("agent key " + k.fingerprint_sha256() + " " + algorithm);
      if (auto r = s_.send(request_publickey_query(user(m), algorithm, blob)); !r) co_return r.error();
      auto reply = co_await next_reply();
      if (!reply) co_return reply.error();
      if (reply->payload[0] == msg::userauth_failure) continue;
      if (reply->payload[0] != msg::userauth_info_request) {
        co_return error{errc::protocol_error, "unexpected reply to a publickey query"};
      }
      const bytes signed_data = publickey_signed_data(*s_.machine().session_id(), user(m), algorithm, blob);
      using sig_t = std::pair<boost::system::error_code, bytes>;
      auto sig = co_await detail::await_callback<sig_t>([&](detail::unique_function<void(sig_t)> done) {
        m.agent->async_sign(k, signed_data, sign_flags_for(signature_algorithm(algorithm)),
                             [d = std::move(done)](boost::system::error_code ec, bytes b) mutable { d(sig_t{ec, std::move(b)}); });
      });
      if (sig.first) {
        s_.debug("agent refused to sign with " + k.fingerprint_sha256() + ": " + sig.first.message());
        continue;
      }
      auto r = co_await simple(request_publickey_signed(user(m), algorithm, blob, sig.second));
      if (!r || *r == outcome::success) co_return r;
    }
    co_return outcome::failure;
  }

  asio::awaitable<result<outcome>> try_keyboard_interactive(const auth_method& m) {
    tried_.push_back("keyboard-interactive");
    const keyboard_interactive_handler& handler = m.keyboard_interactive ? m.keyboard_interactive : c_.keyboard_interactive;
    if (auto r = s_.send(request_keyboard_interactive(user(m))); !r) co_return r.error();
    for (int round = 0; round < 32; ++round) {
      auto reply = co_await next_reply();
      if (!reply) co_return reply.error();
      if (reply->payload[0] == msg::userauth_success) co_return outcome::success;
      if (reply->payload[0] == msg::userauth_failure) co_return outcome::failure;
      auto info = parse_info_request(reply->payload);
      if (!info) co_return info.error();
      std::vector<secret_string> answers;
      if (handler) {
        keyboard_interactive_request req{info->name, info->instructions, info->language, {}};
        for (const auto& p : info->prompts) req.prompts.push_back({p.text, p.echo});
        answers = co_await detail::await_callback<std::vector<secret_string>>(
            [&](detail::unique_function<void(std::vector<secret_string>)> done) {
              handler(req, std::move(done));
            });
      } else {
        // Without a handler, answer password-like prompts with the configured password.
        for (std::size_t i = 0; i < info->prompts.size(); ++i) answers.push_back(m.password.value_or(secret_string{}));
      }
      if (answers.size() != info->prompts.size()) {
        co_return error{errc::invalid_value, "keyboard-interactive handler gave " + std::to_string(answers.size()) +
                                                 " answers to " + std::to_string(info->prompts.size()) + " prompts"};
      }
      if (auto r = s_.send(info_response(answers)); !r) co_return r.error();
    }
    co_return error{errc::protocol_error, "too many keyboard-interactive rounds"};
  }

  asio::awaitable<result<void>> run() {
    if (auto r = s_.send(service_request(service_userauth)); !r) co_return r.error();
    auto accept = co_await s_.receive();
    if (!accept) co_return accept.error();
    if (auto r = parse_service_accept(accept->payload, service_userauth); !r) co_return r.error();

    const auth_handler_fn handler = c_.auth_handler ? c_.auth_handler : default_handler();
    auth_progress progress;
    // Bounded: a handler that keeps choosing methods gets at most this many attempts (the
    // server's own cap is usually far lower).
    for (int attempt = 0; attempt < 64; ++attempt) {
      progress.methods_left = st_.methods_left;
      progress.partial_success = st_.partial_success;
      auto next = co_await detail::await_callback<std::optional<auth_method>>(
          [&](detail::unique_function<void(std::optional<auth_method>)> done) { handler(progress, std::move(done)); });
      progress.first = false;
      if (!next) break;
      if (auto bad = unusable(*next)) co_return error{errc::invalid_value, *bad};
      auto r = co_await attempt_with(*next);
      if (!r) co_return r.error();
      if (*r == outcome::success) co_return result<void>{};
    }
    std::string detail = "tried";
    for (const auto& t : tried_) detail += " " + t + ";";
    detail += " server allows:";
    for (const auto& m : st_.methods_left) detail += " " + m;
    co_return error{errc::authentication_failed, detail};
  }

private:
  const std::string& user(const auth_method& m) const { return m.username.empty() ? c_.username : m.username; }

  asio::awaitable<result<outcome>> attempt_with(const auth_method& m) {
    switch (m.type) {
      case auth_method::kind::none: co_return co_await simple(request_none(user(m)));
      case auth_method::kind::password: co_return co_await try_password(m);
      case auth_method::kind::publickey: co_return co_await try_publickey(m);
      case auth_method::kind::agent: co_return co_await try_agent(m);
      case auth_method::kind::keyboard_interactive: co_return co_await try_keyboard_interactive(m);
      case auth_method::kind::hostbased: co_return co_await try_hostbased(m);
    }
    co_return outcome::failure;
  }

  // A method missing what it needs is the application's mistake: say which.
  static std::optional<std::string> unusable(const auth_method& m) {
    using k = auth_method::kind;
    if (m.type == k::password && !m.password) return "auth_method password without a password";
    if (m.type == k::publickey && !m.private_key) return "auth_method publickey without a key";
    if (m.type == k::publickey && !m.private_key->is_private()) return "auth_method publickey with a public key only";
    if (m.type == k::agent && !m.agent) return "auth_method agent without an agent";
    if (m.type == k::hostbased && !m.hostbased) return "auth_method hostbased without an identity";
    return std::nullopt;
  }

  // The seed's order from the config's members.
  auth_handler_fn default_handler() const {
    std::vector<auth_method> list{auth_method::none()};
    if (c_.password) list.push_back(auth_method::with_password(*c_.password));
    if (c_.private_key) list.push_back(auth_method::with_key(*c_.private_key));
    if (c_.agent) list.push_back(auth_method::with_agent(c_.agent));
    if (c_.try_keyboard) {
      auto m = auth_method::with_keyboard_interactive();
      m.password = c_.password;
      list.push_back(std::move(m));
    }
    if (c_.hostbased) list.push_back(auth_method::with_hostbased(*c_.hostbased));
    return auth_sequence(std::move(list));
  }

  static std::string signature_algorithm(const std::string& algorithm) {
    constexpr std::string_view suffix = "-cert-v01@openssh.com";
    if (algorithm.ends_with(suffix)) return algorithm.substr(0, algorithm.size() - suffix.size());
    return algorithm;
  }

  transport::transport_session& s_;
  const client_config& c_;
  client_auth_state& st_;
  std::vector<std::string> tried_{"none"};
};

}  // namespace

std::string publickey_algorithm(const key& k, const std::map<std::string, std::string>& server_extensions) {
  const std::string type = k.type();
  if (k.kind() != key_type::rsa) return type;
  std::string base = "ssh-rsa";
  if (auto it = server_extensions.find("server-sig-algs"); it != server_extensions.end()) {
    if (contains_name(it->second, "rsa-sha2-512")) {
      base = "rsa-sha2-512";
    } else if (contains_name(it->second, "rsa-sha2-256")) {
      base = "rsa-sha2-256";
    }
  }
  return k.is_certificate() ? base + "-cert-v01@openssh.com" : base;
}

asio::awaitable<result<void>> authenticate_client(transport::transport_session& session, const client_config& config,
                                                  client_auth_state& state) {
  client_authenticator a(session, config, state);
  co_return co_await a.run();
}

}  // namespace sshlib::auth
