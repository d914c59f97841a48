#include "keys/signature.hpp"

#include "crypto/openssl_error.hpp"
#include "keys/key_limits.hpp"
#include "keys/wire_errors.hpp"
#include "wire/writer.hpp"

#include <openssl/core_names.h>
#include <openssl/ec.h>

#include <algorithm>
#include <string>

namespace sshlib::keys {
namespace {

using ecdsa_sig_ptr = std::unique_ptr<ECDSA_SIG, crypto::openssl_deleter<ECDSA_SIG_free>>;

struct rsa_algorithm {
  std::string_view name;
  const char* digest;
};
constexpr rsa_algorithm rsa_algorithms[] = {
    {"rsa-sha2-512", "SHA512"}, {"rsa-sha2-256", "SHA256"}, {"ssh-rsa", "SHA1"}};

const rsa_algorithm* find_rsa_algorithm(std::string_view name) {
  for (const auto& a : rsa_algorithms) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

const char* digest_for(const type_info& t) {
  switch (t.kind) {
    case key_type::ed25519: return nullptr;  // Ed25519 hashes internally
    case key_type::dsa: return "SHA1";
    case key_type::ecdsa_p256: return "SHA256";
    case key_type::ecdsa_p384: return "SHA384";
    case key_type::ecdsa_p521: return "SHA512";
    case key_type::rsa: return "SHA512";
  }
  return nullptr;
}

result<bytes> evp_sign(EVP_PKEY* pkey, const char* md, byte_view data) {
  crypto::evp_md_ctx_ptr ctx(EVP_MD_CTX_new());
  std::size_t len = 0;
  if (!ctx || EVP_DigestSignInit_ex(ctx.get(), nullptr, md, nullptr, nullptr, pkey, nullptr) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, data.data(), data.size()) != 1) {
    return crypto::openssl_failure("signing");
  }
  bytes sig(len);
  if (EVP_DigestSign(ctx.get(), sig.data(), &len, data.data(), data.size()) != 1) {
    return crypto::openssl_failure("signing");
  }
  sig.resize(len);
  return sig;
}

result<void> evp_verify(EVP_PKEY* pkey, const char* md, byte_view data, byte_view sig) {
  crypto::evp_md_ctx_ptr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit_ex(ctx.get(), nullptr, md, nullptr, nullptr, pkey, nullptr) != 1) {
    return crypto::openssl_failure("verification setup");
  }
  const int rc = EVP_DigestVerify(ctx.get(), sig.data(), sig.size(), data.data(), data.size());
  crypto::drain_openssl_errors("");
  if (rc != 1) return error{errc::signature_mismatch, "signature does not match the data and key"};
  return {};
}

// r and s as DER ECDSA-Sig-Value (the same SEQUENCE of two INTEGERs serves DSA).
result<bytes> der_signature(byte_view r, byte_view s) {
  ecdsa_sig_ptr sig(ECDSA_SIG_new());
  crypto::bignum_ptr br(BN_bin2bn(r.data(), static_cast<int>(r.size()), nullptr));
  crypto::bignum_ptr bs(BN_bin2bn(s.data(), static_cast<int>(s.size()), nullptr));
  if (!sig || !br || !bs || ECDSA_SIG_set0(sig.get(), br.get(), bs.get()) != 1) {
    return crypto::openssl_failure("signature encoding");
  }
  br.release();  // owned by sig now
  bs.release();
  const int len = i2d_ECDSA_SIG(sig.get(), nullptr);
  if (len <= 0) return crypto::openssl_failure("signature encoding");
  bytes der(static_cast<std::size_t>(len));
  unsigned char* p = der.data();
  i2d_ECDSA_SIG(sig.get(), &p);
  return der;
}

result<bytes> ecdsa_wire_signature(byte_view der) {
  const unsigned char* p = der.data();
  ecdsa_sig_ptr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
  if (!sig) return crypto::openssl_failure("ECDSA signature decoding");
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  const auto to_bytes = [](const BIGNUM* bn) {
    bytes out(static_cast<std::size_t>(BN_num_bytes(bn)));
    BN_bn2bin(bn, out.data());
    return out;
  };
  bytes inner;
  wire::writer w(inner);
  w.write_unsigned_mpint(to_bytes(r));
  w.write_unsigned_mpint(to_bytes(s));
  return inner;
}

}  // namespace

result<bytes> sign_data(const key_impl& k, byte_view data, std::string_view algorithm) {
  if (!k.has_private) return error{errc::not_a_private_key, "signing needs a private key"};
  const type_info& t = *k.type;
  std::string_view alg = t.name;
  const char* md = digest_for(t);
  if (t.kind == key_type::dsa) {
    return error{errc::unsupported_algorithm,
                 "ssh-dss signing is refused (1024-bit DSA with SHA-1 is too weak); verify only"};
  }
  if (t.kind == key_type::rsa) {
    const rsa_algorithm* a = find_rsa_algorithm(algorithm.empty() ? "rsa-sha2-512" : algorithm);
    if (a == nullptr) {
      return error{errc::unsupported_algorithm, "\"" + std::string(algorithm) + "\" is not an RSA signature algorithm"};
    }
    alg = a->name;
    md = a->digest;
  } else if (!algorithm.empty() && algorithm != t.name) {
    return error{errc::unsupported_algorithm,
                 "\"" + std::string(algorithm) + "\" cannot sign with a " + std::string(t.name) + " key"};
  }
  auto raw = evp_sign(k.pkey.get(), md, data);
  if (!raw) return std::move(raw).error();
  bytes sig_field = std::move(*raw);
  if (t.kind != key_type::ed25519 && t.kind != key_type::rsa) {
    auto wire_sig = ecdsa_wire_signature(sig_field);
    if (!wire_sig) return std::move(wire_sig).error();
    sig_field = std::move(*wire_sig);
  }
  bytes blob;
  wire::writer w(blob);
  w.write_string(alg);
  w.write_string(sig_field);
  return blob;
}

result<void> verify_signature(const key_impl& k, byte_view data, byte_view blob, bool allow_sha1_rsa) {
  const type_info& t = *k.type;
  wire::reader r(blob);
  std::string_view alg;
  byte_view sig;
  if (!r.read_string(alg, limits::max_name_length) || !r.read_string(sig, limits::max_signature_blob) ||
      !r.expect_end()) {
    return error{errc::invalid_signature, read_failure(r, "signature blob").message()};
  }
  const auto wrong_alg = [&] {
    return error{errc::invalid_signature,
                 "signature algorithm \"" + std::string(alg) + "\" does not suit a " + std::string(t.name) + " key"};
  };
  switch (t.kind) {
    case key_type::ed25519:
      if (alg != t.name) return wrong_alg();
      if (sig.size() != 64) return error{errc::invalid_signature, "ssh-ed25519 signature is not 64 bytes"};
      return evp_verify(k.pkey.get(), nullptr, data, sig);
    case key_type::ecdsa_p256:
    case key_type::ecdsa_p384:
    case key_type::ecdsa_p521: {
      if (alg != t.name) return wrong_alg();
      wire::reader inner(sig);
      byte_view rr, ss;
      if (!inner.read_unsigned_mpint(rr, t.field_bytes + 1) || !inner.read_unsigned_mpint(ss, t.field_bytes + 1) ||
          !inner.expect_end()) {
        return error{errc::invalid_signature, read_failure(inner, std::string(t.name) + " signature r, s").message()};
      }
      if (rr.empty() || ss.empty()) return error{errc::invalid_signature, "ECDSA signature with r or s zero"};
      auto der = der_signature(rr, ss);
      if (!der) return std::move(der).error();
      return evp_verify(k.pkey.get(), digest_for(t), data, *der);
    }
    case key_type::rsa: {
      const rsa_algorithm* a = find_rsa_algorithm(alg);
      if (a == nullptr || (!allow_sha1_rsa && a->name == "ssh-rsa")) return wrong_alg();
      const auto modulus_bytes = static_cast<std::size_t>(EVP_PKEY_get_size(k.pkey.get()));
      if (sig.size() > modulus_bytes) return error{errc::invalid_signature, "RSA signature longer than the modulus"};
      // RFC 8332 section 3 wants full-length signatures, but OpenSSH accepts (and some
      // implementations send) ones with leading zero bytes stripped; pad them back.
      bytes padded(modulus_bytes - sig.size(), 0);
      padded.insert(padded.end(), sig.begin(), sig.end());
      return evp_verify(k.pkey.get(), a->digest, data, padded);
    }
    case key_type::dsa: {
      if (alg != t.name) return wrong_alg();
      if (sig.size() != 40) return error{errc::invalid_signature, "ssh-dss signature is not 40 bytes"};
      auto der = der_signature(sig.first(20), sig.subspan(20));
      if (!der) return std::move(der).error();
      return evp_verify(k.pkey.get(), "SHA1", data, *der);
    }
  }
  return wrong_alg();
}

}  // namespace sshlib::keys
