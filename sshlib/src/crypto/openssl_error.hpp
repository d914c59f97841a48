// Turns OpenSSL's thread-local error queue into an sshlib::error with a readable detail.
#pragma once

#include <sshlib/result.hpp>

#include <string>
#include <string_view>

namespace sshlib::crypto {

/// Drains OpenSSL's error queue into one line ("<what>: <openssl reasons>").
std::string drain_openssl_errors(std::string_view what);

/// An error of code `code` whose detail names `what` and OpenSSL's reasons; clears the queue.
error openssl_failure(std::string_view what, errc code = errc::crypto_failure);

}  // namespace sshlib::crypto
