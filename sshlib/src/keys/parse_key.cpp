// parse_key: detects the format from the content and hands over to the format's parser.
#include <sshlib/key.hpp>

#include "keys/key_impl.hpp"
#include "keys/key_limits.hpp"
#include "keys/openssh_private.hpp"
#include "keys/pem.hpp"
#include "keys/ppk.hpp"
#include "keys/rfc4716.hpp"
#include "keys/public_line.hpp"

#include <string>

namespace sshlib {
namespace {

bool contains(std::string_view text, std::string_view what) { return text.find(what) != std::string_view::npos; }

result<keys::key_impl> dispatch(std::string_view text, const secret_string& passphrase,
                                const key_parse_options& options) {
  if (contains(text, keys::openssh_private_begin)) return keys::parse_openssh_private(text, passphrase, options);
  if (text.starts_with(std::string_view("openssh-key-v1\0", 15))) {
    return keys::parse_openssh_private_binary(as_bytes(text), passphrase, options);
  }
  if (contains(text, keys::rfc4716_begin)) return keys::parse_rfc4716(text);
  if (text.starts_with(keys::ppk_prefix)) return keys::parse_ppk(text, passphrase);
  if (contains(text, "-----BEGIN ")) return keys::parse_pem(text, passphrase, options);
  return keys::parse_public_line(text);
}

}  // namespace

result<key> parse_key(byte_view data, const secret_string& passphrase) {
  return parse_key(data, passphrase, key_parse_options{});
}

result<key> parse_key(byte_view data, const secret_string& passphrase, const key_parse_options& options) {
  if (data.size() > keys::limits::max_key_file_size) {
    return error{errc::length_exceeds_limit, "key file of " + std::to_string(data.size()) + " bytes"};
  }
  auto k = dispatch(as_string_view(data), passphrase, options);
  if (!k) return std::move(k).error();
  return keys::make_key(std::move(*k));
}

}  // namespace sshlib
