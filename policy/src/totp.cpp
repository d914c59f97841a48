// TOTP (RFC 6238) over HOTP (RFC 4226), and base32 (RFC 4648 section 6).
#include <bastion/policy/authentication.hpp>
#include <bastion/policy/login_name.hpp>
#include <bastion/policy/totp.hpp>

#include "printable.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <array>

namespace bastion::policy {

std::optional<sshlib::secure_bytes> base32_decode(std::string_view text) {
  sshlib::secure_bytes out;
  std::uint32_t buffer = 0;
  unsigned bits = 0;
  std::size_t symbols = 0;
  bool padding = false;
  for (const char c : text) {
    if (c == ' ') continue;
    if (c == '=') {
      padding = true;
      continue;
    }
    if (padding) return std::nullopt;  // data after padding
    unsigned value = 0;
    if (c >= 'A' && c <= 'Z') {
      value = static_cast<unsigned>(c - 'A');
    } else if (c >= 'a' && c <= 'z') {
      value = static_cast<unsigned>(c - 'a');
    } else if (c >= '2' && c <= '7') {
      value = static_cast<unsigned>(c - '2') + 26;
    } else {
      return std::nullopt;
    }
    buffer = (buffer << 5) | value;
    bits += 5;
    ++symbols;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>(buffer >> bits));
      buffer &= (1u << bits) - 1;
    }
  }
  // A group of 8 symbols holds 5 bytes; 1, 3 and 6 leftover symbols cannot end a byte string.
  const auto rest = symbols % 8;
  if (rest == 1 || rest == 3 || rest == 6) return std::nullopt;
  OPENSSL_cleanse(&buffer, sizeof buffer);
  return out;
}

std::uint32_t hotp_value(sshlib::byte_view secret, std::uint64_t counter, unsigned digits,
                         totp_algorithm algorithm) {
  const char* digest = algorithm == totp_algorithm::sha256   ? "SHA256"
                       : algorithm == totp_algorithm::sha512 ? "SHA512"
                                                             : "SHA1";
  std::array<std::uint8_t, 8> message{};
  for (int i = 7; i >= 0; --i) {
    message[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(counter & 0xff);
    counter >>= 8;
  }
  std::array<std::uint8_t, EVP_MAX_MD_SIZE> mac{};
  std::size_t mac_len = 0;
  if (EVP_Q_mac(nullptr, "HMAC", nullptr, digest, nullptr, secret.data(), secret.size(),
                message.data(), message.size(), mac.data(), mac.size(), &mac_len) == nullptr ||
      mac_len < 20) {
    return 0xffffffffu;  // never a valid code: at most 8 digits
  }
  // Dynamic truncation (RFC 4226 section 5.3).
  const unsigned offset = mac[mac_len - 1] & 0x0f;
  const std::uint32_t binary = (static_cast<std::uint32_t>(mac[offset] & 0x7f) << 24) |
                               (static_cast<std::uint32_t>(mac[offset + 1]) << 16) |
                               (static_cast<std::uint32_t>(mac[offset + 2]) << 8) | mac[offset + 3];
  OPENSSL_cleanse(mac.data(), mac.size());
  std::uint32_t modulus = 1;
  for (unsigned i = 0; i < digits; ++i) modulus *= 10;
  return binary % modulus;
}

totp_result check_totp(const policy_set& p, std::string_view user, std::string_view code,
                       std::uint64_t unix_now, std::uint64_t last_used_step) {
  const std::string who = detail::printable(user, max_name_length);
  const auto it = p.users.find(user);
  if (it == p.users.end()) return {decision::deny("TOTP refused: unknown user \"" + who + "\""), 0};
  if (!it->second.totp)
    return {decision::deny("TOTP refused: user " + who + " has no TOTP secret"), 0};
  const auto& t = *it->second.totp;
  std::uint32_t given = 0;
  bool well_formed = code.size() == t.digits;
  for (const char c : code) {
    well_formed = well_formed && c >= '0' && c <= '9';
    given = given * 10 + static_cast<std::uint32_t>(c - '0');
  }
  if (!well_formed) {
    return {decision::deny("TOTP refused for " + who + ": the code must be " +
                           std::to_string(t.digits) + " digits"),
            0};
  }
  const std::uint64_t now_step = unix_now / t.period_seconds;
  // Every candidate step is computed, so the time taken does not say which one matched. A
  // code that happens to match two steps counts for the unused one.
  std::optional<std::uint64_t> fresh, used;
  for (std::uint64_t step = now_step == 0 ? 0 : now_step - 1; step <= now_step + 1; ++step) {
    const std::uint32_t expected = hotp_value(t.secret, step, t.digits, t.algorithm);
    const bool equal = sshlib::constant_time_equal(
        sshlib::byte_view(reinterpret_cast<const std::uint8_t*>(&expected), sizeof expected),
        sshlib::byte_view(reinterpret_cast<const std::uint8_t*>(&given), sizeof given));
    auto& slot = step > last_used_step ? fresh : used;
    if (equal && !slot) slot = step;
  }
  given = 0;
  if (!fresh && used) {
    return {decision::deny("TOTP code for " + who + " was already used (time step " +
                           std::to_string(*used) + ")"),
            0};
  }
  if (!fresh) return {decision::deny("wrong TOTP code for " + who), 0};
  const std::uint64_t matched = *fresh;
  return {decision::allow("TOTP code accepted for " + who + " (time step " +
                          std::to_string(matched) + ")"),
          matched};
}

}  // namespace bastion::policy
