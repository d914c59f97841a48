// known_hosts against ssh-keygen: files it hashes (-H), and host certificates it signs (-s -h)
// checked through @cert-authority, with wrong principals, expired validity and @revoked CAs.
#include "ssh_keygen_support.hpp"

#include <sshlib/known_hosts.hpp>

#include <gtest/gtest.h>

namespace sshlib::test {
namespace {

class KnownHostsInterop : public ::testing::Test {
protected:
  key make(const std::string& name) {
    keygen({"-q", "-t", "ed25519", "-N", "", "-f", (dir_ / name).string()});
    return parse_key(as_bytes(read_file(dir_ / (name + ".pub")))).value();
  }
  temp_dir dir_;
};

TEST_F(KnownHostsInterop, FilesHashedBySshKeygen) {
  const key a = make("a"), b = make("b");
  write_file(dir_ / "kh", "alpha.example " + a.public_ssh() + "\n[beta.example]:2222 " + b.public_ssh() + "\n");
  keygen({"-H", "-f", (dir_ / "kh").string()});
  const std::string hashed = read_file(dir_ / "kh");
  ASSERT_EQ(hashed.find("alpha"), std::string::npos) << hashed;
  const auto kh = known_hosts::load(dir_ / "kh").value();
  EXPECT_EQ(kh.check("alpha.example", 22, a), host_key_status::trusted);
  EXPECT_EQ(kh.check("beta.example", 2222, b), host_key_status::trusted);
  EXPECT_EQ(kh.check("beta.example", 22, b), host_key_status::unknown);
  // ssh-keygen -F finds the lines we write, hashed or not.
  write_file(dir_ / "ours", known_hosts::format_entry("gamma.example", 22, a, true) + "\n");
  EXPECT_NE(keygen({"-F", "gamma.example", "-f", (dir_ / "ours").string()}).find("gamma.example"), std::string::npos);
}

TEST_F(KnownHostsInterop, HostCertificatesThroughCertAuthority) {
  const key ca = make("ca");
  make("host");
  keygen({"-q", "-s", (dir_ / "ca").string(), "-h", "-I", "web", "-n", "web.example", (dir_ / "host.pub").string()});
  const key cert = parse_key(as_bytes(read_file(dir_ / "host-cert.pub"))).value();
  const auto kh = known_hosts::parse("@cert-authority *.example " + ca.public_ssh() + "\n").value();
  EXPECT_EQ(kh.check("web.example", 22, cert), host_key_status::trusted_by_ca);
  EXPECT_EQ(kh.check("db.example", 22, cert), host_key_status::unknown);  // principal not listed
  EXPECT_EQ(kh.check("web.other", 22, cert), host_key_status::unknown);   // CA not trusted there
  const auto revoked = known_hosts::parse("@cert-authority *.example " + ca.public_ssh() + "\n@revoked * " +
                                          ca.public_ssh() + "\n")
                           .value();
  EXPECT_EQ(revoked.check("web.example", 22, cert), host_key_status::revoked);

  keygen({"-q", "-s", (dir_ / "ca").string(), "-h", "-I", "old", "-n", "web.example", "-V", "20200101:20200201",
          (dir_ / "host.pub").string()});
  const key expired = parse_key(as_bytes(read_file(dir_ / "host-cert.pub"))).value();
  EXPECT_EQ(kh.check("web.example", 22, expired), host_key_status::unknown);
}

}  // namespace
}  // namespace sshlib::test
