// auth_sequence: the seed's authHandler array as an auth_handler.
#include <sshlib/client.hpp>

#include <algorithm>

namespace sshlib {

std::string_view method_name(auth_method::kind k) noexcept {
  switch (k) {
    case auth_method::kind::none: return "none";
    case auth_method::kind::password: return "password";
    case auth_method::kind::publickey:
    case auth_method::kind::agent: return "publickey";
    case auth_method::kind::keyboard_interactive: return "keyboard-interactive";
    case auth_method::kind::hostbased: return "hostbased";
  }
  return "none";
}

auth_handler_fn auth_sequence(std::vector<auth_method> methods) {
  // The position is shared by copies of the handler, which is what one authentication run
  // needs: each call takes the next method.
  struct state {
    std::vector<auth_method> methods;
    std::size_t next = 0;
  };
  auto s = std::make_shared<state>(state{std::move(methods), 0});
  return [s](const auth_progress& progress, detail::unique_function<void(std::optional<auth_method>)> done) {
    while (s->next < s->methods.size()) {
      const auth_method& m = s->methods[s->next++];
      // Before the first reply nothing is known; afterwards skip what the server refuses
      // to continue with ("none" is never listed, so it is only ever sent first).
      const auto name = method_name(m.type);
      const bool allowed = progress.first || std::find(progress.methods_left.begin(), progress.methods_left.end(),
                                                       name) != progress.methods_left.end();
      if (allowed) {
        done(m);
        return;
      }
    }
    done(std::nullopt);
  };
}

}  // namespace sshlib
