// unique_ptr aliases with deleters for every OpenSSL object we hold, so that no OpenSSL
// handle is ever freed by hand.
#pragma once

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/param_build.h>
#include <openssl/provider.h>

#include <memory>

namespace sshlib::crypto {

template <auto Free>
struct openssl_deleter {
  template <class T>
  void operator()(T* p) const noexcept {
    if (p != nullptr) Free(p);
  }
};

using evp_md_ctx_ptr = std::unique_ptr<EVP_MD_CTX, openssl_deleter<EVP_MD_CTX_free>>;
using evp_md_ptr = std::unique_ptr<EVP_MD, openssl_deleter<EVP_MD_free>>;
using evp_cipher_ctx_ptr = std::unique_ptr<EVP_CIPHER_CTX, openssl_deleter<EVP_CIPHER_CTX_free>>;
using evp_cipher_ptr = std::unique_ptr<EVP_CIPHER, openssl_deleter<EVP_CIPHER_free>>;
using evp_pkey_ptr = std::unique_ptr<EVP_PKEY, openssl_deleter<EVP_PKEY_free>>;
using evp_pkey_ctx_ptr = std::unique_ptr<EVP_PKEY_CTX, openssl_deleter<EVP_PKEY_CTX_free>>;
using evp_mac_ptr = std::unique_ptr<EVP_MAC, openssl_deleter<EVP_MAC_free>>;
using evp_mac_ctx_ptr = std::unique_ptr<EVP_MAC_CTX, openssl_deleter<EVP_MAC_CTX_free>>;
using evp_kdf_ptr = std::unique_ptr<EVP_KDF, openssl_deleter<EVP_KDF_free>>;
using evp_kdf_ctx_ptr = std::unique_ptr<EVP_KDF_CTX, openssl_deleter<EVP_KDF_CTX_free>>;
using bignum_ptr = std::unique_ptr<BIGNUM, openssl_deleter<BN_clear_free>>;
using bn_ctx_ptr = std::unique_ptr<BN_CTX, openssl_deleter<BN_CTX_free>>;
using ec_group_ptr = std::unique_ptr<EC_GROUP, openssl_deleter<EC_GROUP_free>>;
using ec_point_ptr = std::unique_ptr<EC_POINT, openssl_deleter<EC_POINT_clear_free>>;
using bio_ptr = std::unique_ptr<BIO, openssl_deleter<BIO_free_all>>;
using param_bld_ptr = std::unique_ptr<OSSL_PARAM_BLD, openssl_deleter<OSSL_PARAM_BLD_free>>;
using params_ptr = std::unique_ptr<OSSL_PARAM, openssl_deleter<OSSL_PARAM_free>>;
using lib_ctx_ptr = std::unique_ptr<OSSL_LIB_CTX, openssl_deleter<OSSL_LIB_CTX_free>>;
using provider_ptr = std::unique_ptr<OSSL_PROVIDER, openssl_deleter<OSSL_PROVIDER_unload>>;

}  // namespace sshlib::crypto
