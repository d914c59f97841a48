// What the recording tests share: a temporary directory (the test support library's, with a
// helper to write a file into it) and SHA-256 as lower-case hex.
#pragma once

#include "support/temp_dir.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

namespace bastion::recording::testing {

class temp_dir : public sshlib::test::temp_dir {
 public:
  std::filesystem::path write(const std::string& name, const std::string& content) const {
    const auto p = path() / name;
    sshlib::test::write_file(p, content);
    return p;
  }
};

inline std::string sha256_hex(std::span<const std::uint8_t> data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EXPECT_EQ(EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr), 1);
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out.push_back(digits[md[i] >> 4]);
    out.push_back(digits[md[i] & 0x0f]);
  }
  return out;
}

}  // namespace bastion::recording::testing
