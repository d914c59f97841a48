// example-sftp-server: the ssh2 README's "Only allow SFTP" server: it authenticates one user
// by password or by public key (compared in constant time / by key), accepts session
// channels, and answers only the "sftp" subsystem, serving a directory tree confined to a
// root. exec, shell and every other request are refused.
//
//   example-sftp-server PORT HOST_KEY_FILE ROOT USER (--password PASSWORD | --authorized-key PUBKEY_FILE)...
//
// PORT 0 lets the kernel choose; the first line on stdout is "listening on 127.0.0.1:PORT".
// Runs until killed.
#include <sshlib/listener.hpp>
#include <sshlib/sftp_server.hpp>

#include <boost/asio/io_context.hpp>

#include <openssl/crypto.h>

#include <fstream>
#include <iostream>
#include <iterator>
#include <set>

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  return {std::istreambuf_iterator<char>(in), {}};
}

struct settings {
  std::string root, user;
  std::optional<std::string> password;
  std::vector<sshlib::key> keys;
};

bool password_matches(const sshlib::secret_string& given, const std::string& expected) {
  // Constant time over the expected length, like the seed's timingSafeEqual.
  const auto g = given.view();
  return g.size() == expected.size() && CRYPTO_memcmp(g.data(), expected.data(), expected.size()) == 0;
}

void check(const settings& s, sshlib::auth_request r) {
  if (r.username() != s.user) return r.reject();
  if (r.kind() == sshlib::auth_request::method_kind::password && s.password && password_matches(r.password(), *s.password)) {
    return r.accept();
  }
  if (r.kind() == sshlib::auth_request::method_kind::publickey && r.public_key()) {
    for (const auto& k : s.keys) {
      if (k.equals(*r.public_key())) return r.accept();  // without a signature: PK_OK only
    }
  }
  r.reject();
}

// A session channel: only "sftp" is answered; it is served, and the channel closes with it.
void on_session(const settings& s, sshlib::channel ch) {
  ch.on_request([s, ch](sshlib::channel_request req) mutable {
    if (req.type() != "subsystem" || req.text() != "sftp") return req.reject();
    req.accept();
    sshlib::sftp_server::async_serve_directory(ch, s.root, sshlib::sftp_server_options{}, [](error_code ec) {
      std::cerr << "sftp session ended" << (ec ? ": " + ec.message() : "") << "\n";
    });
  });
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 7) {
    std::cerr << "usage: example-sftp-server PORT HOST_KEY_FILE ROOT USER (--password P | --authorized-key FILE)...\n";
    return 2;
  }
  try {
    settings s;
    s.root = argv[3];
    s.user = argv[4];
    for (int i = 5; i + 1 < argc; i += 2) {
      const std::string flag = argv[i];
      if (flag == "--password") {
        s.password = argv[i + 1];
      } else if (flag == "--authorized-key") {
        s.keys.push_back(sshlib::parse_key(sshlib::as_bytes(read_text(argv[i + 1]))).value());
      } else {
        throw std::runtime_error("unknown flag " + flag);
      }
    }
    sshlib::server_config config;
    config.host_keys = {sshlib::parse_key(sshlib::as_bytes(read_text(argv[2]))).value()};
    config.auth_methods = {"publickey", "password"};
    config.authentication = [&s](sshlib::auth_request r) { check(s, std::move(r)); };
    config.channel_open = [&s](sshlib::incoming_channel in) {
      if (in.type != "session") {
        return in.reject(sshlib::channel_open_failure::administratively_prohibited, "only SFTP sessions");
      }
      on_session(s, in.accept());
    };

    asio::io_context io;
    sshlib::listener server(io.get_executor(), std::move(config));
    // The listener keeps no connection: hold each until it ends.
    std::set<std::shared_ptr<sshlib::server_connection>> open;
    server.on_connection([&open](std::shared_ptr<sshlib::server_connection> c, const asio::ip::tcp::endpoint& peer) {
      std::cerr << "client " << peer << " authenticated\n";
      open.insert(c);
      c->async_wait_closed([&open, c](error_code) { open.erase(c); });
    });
    const auto port = static_cast<std::uint16_t>(std::stoi(argv[1]));
    if (auto r = server.listen({asio::ip::make_address("127.0.0.1"), port}); !r) {
      throw std::runtime_error("listen: " + r.error().message());
    }
    std::cout << "listening on 127.0.0.1:" << server.local_endpoint().port() << std::endl;
    io.run();
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "example-sftp-server: " << e.what() << "\n";
    return 1;
  }
}
