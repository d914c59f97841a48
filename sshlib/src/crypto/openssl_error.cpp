#include "crypto/openssl_error.hpp"

#include <openssl/err.h>

namespace sshlib::crypto {

std::string drain_openssl_errors(std::string_view what) {
  std::string out(what);
  bool first = true;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    out += first ? " (" : "; ";
    out += buf;
    first = false;
  }
  if (!first) out += ')';
  return out;
}

error openssl_failure(std::string_view what, errc code) {
  return error{code, drain_openssl_errors(what)};
}

}  // namespace sshlib::crypto
