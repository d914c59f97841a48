// ssh_channels_load: one SSH connection, K exec channels at once, each moving the same
// number of bytes (down: the server runs `head -c N /dev/zero` and we read it; up: we write
// N bytes into `cat > /dev/null`). Prints the aggregate rate. With K = 1 it is the
// single-channel case; with K = 64 it measures the connection layer's multiplexing (windows,
// the shared send buffer, fairness). load-tests/scripts/channels-vs-openssh.sh runs it next
// to OpenSSH's ssh multiplexing K sessions over one ControlMaster connection.
//
// Usage: ssh_channels_load --port P --key FILE [--host H] [--user U] [--channels K]
//                          [--mib N per channel] [--direction down|up] [--cipher NAME]
#include "load_common.hpp"

#include <sshlib/client.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

namespace {

namespace asio = boost::asio;
using boost::system::error_code;

struct options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::string user = "root";
  std::string key_file;
  unsigned channels = 1;
  std::uint64_t mib = 256;
  bool up = false;
  std::string cipher;
};

struct totals {
  std::uint64_t bytes = 0;
  unsigned done = 0, failed = 0;
  std::string first_error;
};

// Reads until EOF, counting.
void drain(std::shared_ptr<sshlib::channel> ch, std::shared_ptr<std::array<char, 65536>> buf, totals& t) {
  ch->async_read_some(asio::buffer(*buf), [ch, buf, &t](error_code ec, std::size_t n) {
    t.bytes += n;
    if (ec) {
      ++t.done;
      return;
    }
    drain(ch, buf, t);
  });
}

// Writes `left` bytes of zeros, then EOF, then waits for the close.
void fill(std::shared_ptr<sshlib::channel> ch, std::shared_ptr<std::array<char, 65536>> buf, std::uint64_t left,
          totals& t) {
  if (left == 0) {
    ch->send_eof();
    ch->async_wait_closed([ch, &t](error_code) { ++t.done; });
    return;
  }
  const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(left, buf->size()));
  asio::async_write(*ch, asio::buffer(buf->data(), n), [ch, buf, left, &t](error_code ec, std::size_t written) {
    t.bytes += written;
    if (ec) {
      ++t.failed;
      ++t.done;
      if (t.first_error.empty()) t.first_error = "write: " + ec.message();
      return;
    }
    fill(ch, buf, left - written, t);
  });
}

int usage() {
  std::cerr << "usage: ssh_channels_load --port P --key FILE [--host H] [--user U] [--channels K] [--mib N]\n"
               "                         [--direction down|up] [--cipher NAME]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i], v = argv[i + 1];
    if (a == "--host") o.host = v;
    else if (a == "--port") o.port = static_cast<std::uint16_t>(std::stoul(v));
    else if (a == "--user") o.user = v;
    else if (a == "--key") o.key_file = v;
    else if (a == "--channels") o.channels = std::max(1u, static_cast<unsigned>(std::stoul(v)));
    else if (a == "--mib") o.mib = std::stoull(v);
    else if (a == "--direction") o.up = v == "up";
    else if (a == "--cipher") o.cipher = v;
    else return usage();
  }
  if (o.port == 0 || o.key_file.empty()) return usage();
  auto settings = load::client_settings(o.user, o.key_file, o.cipher);
  if (!settings) return 1;
  sshlib::client_config cfg = std::move(*settings);

  asio::io_context io;
  sshlib::client c(io.get_executor());
  std::optional<error_code> connected;
  c.async_connect(o.host, o.port, cfg, [&](error_code ec) { connected = ec; });
  while (!connected && io.run_one() > 0) {
  }
  if (!connected || *connected) {
    std::cerr << "connect: " << (c.last_error() ? c.last_error()->message() : "failed") << "\n";
    return 1;
  }
  const std::uint64_t bytes_each = o.mib << 20;
  const std::string command =
      o.up ? std::string("cat > /dev/null") : "head -c " + std::to_string(bytes_each) + " /dev/zero";
  totals t;
  const auto t0 = std::chrono::steady_clock::now();
  for (unsigned i = 0; i < o.channels; ++i) {
    // SHLVL=5 keeps bash from sourcing ~/.bashrc for the command (see channels-vs-openssh.sh).
    sshlib::session_options options;
    options.env = {{"SHLVL", "5"}};
    c.async_exec(command, options, [&, bytes_each](error_code ec, sshlib::channel ch) {
      if (ec) {
        ++t.failed;
        ++t.done;
        if (t.first_error.empty()) t.first_error = "exec: " + ec.message();
        return;
      }
      auto shared = std::make_shared<sshlib::channel>(std::move(ch));
      auto buf = std::make_shared<std::array<char, 65536>>();
      if (o.up) {
        fill(shared, buf, bytes_each, t);
      } else {
        shared->send_eof();
        drain(shared, buf, t);
      }
    });
  }
  while (t.done < o.channels && io.run_one() > 0) {
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double mib = static_cast<double>(t.bytes) / (1024.0 * 1024.0);
  std::cout << "channels " << o.channels << " bytes " << t.bytes << " seconds " << seconds << " MiB/s " << mib / seconds
            << " failed " << t.failed << (t.first_error.empty() ? "" : " (" + t.first_error + ")") << std::endl;
  c.end();
  io.restart();
  io.run_for(std::chrono::seconds(1));
  const bool complete = t.bytes == bytes_each * o.channels;
  if (!complete) std::cerr << "incomplete: expected " << bytes_each * o.channels << " bytes\n";
  return t.failed == 0 && complete ? 0 : 1;
}
