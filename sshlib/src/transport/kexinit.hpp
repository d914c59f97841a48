// SSH_MSG_KEXINIT (RFC 4253 section 7.1) and the algorithm negotiation of section 7.1: for
// each category the first of the client's names that the server also lists.
#pragma once

#include <sshlib/algorithms.hpp>
#include <sshlib/bytes.hpp>
#include <sshlib/result.hpp>

#include <array>
#include <string>
#include <vector>

namespace sshlib::transport {

struct kexinit_message {
  std::array<std::uint8_t, 16> cookie{};
  std::vector<std::string> kex;
  std::vector<std::string> host_key;
  std::vector<std::string> cipher_c2s, cipher_s2c;
  std::vector<std::string> mac_c2s, mac_s2c;
  std::vector<std::string> compression_c2s, compression_s2c;
  std::vector<std::string> language_c2s, language_s2c;
  bool first_kex_packet_follows = false;
  std::uint32_t reserved = 0;
};

/// The whole payload, message number included. Errors: truncated, invalid_name_list,
/// trailing_data, protocol_error for a wrong message number.
result<kexinit_message> parse_kexinit(byte_view payload);
bytes serialize_kexinit(const kexinit_message& m);

using sshlib::negotiated_algorithms;

/// Markers that ride in the kex list (RFC 8308 section 2.1, OpenSSH PROTOCOL section 1.10).
inline constexpr std::string_view ext_info_client = "ext-info-c";
inline constexpr std::string_view ext_info_server = "ext-info-s";
inline constexpr std::string_view strict_kex_client = "kex-strict-c-v00@openssh.com";
inline constexpr std::string_view strict_kex_server = "kex-strict-s-v00@openssh.com";

/// Returns true for names that are signalling markers, not algorithms.
bool is_kex_marker(std::string_view name) noexcept;

/// Negotiates from the client's and the server's KEXINIT. A server lists only host-key
/// algorithms it has keys for, so the first common one is usable; none of our kex methods
/// needs an encryption-capable host key. Markers in the kex lists are skipped. Errors:
/// no_common_algorithm naming the category and both lists.
result<negotiated_algorithms> negotiate(const kexinit_message& client, const kexinit_message& server,
                                        bool we_are_client);

/// True when the guessed kex and host key of a peer whose first_kex_packet_follows was set
/// were right (RFC 4253 section 7: both first entries match the negotiated ones).
bool guess_was_right(const kexinit_message& client, const kexinit_message& server,
                     const negotiated_algorithms& n) noexcept;

}  // namespace sshlib::transport
