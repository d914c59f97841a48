#include "keys/sshsig.hpp"

#include <gtest/gtest.h>

namespace sshlib::keys {
namespace {

TEST(Sshsig, RoundTripsAndBindsNamespaceAndMessage) {
  auto k = generate_key(key_type::ed25519);
  ASSERT_TRUE(k);
  const bytes msg{'h', 'i'};
  auto sig = sshsig_sign(*k, "file", msg);
  ASSERT_TRUE(sig) << sig.error().message();
  EXPECT_EQ(sig->rfind("-----BEGIN SSH SIGNATURE-----\n", 0), 0u);
  auto signer = sshsig_verify(*sig, "file", msg);
  ASSERT_TRUE(signer) << signer.error().message();
  EXPECT_TRUE(signer->equals(*k));
  EXPECT_EQ(sshsig_verify(*sig, "git", msg).code(), errc::invalid_signature);
  EXPECT_EQ(sshsig_verify(*sig, "file", bytes{'h', 'o'}).code(), errc::signature_mismatch);
  EXPECT_EQ(sshsig_verify("not armoured", "file", msg).code(), errc::invalid_signature);
  EXPECT_EQ(sshsig_sign(*k, "", msg).code(), errc::invalid_value);
}

}  // namespace
}  // namespace sshlib::keys
