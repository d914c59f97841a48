// The public agent value types: sign flags choose RSA algorithms as OpenSSH's agent does.
#include <sshlib/agent_types.hpp>

#include <gtest/gtest.h>

namespace sshlib {
namespace {

TEST(AgentSignFlags, ChooseRsaAlgorithmsAsOpenSshDoes) {
  EXPECT_EQ(rsa_algorithm_for(sign_flags::none), "ssh-rsa");
  EXPECT_EQ(rsa_algorithm_for(sign_flags::rsa_sha2_256), "rsa-sha2-256");
  EXPECT_EQ(rsa_algorithm_for(sign_flags::rsa_sha2_512), "rsa-sha2-512");
  // Both bits: OpenSSH's ssh-agent tests SHA-256 first.
  EXPECT_EQ(rsa_algorithm_for(sign_flags::rsa_sha2_256 | sign_flags::rsa_sha2_512), "rsa-sha2-256");
  EXPECT_EQ(rsa_algorithm_for(static_cast<sign_flags>(0x100)), "ssh-rsa");  // unknown bits are ignored
}

TEST(AgentSignFlags, RequestTheAlgorithmByName) {
  EXPECT_EQ(sign_flags_for("rsa-sha2-512"), sign_flags::rsa_sha2_512);
  EXPECT_EQ(sign_flags_for("rsa-sha2-256"), sign_flags::rsa_sha2_256);
  EXPECT_EQ(sign_flags_for("ssh-rsa"), sign_flags::none);
  EXPECT_EQ(sign_flags_for("ssh-ed25519"), sign_flags::none);
  EXPECT_TRUE(has_flag(sign_flags::rsa_sha2_256 | sign_flags::rsa_sha2_512, sign_flags::rsa_sha2_512));
  EXPECT_FALSE(has_flag(sign_flags::none, sign_flags::rsa_sha2_512));
}

TEST(AgentKeyConstraints, EmptyMeansNoConstraint) {
  EXPECT_TRUE(key_constraints{}.empty());
  EXPECT_FALSE((key_constraints{0, false}.empty()));  // a zero lifetime is still a constraint
  EXPECT_FALSE((key_constraints{std::nullopt, true}.empty()));
}

}  // namespace
}  // namespace sshlib
