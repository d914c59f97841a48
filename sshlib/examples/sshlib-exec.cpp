// sshlib-exec: runs one command on an SSH server, like `ssh host command`: stdin goes to the
// command, its stdout and stderr come back, and the exit status becomes ours.
//
//   sshlib-exec [-p port] [-i keyfile] [-c cipher] [--host-key pubfile] [--env NAME=VALUE]...
//               user@host command...
//
// Host keys are accepted without checking (say so on stderr) unless --host-key FILE names
// the expected public key. The load tests use it to compare throughput with OpenSSH's ssh.
#include <sshlib/client.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <unistd.h>

#include <array>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace {

namespace asio = boost::asio;

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

int usage() {
  std::cerr << "usage: sshlib-exec [-p port] [-i keyfile] [-c cipher] [--host-key pubfile] [--env NAME=VALUE]...\n"
               "                   user@host command...\n";
  return 2;
}

// Copies a stream into a writer until EOF, 128 KiB at a time (one outstanding write).
template <class From, class To>
struct pump : std::enable_shared_from_this<pump<From, To>> {
  From& from;
  To& to;
  std::function<void()> done;
  std::array<char, 128 * 1024> buffer{};
  pump(From& f, To& t, std::function<void()> d) : from(f), to(t), done(std::move(d)) {}
  void start() {
    from.async_read_some(asio::buffer(buffer), [self = this->shared_from_this()](boost::system::error_code ec, std::size_t n) {
      if (ec) return self->done();
      asio::async_write(self->to, asio::buffer(self->buffer.data(), n),
                        [self](boost::system::error_code wec, std::size_t) {
                          if (wec) return self->done();
                          self->start();
                        });
    });
  }
};

}  // namespace

int main(int argc, char** argv) {
  std::uint16_t port = 22;
  std::string key_file, cipher, host_key_file, target;
  std::string command;
  std::vector<std::pair<std::string, std::string>> env;  // sent as env requests, like ssh's SetEnv
  int i = 1;
  for (; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "-p" && i + 1 < argc) {
      port = static_cast<std::uint16_t>(std::stoi(argv[++i]));
    } else if (a == "-i" && i + 1 < argc) {
      key_file = argv[++i];
    } else if (a == "-c" && i + 1 < argc) {
      cipher = argv[++i];
    } else if (a == "--host-key" && i + 1 < argc) {
      host_key_file = argv[++i];
    } else if (a == "--env" && i + 1 < argc) {
      const std::string kv = argv[++i];
      const auto eq = kv.find('=');
      if (eq == std::string::npos || eq == 0) return usage();
      env.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
    } else {
      break;
    }
  }
  if (i + 1 >= argc) return usage();
  target = argv[i++];
  for (; i < argc; ++i) command += (command.empty() ? "" : " ") + std::string(argv[i]);
  const auto at = target.find('@');
  if (at == std::string::npos) return usage();

  try {
    sshlib::client_config config;
    config.username = target.substr(0, at);
    if (!key_file.empty()) config.private_key = sshlib::parse_key(sshlib::as_bytes(read_text(key_file))).value();
    if (!cipher.empty()) {
      if (auto r = config.algorithms.set(sshlib::algorithm_category::cipher, {cipher}); !r) {
        std::cerr << "sshlib-exec: " << r.error().message() << "\n";
        return 2;
      }
    }
    if (!host_key_file.empty()) {
      const auto expected = sshlib::parse_key(sshlib::as_bytes(read_text(host_key_file))).value();
      config.host_verifier = [expected](const sshlib::host_key_info& info, auto done) {
        done(info.host_key.equals(expected));
      };
    } else {
      config.host_verifier = [](const sshlib::host_key_info& info, auto done) {
        std::cerr << "sshlib-exec: not checking host key " << info.fingerprint_sha256 << "\n";
        done(true);
      };
    }

    asio::io_context io;
    sshlib::client client(io.get_executor());
    asio::posix::stream_descriptor in(io, ::dup(0)), out(io, ::dup(1)), err(io, ::dup(2));
    int status = 255;
    std::optional<sshlib::channel> ch;
    client.async_connect(target.substr(at + 1), port, config, [&](boost::system::error_code ec) {
      if (ec) {
        std::cerr << "sshlib-exec: " << client.last_error().value_or(sshlib::error{ec}).message() << "\n";
        return;
      }
      sshlib::session_options options;
      options.env = env;
      client.async_exec(command, options, [&](boost::system::error_code eec, sshlib::channel c) {
        if (eec) {
          std::cerr << "sshlib-exec: exec refused: " << eec.message() << "\n";
          client.end();
          return;
        }
        ch = c;
        auto errs = std::make_shared<sshlib::channel::stderr_stream_type>(c.stderr_stream());
        std::make_shared<pump<asio::posix::stream_descriptor, sshlib::channel>>(in, *ch, [&] { ch->send_eof(); })->start();
        std::make_shared<pump<sshlib::channel, asio::posix::stream_descriptor>>(*ch, out, [] {})->start();
        std::make_shared<pump<sshlib::channel::stderr_stream_type, asio::posix::stream_descriptor>>(*errs, err, [errs] {})
            ->start();
        ch->async_wait_closed([&](boost::system::error_code) {
          const auto& x = ch->exit_status();
          status = x.code ? static_cast<int>(*x.code) : (x.signal.empty() ? 255 : 128 + 15);
          in.close();
          client.end();
        });
      });
    });
    io.run();
    return status;
  } catch (const std::exception& e) {
    std::cerr << "sshlib-exec: " << e.what() << "\n";
    return 255;
  }
}
