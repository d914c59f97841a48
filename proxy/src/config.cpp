// Loading the daemon's configuration (config.hpp; the format: docs/configuration.md).
#include "config.hpp"

#include <bastion/policy/json_file.hpp>
#include <bastion/policy/load.hpp>
#include <bastion/policy/network.hpp>

#include <sshlib/bytes.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

namespace bastion {
namespace {

using nlohmann::json;
using policy::json_checker;
using policy::object_reader;

std::optional<listen_address> parse_listen(json_checker& c, const json& v,
                                           const std::string& pointer) {
  auto text = c.string_value(v, pointer, "a listen address");
  if (!text) return std::nullopt;
  listen_address out;
  std::string host;
  std::string port;
  if (!text->empty() && text->front() == '[') {
    const auto close = text->find("]:");
    if (close == std::string::npos) {
      c.add(pointer, "\"" + *text + "\" is not [IPv6]:port");
      return std::nullopt;
    }
    host = text->substr(1, close - 1);
    port = text->substr(close + 2);
  } else {
    const auto colon = text->rfind(':');
    if (colon == std::string::npos || text->find(':') != colon) {
      c.add(pointer, "\"" + *text + "\" is not address:port (write IPv6 as [::1]:2222)");
      return std::nullopt;
    }
    host = text->substr(0, colon);
    port = text->substr(colon + 1);
  }
  if (!policy::parse_ip_address(host)) {
    c.add(pointer, "\"" + host + "\" is not an IPv4 or IPv6 address (names are not resolved here)");
    return std::nullopt;
  }
  std::size_t used = 0;
  unsigned long n = 0;
  try {
    n = std::stoul(port, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != port.size() || port.empty() || n < 1 || n > 65535) {
    c.add(pointer, "port \"" + port + "\" is not a number from 1 to 65535");
    return std::nullopt;
  }
  out.address = host;
  out.port = static_cast<std::uint16_t>(n);
  return out;
}

void parse_host_keys(json_checker& c, const json& v, const std::string& pointer,
                     daemon_config& out) {
  if (!c.expect_array(v, pointer, "host_keys")) return;
  if (v.empty()) c.add(pointer, "at least one host key is needed");
  for (std::size_t i = 0; i < v.size(); ++i) {
    object_reader r(c, v[i], policy::json_child(pointer, i), "a host key", {"path", "generate"});
    if (!r.is_object()) continue;
    host_key_config k;
    if (auto p = r.get_string("path", true)) k.path = *p;
    if (auto g = r.get_string("generate")) {
      if (*g != "ed25519" && *g != "ecdsa" && *g != "rsa") {
        c.add(r.path("generate"),
              "\"" + *g + "\" is not a key type to generate (ed25519, ecdsa or rsa)");
      }
      k.generate = *g;
    }
    out.host_keys.push_back(std::move(k));
  }
}

void parse_limits(object_reader& r, connection_limits& l) {
  constexpr std::int64_t big = 1'000'000;
  if (auto n = r.get_integer("max_connections", 1, big))
    l.max_connections = static_cast<std::size_t>(*n);
  if (auto n = r.get_integer("max_unauthenticated", 1, big))
    l.max_unauthenticated = static_cast<std::size_t>(*n);
  if (auto n = r.get_integer("max_unauthenticated_per_source", 1, big)) {
    l.max_unauthenticated_per_source = static_cast<std::size_t>(*n);
  }
  if (auto n = r.get_integer("login_grace_seconds", 1, 3600))
    l.login_grace = std::chrono::seconds(*n);
  if (auto n = r.get_integer("max_auth_attempts", 1, 100))
    l.max_auth_attempts = static_cast<unsigned>(*n);
  if (auto n = r.get_integer("upstream_connect_timeout_seconds", 1, 600)) {
    l.upstream_connect_timeout = std::chrono::seconds(*n);
  }
  if (auto n = r.get_integer("drain_timeout_seconds", 0, 86400))
    l.drain_timeout = std::chrono::seconds(*n);
}

void parse_metrics(json_checker& c, const json& v, const std::string& pointer,
                   const std::filesystem::path& config_path, daemon_config& out) {
  object_reader r(c, v, pointer, "metrics", {"listen", "bearer_token_file"});
  if (!r.is_object()) return;
  if (const auto* l = r.require("listen"))
    out.metrics.listen = parse_listen(c, *l, r.path("listen"));
  if (auto file = r.get_string("bearer_token_file")) {
    std::filesystem::path p = *file;
    if (p.is_relative()) p = config_path.parent_path() / p;
    std::ifstream in(p, std::ios::binary);
    std::string token;
    if (!in || !std::getline(in, token)) {
      c.add(r.path("bearer_token_file"), "cannot read the token from " + p.string());
    } else if (token.empty() || token.size() > max_bearer_token_file_size) {
      c.add(r.path("bearer_token_file"),
            p.string() + ": the first line must hold the token (1 to " +
                std::to_string(max_bearer_token_file_size) + " bytes)");
    } else {
      out.metrics.bearer_token = std::move(token);
    }
  }
}

void parse_recording(json_checker& c, const json& v, const std::string& pointer,
                     const std::filesystem::path& config_path, daemon_config& out) {
  object_reader r(c, v, pointer, "recording",
                  {"directory", "on_error", "stream_limit_bytes", "sftp_sha256"});
  if (!r.is_object()) return;
  if (auto d = r.get_string("directory", true)) {
    std::filesystem::path p = *d;
    if (d->empty()) {
      c.add(r.path("directory"), "the recording directory must not be empty");
    } else {
      if (p.is_relative()) p = config_path.parent_path() / p;
      out.recording.directory = p;
    }
  }
  if (auto e = r.get_string("on_error")) {
    if (*e == "fail_closed" || *e == "fail_open") {
      out.recording.fail_closed = *e == "fail_closed";
    } else {
      c.add(r.path("on_error"), "\"" + *e + "\" is not fail_closed or fail_open");
    }
  }
  constexpr std::int64_t max_limit = std::int64_t{1} << 40;
  if (auto n = r.get_integer("stream_limit_bytes", 0, max_limit))
    out.recording.stream_limit_bytes = static_cast<std::uint64_t>(*n);
  if (auto h = r.get_bool("sftp_sha256")) out.recording.sftp_sha256 = *h;
}

}  // namespace

std::string listen_address::text() const {
  const bool v6 = address.find(':') != std::string::npos;
  return (v6 ? "[" + address + "]" : address) + ":" + std::to_string(port);
}

namespace {

config_result check_config(const std::filesystem::path& path, json_checker& c,
                           std::optional<nlohmann::json> document);

}  // namespace

config_result load_config(const std::filesystem::path& path) {
  json_checker c(path.string());
  auto document = policy::read_json_file(path, max_config_size, "configuration", c);
  return check_config(path, c, std::move(document));
}

config_result parse_config_text(std::string_view text, const std::filesystem::path& path) {
  json_checker c(path.string());
  auto document = policy::parse_json_text(text, max_config_size, "configuration", c);
  return check_config(path, c, std::move(document));
}

namespace {

config_result check_config(const std::filesystem::path& path, json_checker& c,
                           std::optional<nlohmann::json> document) {
  if (!document) return config_result{std::nullopt, c.problems()};

  daemon_config out;
  out.source = path;
  object_reader top(c, *document, "", "the configuration",
                    {"$schema", "listen", "workers", "host_keys", "limits", "log", "metrics",
                     "recording", "policy"});
  if (!top.is_object()) return config_result{std::nullopt, c.problems()};
  (void)top.get_string("$schema");

  if (const auto* v = top.require("listen");
      v != nullptr && c.expect_array(*v, top.path("listen"), "listen")) {
    if (v->empty()) c.add(top.path("listen"), "at least one listen address is needed");
    for (std::size_t i = 0; i < v->size(); ++i) {
      if (auto a = parse_listen(c, (*v)[i], policy::json_child(top.path("listen"), i)))
        out.listen.push_back(*a);
    }
  }
  if (auto n = top.get_integer("workers", 0, 256)) out.workers = static_cast<std::size_t>(*n);
  if (const auto* v = top.require("host_keys")) parse_host_keys(c, *v, top.path("host_keys"), out);
  if (const auto* v = top.find("limits")) {
    object_reader r(c, *v, top.path("limits"), "limits",
                    {"max_connections", "max_unauthenticated", "max_unauthenticated_per_source",
                     "login_grace_seconds", "max_auth_attempts", "upstream_connect_timeout_seconds",
                     "drain_timeout_seconds"});
    if (r.is_object()) parse_limits(r, out.limits);
  }
  if (const auto* v = top.find("log")) {
    object_reader r(c, *v, top.path("log"), "log", {"file", "debug", "stderr"});
    if (r.is_object()) {
      if (auto f = r.get_string("file")) out.log.file = *f;
      if (auto d = r.get_bool("debug")) out.log.debug = *d;
      if (auto e = r.get_bool("stderr")) out.log.also_stderr = *e;
    }
  }

  if (const auto* v = top.find("metrics")) parse_metrics(c, *v, top.path("metrics"), path, out);
  if (const auto* v = top.find("recording"))
    parse_recording(c, *v, top.path("recording"), path, out);

  const auto* policy_value = top.require("policy");
  std::vector<policy::problem> problems = c.problems();
  if (const auto* v = policy_value) {
    policy::load_result loaded;
    if (v->is_string()) {
      std::filesystem::path p = v->get<std::string>();
      if (p.is_relative()) p = path.parent_path() / p;
      loaded = policy::load_policy_file(p);
      out.policy_source = p.string();
    } else {
      loaded = policy::load_policy_document(*v, path.string(), "/policy");
      out.policy_source = "inline";
    }
    problems.insert(problems.end(), loaded.problems.begin(), loaded.problems.end());
    out.policy = loaded.value;
  }
  if (!problems.empty()) return config_result{std::nullopt, std::move(problems)};
  return config_result{std::move(out), {}};
}

}  // namespace

namespace {

std::optional<sshlib::key> generate_host_key(const host_key_config& k,
                                             std::vector<policy::problem>& problems) {
  auto fail = [&](std::string message) {
    problems.push_back(policy::problem{k.path.string(), "", std::move(message)});
    return std::nullopt;
  };
  const auto type = k.generate == "rsa"     ? sshlib::key_type::rsa
                    : k.generate == "ecdsa" ? sshlib::key_type::ecdsa_p256
                                            : sshlib::key_type::ed25519;
  auto key = sshlib::generate_key(type, type == sshlib::key_type::rsa ? 3072 : 0);
  if (!key) return fail("cannot generate a host key: " + key.error().message());
  auto text = key->with_comment("bastion host key").private_openssh();
  if (!text) return fail("cannot encode the generated host key: " + text.error().message());
  // O_EXCL: never overwrite a key another process created meanwhile; 0600 from the start.
  const int fd = ::open(k.path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return fail(std::string("cannot create the host key file: ") + std::strerror(errno));
  const auto view = text->view();
  const bool written = ::write(fd, view.data(), view.size()) == static_cast<ssize_t>(view.size());
  const bool closed = ::close(fd) == 0;
  if (!written || !closed)
    return fail(std::string("cannot write the host key file: ") + std::strerror(errno));
  return std::move(*key);
}

}  // namespace

host_keys_result load_host_keys(const daemon_config& config) {
  host_keys_result out;
  for (const auto& k : config.host_keys) {
    std::error_code ec;
    if (!std::filesystem::exists(k.path, ec) && !k.generate.empty()) {
      if (auto key = generate_host_key(k, out.problems)) out.keys.push_back(std::move(*key));
      continue;
    }
    std::ifstream in(k.path, std::ios::binary);
    if (!in) {
      out.problems.push_back(
          {k.path.string(), "", std::string("cannot read the host key: ") + std::strerror(errno)});
      continue;
    }
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto key = sshlib::parse_key(sshlib::as_bytes(text));
    sshlib::secure_wipe(text.data(), text.size());
    if (!key) {
      out.problems.push_back(
          {k.path.string(), "", "not a usable host key: " + key.error().message()});
    } else if (!key->is_private()) {
      out.problems.push_back({k.path.string(), "", "a public key; a host key must be private"});
    } else {
      out.keys.push_back(std::move(*key));
    }
  }
  return out;
}

}  // namespace bastion
