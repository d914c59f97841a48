// sshlib-keytool: shows and generates SSH keys with sshlib's keys layer.
//
//   sshlib-keytool show FILE [--passphrase P]
//       Prints type, bits, comment, SHA256 and MD5 fingerprints and the public line. An
//       encrypted key without --passphrase prompts on the terminal with echo off.
//   sshlib-keytool generate --type ed25519|ecdsa|rsa [--bits N] [--comment C]
//                           [--passphrase P] -o FILE
//       Writes FILE (OpenSSH format, mode 0600) and FILE.pub.
//
// Exits 0 on success, 1 with a one-line error on stderr otherwise, 2 on a usage error.
#include <sshlib/key.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace {

struct usage_error {
  std::string what;
};

struct options {
  std::string command;
  std::string file;  // show: the key; generate: -o
  std::map<std::string, std::string> values;
};

options parse_args(int argc, char** argv) {
  if (argc < 2) throw usage_error{"missing command (show or generate)"};
  options o;
  o.command = argv[1];
  if (o.command != "show" && o.command != "generate") throw usage_error{"unknown command " + o.command};
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "-o" || a.rfind("--", 0) == 0) {
      if (i + 1 >= argc) throw usage_error{a + " needs a value"};
      if (a == "-o") {
        o.file = argv[++i];
      } else {
        o.values[a.substr(2)] = argv[++i];
      }
    } else if (o.file.empty()) {
      o.file = a;
    } else {
      throw usage_error{"unexpected argument " + a};
    }
  }
  if (o.file.empty()) throw usage_error{o.command == "generate" ? "missing -o FILE" : "missing FILE"};
  return o;
}

std::optional<std::string> value(const options& o, const std::string& name) {
  const auto it = o.values.find(name);
  if (it == o.values.end()) return std::nullopt;
  return it->second;
}

// Reads a passphrase from the terminal with echo off; the terminal is restored even on error.
sshlib::secret_string prompt_passphrase(const std::string& prompt) {
  const int fd = ::open("/dev/tty", O_RDWR | O_NOCTTY);
  if (fd < 0) throw std::runtime_error("key is encrypted and there is no terminal to ask for a passphrase");
  termios saved{};
  const bool have_tty = ::tcgetattr(fd, &saved) == 0;
  if (have_tty) {
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(fd, TCSAFLUSH, &quiet);
  }
  (void)!::write(fd, prompt.data(), prompt.size());
  std::vector<char, sshlib::wiping_allocator<char>> buf;
  char c = 0;
  while (::read(fd, &c, 1) == 1 && c != '\n') buf.push_back(c);
  (void)!::write(fd, "\n", 1);
  if (have_tty) ::tcsetattr(fd, TCSAFLUSH, &saved);
  ::close(fd);
  return sshlib::secret_string(std::string_view(buf.data(), buf.size()));
}

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot open");
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_with_mode(const std::string& path, std::string_view data, mode_t mode) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) throw std::runtime_error(path + ": cannot create");
  ::fchmod(fd, mode);  // O_CREAT's mode does not apply to an existing file
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n <= 0) {
      ::close(fd);
      throw std::runtime_error(path + ": write failed");
    }
    done += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0) throw std::runtime_error(path + ": write failed");
}

int show(const options& o) {
  const std::string text = read_all(o.file);
  sshlib::secret_string pass;
  if (auto p = value(o, "passphrase")) pass = sshlib::secret_string(*p);
  auto k = sshlib::parse_key(sshlib::as_bytes(text), pass);
  if (!k && k.code() == sshlib::errc::passphrase_required && !value(o, "passphrase")) {
    k = sshlib::parse_key(sshlib::as_bytes(text), prompt_passphrase("Passphrase for " + o.file + ": "));
  }
  if (!k) throw std::runtime_error(o.file + ": " + k.error().message());
  std::cout << "type: " << k->type() << "\n"
            << "bits: " << k->bits() << "\n"
            << "comment: " << k->comment() << "\n"
            << "private: " << (k->is_private() ? "yes" : "no") << "\n"
            << "fingerprint: " << k->fingerprint_sha256() << "\n"
            << "fingerprint-md5: " << k->fingerprint_md5() << "\n"
            << k->public_ssh() << "\n";
  return 0;
}

int generate(const options& o) {
  const std::string type = value(o, "type").value_or("");
  std::size_t bits = 0;
  if (auto b = value(o, "bits")) {
    try {
      bits = std::stoul(*b);
    } catch (const std::exception&) {
      throw usage_error{"--bits must be a number"};
    }
  }
  sshlib::key_type kind{};
  if (type == "ed25519") {
    kind = sshlib::key_type::ed25519;
  } else if (type == "rsa") {
    kind = sshlib::key_type::rsa;
  } else if (type == "ecdsa") {
    kind = bits == 384 ? sshlib::key_type::ecdsa_p384
           : bits == 521 ? sshlib::key_type::ecdsa_p521
           : sshlib::key_type::ecdsa_p256;
  } else {
    throw usage_error{"--type must be ed25519, ecdsa or rsa"};
  }
  auto k = sshlib::generate_key(kind, bits);
  if (!k) throw std::runtime_error("generate: " + k.error().message());
  const sshlib::key key = k->with_comment(value(o, "comment").value_or(""));
  const sshlib::secret_string pass(value(o, "passphrase").value_or(""));
  auto priv = key.private_openssh(pass);
  if (!priv) throw std::runtime_error("generate: " + priv.error().message());
  write_with_mode(o.file, priv->view(), 0600);
  write_with_mode(o.file + ".pub", key.public_ssh() + "\n", 0644);
  std::cout << key.fingerprint_sha256() << " " << key.comment() << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const options o = parse_args(argc, argv);
    if (o.command == "show") return show(o);
    if (o.command == "generate") return generate(o);
    throw usage_error{"unknown command " + o.command};
  } catch (const usage_error& e) {
    std::cerr << "sshlib-keytool: " << e.what
              << " (usage: sshlib-keytool show FILE [--passphrase P] | generate --type ed25519|ecdsa|rsa"
                 " [--bits N] [--comment C] [--passphrase P] -o FILE)\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "sshlib-keytool: " << e.what() << "\n";
    return 1;
  }
}
