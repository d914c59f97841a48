// Digest known answers from FIPS 180-4's examples (via the NIST "abc" vectors) and RFC 1321.
#include "crypto/digest.hpp"

#include "support/hex.hpp"

#include <gtest/gtest.h>

namespace sshlib::crypto {
namespace {

using test::to_hex;

TEST(Digest, MatchesFips180AndRfc1321ForAbc) {
  const auto abc = as_bytes("abc");
  EXPECT_EQ(to_hex(digest(digest_algorithm::md5, abc)), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(to_hex(digest(digest_algorithm::sha1, abc)), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(to_hex(digest(digest_algorithm::sha256, abc)),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(to_hex(digest(digest_algorithm::sha384, abc)),
            "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded163"
            "1a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7");
  EXPECT_EQ(to_hex(digest(digest_algorithm::sha512, abc)),
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
            "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
}

TEST(Digest, MatchesFips180TwoBlockMessage) {
  const auto msg = as_bytes("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq");
  EXPECT_EQ(to_hex(digest(digest_algorithm::sha256, msg)),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(to_hex(digest(digest_algorithm::sha1, msg)), "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
}

TEST(Digest, IncrementalMillionAMatchesFips180AndHasherIsReusable) {
  hasher h(digest_algorithm::sha256);
  const std::string chunk(1000, 'a');
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 1000; ++i) h.update(chunk);
    EXPECT_EQ(to_hex(h.finish()), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  }
}

TEST(Digest, CloneTakesAnIntermediateDigestWithoutDisturbingTheOriginal) {
  hasher h(digest_algorithm::sha256);
  h.update("ab");
  auto copy = h.clone();
  copy.update("c");
  h.update("c");
  const auto expected = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  EXPECT_EQ(to_hex(copy.finish()), expected);
  EXPECT_EQ(to_hex(h.finish()), expected);
}

TEST(Digest, SizesMatchOutputs) {
  for (auto alg : {digest_algorithm::md5, digest_algorithm::sha1, digest_algorithm::sha256,
                   digest_algorithm::sha384, digest_algorithm::sha512}) {
    EXPECT_EQ(digest(alg, {}).size(), digest_size(alg)) << digest_name(alg);
  }
}

}  // namespace
}  // namespace sshlib::crypto
