// OpenSSL's legacy provider (RC4, Blowfish, CAST5 for the arcfour*, blowfish-cbc and
// cast128-cbc SSH ciphers), loaded into a library context of its own. Loading it into the
// process-wide default context instead would make those algorithms reachable by every
// fetch in the process (key-file decryption, the application's own OpenSSL use), which is
// exactly what OpenSSL 3 moved them out of the default provider to prevent.
#pragma once

#include <openssl/types.h>

namespace sshlib::crypto {

/// The library context holding the legacy provider, created on first use (thread-safe) and
/// freed at exit; fetch the legacy ciphers from it and nothing else. nullptr when the
/// provider cannot be loaded here (no legacy.so, or OPENSSL_MODULES pointing elsewhere):
/// the legacy ciphers are then unavailable, and every other algorithm is unaffected.
/// The answer is decided once per process.
OSSL_LIB_CTX* legacy_library_context() noexcept;

}  // namespace sshlib::crypto
