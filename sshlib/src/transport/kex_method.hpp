// One key-exchange method as a sans-IO state machine: it is given the method-specific
// messages (numbers 30-49) and returns the messages to send, until it has the shared secret
// K and the exchange hash H (RFC 4253 section 8, RFC 4419, RFC 5656 section 4, RFC 8731).
// The client side also checks the server's signature over H; whether the host key itself is
// trusted is decided above, by the host verifier.
#pragma once

#include <sshlib/bytes.hpp>
#include <sshlib/key.hpp>
#include <sshlib/result.hpp>

#include "crypto/digest.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sshlib::transport {

/// The inputs of the exchange hash that come from before the method starts.
struct exchange_inputs {
  std::string client_version;  // identification lines, without CR LF
  std::string server_version;
  bytes client_kexinit;  // the KEXINIT payloads as sent
  bytes server_kexinit;
};

/// Server side: the host key and how to sign with it.
struct host_key_signer {
  const key* host_key = nullptr;     // private; a certificate for *-cert-v01 algorithms
  std::string signature_algorithm;   // "rsa-sha2-512", "ssh-ed25519", ...
};

struct kex_outcome {
  secure_bytes shared_secret;  // K, encoded as an SSH mpint (length prefix included)
  bytes exchange_hash;         // H
  crypto::digest_algorithm hash{};
  bytes host_key_blob;         // K_S as the server sent it
};

/// Group-exchange sizes a client asks for (RFC 4419 section 3). 3072 bits matches the
/// 128-bit strength of our default ciphers (NIST SP 800-57).
struct gex_request_sizes {
  std::uint32_t min = 2048, preferred = 3072, max = 8192;
};

class kex_method {
public:
  virtual ~kex_method() = default;
  /// Messages to send when the exchange starts (the client's first message; none for a
  /// server).
  virtual result<std::vector<bytes>> start() = 0;
  /// One method message from the peer. Returns what to send. Errors: protocol_error for an
  /// unexpected or malformed message, invalid_public_value, invalid_signature /
  /// signature_mismatch (client: the server's signature over H).
  virtual result<std::vector<bytes>> on_message(byte_view payload) = 0;
  /// True once outcome() is available.
  bool finished() const noexcept { return outcome_.has_value(); }
  kex_outcome take_outcome() { return std::move(*outcome_); }

protected:
  std::optional<kex_outcome> outcome_;
};

/// Creates the method for a negotiated kex name. `signer` is required for a server and
/// ignored for a client; `expected_signature_algorithm` is the client's check of the
/// server's signature algorithm (the negotiated host-key algorithm's). Errors:
/// unsupported_algorithm.
result<std::unique_ptr<kex_method>> make_kex_method(std::string_view name, bool is_client,
                                                    exchange_inputs inputs, host_key_signer signer,
                                                    std::string expected_signature_algorithm,
                                                    gex_request_sizes gex = {});

}  // namespace sshlib::transport
