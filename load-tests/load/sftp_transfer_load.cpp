// sftp_transfer_load: one SFTP session, fast_put of a local file to the server, then
// fast_get of it back; prints both rates. load-tests/scripts/sftp-vs-openssh.sh runs it next
// to OpenSSH's `sftp` put and get of the same file against the same sshd.
//
// Usage: sftp_transfer_load --port P --key FILE --local FILE --remote PATH --back FILE
//                           [--host H] [--user U] [--concurrency N] [--chunk BYTES] [--cipher NAME]
#include "load_common.hpp"

#include <sshlib/sftp_client.hpp>

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <filesystem>
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
  std::string key_file, local, remote, back, cipher;
  sshlib::sftp::transfer_options transfer;
};

int usage() {
  std::cerr << "usage: sftp_transfer_load --port P --key FILE --local FILE --remote PATH --back FILE\n"
               "                          [--host H] [--user U] [--concurrency N] [--chunk BYTES] [--cipher NAME]\n";
  return 2;
}

// Runs the context until `done` is set.
template <class T>
bool run_until_set(asio::io_context& io, const std::optional<T>& done) {
  while (!done && io.run_one() > 0) {
  }
  return done.has_value();
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
    else if (a == "--local") o.local = v;
    else if (a == "--remote") o.remote = v;
    else if (a == "--back") o.back = v;
    else if (a == "--concurrency") o.transfer.concurrency = static_cast<unsigned>(std::stoul(v));
    else if (a == "--chunk") o.transfer.chunk_size = std::stoul(v);
    else if (a == "--cipher") o.cipher = v;
    else return usage();
  }
  if (o.port == 0 || o.key_file.empty() || o.local.empty() || o.remote.empty() || o.back.empty()) return usage();
  auto settings = load::client_settings(o.user, o.key_file, o.cipher);
  if (!settings) return 1;
  sshlib::client_config cfg = std::move(*settings);

  asio::io_context io;
  sshlib::client c(io.get_executor());
  std::optional<error_code> connected;
  c.async_connect(o.host, o.port, cfg, [&](error_code ec) { connected = ec; });
  if (!run_until_set(io, connected) || *connected) {
    std::cerr << "connect: " << (c.last_error() ? c.last_error()->message() : "failed") << "\n";
    return 1;
  }
  std::optional<error_code> started;
  sshlib::sftp_client sftp;
  sshlib::sftp_client::async_start(c, sshlib::sftp_options{}, [&](error_code ec, sshlib::sftp_client s) {
    sftp = std::move(s);
    started = ec;
  });
  if (!run_until_set(io, started) || *started) {
    std::cerr << "sftp: " << (started ? started->message() : "did not start") << "\n";
    return 1;
  }
  const double mib = static_cast<double>(std::filesystem::file_size(o.local)) / (1024.0 * 1024.0);
  auto timed = [&](auto start) {
    std::optional<error_code> done;
    const auto t0 = std::chrono::steady_clock::now();
    start([&](error_code ec) { done = ec; });
    run_until_set(io, done);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return std::make_pair(done.value_or(error_code(asio::error::operation_aborted)), mib / seconds);
  };
  const auto [put_ec, put_rate] = timed([&](auto h) { sftp.async_fast_put(o.local, o.remote, o.transfer, h); });
  if (put_ec) {
    std::cerr << "fast_put: " << put_ec.message() << "\n";
    return 1;
  }
  const auto [get_ec, get_rate] = timed([&](auto h) { sftp.async_fast_get(o.remote, o.back, o.transfer, h); });
  if (get_ec) {
    std::cerr << "fast_get: " << get_ec.message() << "\n";
    return 1;
  }
  std::cout << "put MiB/s " << put_rate << " get MiB/s " << get_rate << std::endl;
  sftp.close();
  c.end();
  io.restart();
  io.run_for(std::chrono::seconds(1));
  return 0;
}
