// example-sftp-readdir: the ssh2 README's "Get a directory listing via SFTP": log in with a
// private key, start SFTP, list one directory, print each entry.
//
//   example-sftp-readdir HOST PORT USER KEYFILE [DIRECTORY]     (DIRECTORY defaults to ".")
//
// Prints "Client :: ready", then one line per entry: the server's `ls -l` style longname
// (what the seed's console.dir shows first), then "<n> entries".
#include <sshlib/sftp_client.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fstream>
#include <iostream>
#include <iterator>

namespace asio = boost::asio;
using asio::use_awaitable;

namespace {

sshlib::key load_key(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  const std::string text{std::istreambuf_iterator<char>(in), {}};
  return sshlib::parse_key(sshlib::as_bytes(text)).value();
}

asio::awaitable<void> run(sshlib::client& client, std::string host, std::uint16_t port, sshlib::client_config config,
                          std::string directory) {
  co_await client.async_connect(host, port, std::move(config), use_awaitable);
  std::cout << "Client :: ready\n";
  // The seed's conn.sftp(): the "sftp" subsystem, then SFTP's INIT and VERSION.
  sshlib::sftp_client sftp = co_await sshlib::sftp_client::async_start(client, sshlib::sftp_options{}, use_awaitable);
  // The seed's sftp.readdir(path): OPENDIR, READDIR until the end, CLOSE.
  const auto entries = co_await sftp.async_list_directory(directory, use_awaitable);
  for (const auto& e : entries) std::cout << e.longname << "\n";
  std::cout << entries.size() << " entries\n";
  sftp.close();
  client.end();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::cerr << "usage: example-sftp-readdir HOST PORT USER KEYFILE [DIRECTORY]\n";
    return 2;
  }
  try {
    sshlib::client_config config;
    config.username = argv[3];
    config.private_key = load_key(argv[4]);
    config.host_verifier = [](const sshlib::host_key_info& info, auto done) {
      std::cerr << "host key " << info.fingerprint_sha256 << " (not checked)\n";
      done(true);
    };
    asio::io_context io;
    sshlib::client client(io.get_executor());
    asio::co_spawn(io, run(client, argv[1], static_cast<std::uint16_t>(std::stoi(argv[2])), std::move(config),
                           argc > 5 ? argv[5] : "."),
                   [](std::exception_ptr e) {
                     if (e) std::rethrow_exception(e);
                   });
    io.run();
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "example-sftp-readdir: " << e.what() << "\n";
    return 1;
  }
}
