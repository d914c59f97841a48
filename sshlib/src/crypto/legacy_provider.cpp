#include "crypto/legacy_provider.hpp"

#include "crypto/openssl_error.hpp"
#include "crypto/openssl_ptr.hpp"

namespace sshlib::crypto {
namespace {

// Members are destroyed in reverse order: the provider is unloaded before its context is
// freed. As a function-local static this runs at exit, before OpenSSL's own atexit cleanup
// (which was registered earlier, by the first OpenSSL call).
struct legacy_context {
  lib_ctx_ptr context;
  provider_ptr legacy;

  legacy_context() {
    lib_ctx_ptr ctx(OSSL_LIB_CTX_new());
    if (!ctx) {
      drain_openssl_errors("");
      return;
    }
    // Only "legacy": RC4, BF-CBC and CAST5-CBC need nothing from the default provider,
    // and without it nothing but the legacy algorithms can be fetched from this context
    // by mistake. Loading one provider explicitly also stops OpenSSL from falling back
    // to "default" here.
    legacy.reset(OSSL_PROVIDER_load(ctx.get(), "legacy"));
    if (!legacy) {
      // Not fatal: the legacy ciphers report algorithm_unavailable instead. Leave no
      // stale entries on this thread's error queue for an unrelated later call.
      drain_openssl_errors("");
      return;
    }
    context = std::move(ctx);
  }
};

}  // namespace

OSSL_LIB_CTX* legacy_library_context() noexcept {
  static const legacy_context holder;
  return holder.context.get();
}

}  // namespace sshlib::crypto
