#include "auth/server_auth.hpp"

#include "auth/auth_request_state.hpp"
#include "auth/userauth_messages.hpp"
#include "common/await_callback.hpp"
#include "transport/host_key_algorithms.hpp"
#include "transport/message_numbers.hpp"
#include "wire/reader.hpp"
#include "wire/writer.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>

namespace sshlib::auth {
namespace asio = boost::asio;
namespace msg = transport::msg;
using transport::disconnect_reason;

namespace {

bytes failure(const std::vector<std::string>& methods, bool partial) {
  bytes p;
  wire::writer w(p);
  w.write_byte(msg::userauth_failure);
  w.write_name_list(methods);
  w.write_bool(partial);
  return p;
}

bytes pk_ok(std::string_view algorithm, byte_view blob) {
  bytes p;
  wire::writer w(p);
  w.write_byte(msg::userauth_info_request);
  w.write_string(algorithm);
  w.write_string(blob);
  return p;
}

bytes passwd_changereq(std::string_view prompt) {
  bytes p;
  wire::writer w(p);
  w.write_byte(msg::userauth_info_request);  // SSH_MSG_USERAUTH_PASSWD_CHANGEREQ shares 60
  w.write_string(prompt);
  w.write_string(std::string_view{});
  return p;
}

bytes banner(std::string_view text) {
  bytes p;
  wire::writer w(p);
  w.write_byte(msg::userauth_banner);
  w.write_string(text);
  w.write_string(std::string_view{});
  return p;
}

bytes info_request(const auth_decision& d) {
  bytes p;
  wire::writer w(p);
  w.write_byte(msg::userauth_info_request);
  w.write_string(d.title);
  w.write_string(d.instructions);
  w.write_string(std::string_view{});
  w.write_u32(static_cast<std::uint32_t>(d.prompts.size()));
  for (const auto& pr : d.prompts) {
    w.write_string(pr.prompt);
    w.write_bool(pr.echo);
  }
  return p;
}

// The signature must be made with the algorithm the request names, and that algorithm must
// suit the key (RFC 4252 section 7, RFC 8332 section 3.2).
bool algorithm_matches_key(const key& k, std::string_view algorithm) {
  const auto info = transport::host_key_algorithm(algorithm);
  return info.key_type == k.type();
}

bool signature_uses(byte_view signature, std::string_view algorithm) {
  wire::reader r(signature);
  std::string_view name;
  return r.read_string(name, 64) && name == transport::host_key_algorithm(algorithm).signature_algorithm;
}

bytes hostbased_signed_data(byte_view session_id, const userauth_request& q) {
  bytes p;
  wire::writer w(p);
  w.write_string(session_id);
  w.write_byte(msg::userauth_request);
  w.write_string(q.user);
  w.write_string(q.service);
  w.write_string(std::string_view("hostbased"));
  w.write_string(q.algorithm);
  w.write_string(q.key_blob);
  w.write_string(q.client_host);
  w.write_string(q.client_user);
  return p;
}

class server_authenticator {
public:
  server_authenticator(transport::transport_session& s, const server_config& c) : s_(s), c_(c) {}

  asio::awaitable<result<server_auth_result>> run() {
    auto service = co_await s_.receive();
    if (!service) co_return service.error();
    if (auto r = expect_service_request(service->payload); !r) {
      s_.fail(r.error(), disconnect_reason::service_not_available);
      co_return r.error();
    }
    if (auto r = s_.send(service_accept(service_userauth)); !r) co_return r.error();

    while (true) {
      auto p = co_await s_.receive();
      if (!p) co_return p.error();
      if (p->payload[0] != msg::userauth_request) {
        error e{errc::protocol_error, "message " + std::to_string(p->payload[0]) + " before authentication"};
        s_.fail(e);
        co_return e;
      }
      auto q = parse_userauth_request(p->payload);
      if (!q) {
        s_.fail(q.error());
        co_return q.error();
      }
      if (auto r = check_identity(*q); !r) {
        s_.fail(r.error(), disconnect_reason::protocol_error);
        co_return r.error();
      }
      if (!banner_sent_ && !c_.banner.empty()) {
        banner_sent_ = true;
        (void)s_.send(banner(c_.banner));
      }
      auto done = co_await attempt(std::move(*q));
      if (!done) co_return done.error();
      if (*done) co_return std::move(result_);
    }
  }

private:
  result<void> expect_service_request(byte_view payload) {
    wire::reader r(payload.subspan(1));
    std::string_view name;
    if (payload[0] != msg::service_request || !r.read_string(name, 64) || !r.expect_end()) {
      return error{errc::protocol_error, "expected SERVICE_REQUEST"};
    }
    if (name != service_userauth) return error{errc::protocol_error, "service " + std::string(name) + " not available"};
    return {};
  }

  // OpenSSH's rule: the user and service may not change between attempts.
  result<void> check_identity(const userauth_request& q) {
    if (q.service != service_connection) return error{errc::protocol_error, "service " + q.service + " not available"};
    if (result_.username.empty()) {
      result_.username = q.user;
      return {};
    }
    if (q.user != result_.username) return error{errc::protocol_error, "the user name changed during authentication"};
    return {};
  }

  // One request: returns true when the user is now authenticated.
  asio::awaitable<result<bool>> attempt(userauth_request q) {
    const auto started = std::chrono::steady_clock::now();
    const std::string method = q.method, algorithm = q.algorithm;
    const bytes blob = q.key_blob;
    const bool has_signature = q.signature.has_value();
    auto state = std::make_shared<auth_request_state>();
    state->kind = kind_of(method);
    state->request = std::move(q);

    bool counts = method != "none" && !(method == "publickey" && !has_signature);  // a query is free
    bool verified = true;
    if (method == "publickey" || method == "hostbased") {
      auto k = key::from_public_blob(blob);
      if (k && algorithm_matches_key(*k, algorithm)) state->public_key = std::move(*k);
      verified = state->public_key.has_value() && verify_signature(*state);
    }
    const std::optional<key> offered = state->public_key;
    const bool known = state->kind != auth_request::method_kind::none || method == "none";
    auth_decision d;
    if (c_.authentication && known && verified) {
      std::weak_ptr<auth_request_state> weak = state;
      d = co_await ask(std::move(state));
      while (d.kind == auth_decision::prompt && method == "keyboard-interactive") {
        auto answers = co_await run_prompt(d);
        if (!answers) co_return answers.error();
        d = co_await ask_after_prompt(weak, std::move(d.answers), std::move(*answers));
      }
    }
    state.reset();
    if (d.kind == auth_decision::change_password && method == "password") {
      if (auto r = s_.send(passwd_changereq(d.title)); !r) co_return r.error();
      co_return false;
    }
    if (d.kind == auth_decision::accept) {
      if (method == "publickey" && !has_signature) {
        if (auto r = s_.send(pk_ok(algorithm, blob)); !r) co_return r.error();
        co_return false;
      }
      result_.methods_used.push_back(method);
      // The key recorded is the one whose signature verified above, never merely one offered.
      if (method == "publickey") result_.auth_key = offered;
      if (auto r = s_.send(bytes{msg::userauth_success}); !r) co_return r.error();
      co_return true;
    }
    if (d.partial_success) result_.methods_used.push_back(method);
    if (counts && !d.partial_success && ++failures_ >= c_.max_auth_attempts) {
      error e{errc::authentication_failed, "too many authentication failures for " + result_.username};
      s_.fail(e, disconnect_reason::no_more_auth_methods_available);
      co_return e;
    }
    // Every failure leaves at the same time after its request, whichever check refused it.
    asio::steady_timer delay(s_.get_executor(), started + c_.failure_delay);
    boost::system::error_code ignored;
    co_await delay.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    const auto& methods = d.methods.empty() ? c_.auth_methods : d.methods;
    if (auto r = s_.send(failure(methods, d.partial_success)); !r) co_return r.error();
    co_return false;
  }

  static auth_request::method_kind kind_of(const std::string& m) {
    using k = auth_request::method_kind;
    if (m == "password") return k::password;
    if (m == "publickey") return k::publickey;
    if (m == "keyboard-interactive") return k::keyboard_interactive;
    if (m == "hostbased") return k::hostbased;
    return k::none;
  }

  bool verify_signature(const auth_request_state& st) {
    const auto& req = st.request;
    if (!req.signature) return true;  // a publickey query: nothing to verify yet
    if (!signature_uses(*req.signature, req.algorithm)) return false;
    const bytes& id = *s_.machine().session_id();
    const bytes data = req.method == "publickey"
                           ? publickey_signed_data(id, req.user, req.algorithm, req.key_blob)
                           : hostbased_signed_data(id, req);
    return st.public_key->verify(data, *req.signature).has_value();
  }

  // The coroutine keeps only weak references to the attempt: if the application drops
  // every handle unanswered, the state's destructor rejects.
  asio::awaitable<auth_decision> ask(std::shared_ptr<auth_request_state> state) {
    co_return co_await detail::await_callback<auth_decision>([&](detail::unique_function<void(auth_decision)> done) {
      state->decide = std::move(done);
      c_.authentication(auth_request(std::move(state)));
    });
  }

  asio::awaitable<auth_decision> ask_after_prompt(std::weak_ptr<auth_request_state> weak,
                                                  std::function<void(std::vector<secret_string>)> answer_cb,
                                                  std::vector<secret_string> answers) {
    co_return co_await detail::await_callback<auth_decision>([&](detail::unique_function<void(auth_decision)> done) {
      auto s = weak.lock();
      if (!s) return done(auth_decision{});
      s->decide = std::move(done);
      if (answer_cb) answer_cb(std::move(answers));
    });
  }

  asio::awaitable<result<std::vector<secret_string>>> run_prompt(const auth_decision& d) {
    if (d.prompts.size() > limits::max_prompts) co_return error{errc::invalid_value, "too many prompts"};
    if (auto r = s_.send(info_request(d)); !r) co_return r.error();
    auto p = co_await s_.receive();
    if (!p) co_return p.error();
    wire::reader r(byte_view(p->payload).subspan(1));
    std::uint32_t count = 0;
    std::vector<secret_string> answers;
    if (p->payload[0] != msg::userauth_info_response || !r.read_u32(count) || count != d.prompts.size()) {
      error e{errc::protocol_error, "expected USERAUTH_INFO_RESPONSE with " + std::to_string(d.prompts.size()) + " answers"};
      s_.fail(e);
      co_return e;
    }
    for (std::uint32_t i = 0; i < count; ++i) {
      byte_view a;
      if (!r.read_string(a, limits::max_password)) break;
      answers.emplace_back(as_string_view(a));
    }
    if (!r.expect_end() || answers.size() != count) {
      error e{errc::protocol_error, "malformed USERAUTH_INFO_RESPONSE"};
      s_.fail(e);
      co_return e;
    }
    co_return answers;
  }

  transport::transport_session& s_;
  const server_config& c_;
  server_auth_result result_;
  unsigned failures_ = 0;
  bool banner_sent_ = false;
};

}  // namespace

asio::awaitable<result<server_auth_result>> authenticate_server(transport::transport_session& session,
                                                                const server_config& config) {
  server_authenticator a(session, config);
  co_return co_await a.run();
}

}  // namespace sshlib::auth
