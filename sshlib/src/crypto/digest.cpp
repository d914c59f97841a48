#include "crypto/digest.hpp"

#include "crypto/openssl_error.hpp"

#include <array>
#include <stdexcept>

namespace sshlib::crypto {

std::size_t digest_size(digest_algorithm alg) noexcept {
  switch (alg) {
    case digest_algorithm::md5: return 16;
    case digest_algorithm::sha1: return 20;
    case digest_algorithm::sha256: return 32;
    case digest_algorithm::sha384: return 48;
    case digest_algorithm::sha512: return 64;
  }
  return 0;
}

std::string_view digest_name(digest_algorithm alg) noexcept {
  switch (alg) {
    case digest_algorithm::md5: return "MD5";
    case digest_algorithm::sha1: return "SHA1";
    case digest_algorithm::sha256: return "SHA256";
    case digest_algorithm::sha384: return "SHA384";
    case digest_algorithm::sha512: return "SHA512";
  }
  return "";
}

const EVP_MD* evp_md(digest_algorithm alg) {
  // Fetching is costly; each algorithm is fetched once. Function-local statics are
  // initialised thread-safely.
  static const std::array<evp_md_ptr, 5> fetched = [] {
    std::array<evp_md_ptr, 5> a;
    for (int i = 0; i < 5; ++i) {
      const auto name = digest_name(static_cast<digest_algorithm>(i));
      a[static_cast<std::size_t>(i)].reset(EVP_MD_fetch(nullptr, std::string(name).c_str(), nullptr));
    }
    return a;
  }();
  const EVP_MD* md = fetched[static_cast<std::size_t>(alg)].get();
  if (md == nullptr) {
    throw std::runtime_error(drain_openssl_errors("EVP_MD_fetch " + std::string(digest_name(alg))));
  }
  return md;
}

hasher::hasher(digest_algorithm alg) : alg_(alg), ctx_(EVP_MD_CTX_new()) {
  if (!ctx_ || EVP_DigestInit_ex2(ctx_.get(), evp_md(alg), nullptr) != 1) {
    throw std::runtime_error(drain_openssl_errors("EVP_DigestInit_ex2"));
  }
}

hasher& hasher::update(byte_view data) {
  if (!data.empty() && EVP_DigestUpdate(ctx_.get(), data.data(), data.size()) != 1) {
    throw std::runtime_error(drain_openssl_errors("EVP_DigestUpdate"));
  }
  return *this;
}

bytes hasher::finish() {
  bytes out(digest_size(alg_));
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx_.get(), out.data(), &len) != 1 ||
      EVP_DigestInit_ex2(ctx_.get(), evp_md(alg_), nullptr) != 1) {
    throw std::runtime_error(drain_openssl_errors("EVP_DigestFinal_ex"));
  }
  out.resize(len);
  return out;
}

hasher hasher::clone() const {
  hasher h;
  h.alg_ = alg_;
  h.ctx_.reset(EVP_MD_CTX_new());
  if (!h.ctx_ || EVP_MD_CTX_copy_ex(h.ctx_.get(), ctx_.get()) != 1) {
    throw std::runtime_error(drain_openssl_errors("EVP_MD_CTX_copy_ex"));
  }
  return h;
}

bytes digest(digest_algorithm alg, byte_view data) { return hasher(alg).update(data).finish(); }

}  // namespace sshlib::crypto
