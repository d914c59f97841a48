// Helpers shared by the ssh-keygen interop tests: run ssh-keygen, read what it prints.
#pragma once

#include "support/process.hpp"
#include "support/temp_dir.hpp"

#include <sshlib/key.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

namespace sshlib::test {

/// Runs ssh-keygen with args; fails the current test (and returns its stdout) on a non-zero exit.
inline std::string keygen(const std::vector<std::string>& args, const std::string& input = {}) {
  std::vector<std::string> argv{"ssh-keygen"};
  argv.insert(argv.end(), args.begin(), args.end());
  const process_result r = run_process(argv, input);
  EXPECT_EQ(r.exit_code, 0) << "ssh-keygen failed: " << r.err;
  return r.out;
}

/// The fingerprint field of `ssh-keygen -lf file [-E md5]` ("256 SHA256:... comment (TYPE)").
inline std::string keygen_fingerprint(const std::filesystem::path& file, bool md5 = false) {
  std::vector<std::string> args{"-l", "-f", file.string()};
  if (md5) args.insert(args.end(), {"-E", "md5"});
  const std::string out = keygen(args);
  const auto sp = out.find(' ');
  const auto sp2 = out.find(' ', sp + 1);
  return out.substr(sp + 1, sp2 - sp - 1);
}

/// "type base64" of a public line (the comment dropped).
inline std::string strip_comment(const std::string& line) {
  const auto sp = line.find(' ');
  const auto sp2 = line.find_first_of(" \n", sp + 1);
  return line.substr(0, sp2);
}

inline void write_private(const std::filesystem::path& p, std::string_view text) {
  write_file(p, text);
  std::filesystem::permissions(p, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

inline key parse_file(const std::filesystem::path& p, const secret_string& pass = {}) {
  const std::string text = read_file(p);
  auto k = parse_key(as_bytes(text), pass);
  if (!k) throw std::runtime_error(p.string() + ": " + k.error().message());
  return *k;
}

}  // namespace sshlib::test
