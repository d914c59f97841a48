// Finite-field DH: the fixed groups are the RFC primes, both sides agree in every group,
// and out-of-range public values and group-exchange parameters are refused.
#include "crypto/kex_dh.hpp"

#include "crypto/openssl_ptr.hpp"

#include "support/hex.hpp"

#include <gtest/gtest.h>

namespace sshlib::crypto {
namespace {

using test::from_hex;
using test::to_hex;

const dh_named_group all_groups[] = {dh_named_group::group1,  dh_named_group::group14,
                                     dh_named_group::group15, dh_named_group::group16,
                                     dh_named_group::group17, dh_named_group::group18};

// RFC 3526 section 3, the 2048-bit MODP group, copied from the RFC's text.
const char* const rfc3526_group14_p =
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
    "15728E5A8AACAA68FFFFFFFFFFFFFFFF";

TEST(DhGroup, Group14IsTheRfc3526Prime) {
  auto g = dh_group::named(dh_named_group::group14);
  ASSERT_TRUE(g);
  EXPECT_EQ(to_hex(g->p()), to_hex(from_hex(rfc3526_group14_p)));
  EXPECT_EQ(g->g(), bytes{2});
}

TEST(DhGroup, NamedGroupsHaveTheRfcSizesAndShape) {
  const std::size_t bits[] = {1024, 2048, 3072, 4096, 6144, 8192};
  for (std::size_t i = 0; i < std::size(all_groups); ++i) {
    auto g = dh_group::named(all_groups[i]);
    ASSERT_TRUE(g);
    EXPECT_EQ(g->bits(), bits[i]);
    // RFC 2409/3526 construct p with its top and bottom 64 bits all ones.
    const auto& p = g->p();
    ASSERT_EQ(p.size(), bits[i] / 8);
    for (int j = 0; j < 8; ++j) {
      EXPECT_EQ(p[static_cast<std::size_t>(j)], 0xff);
      EXPECT_EQ(p[p.size() - 1 - static_cast<std::size_t>(j)], 0xff);
    }
  }
  // Oakley group 2 is a safe prime; cheap enough to check at 1024 bits.
  auto g1 = dh_group::named(dh_named_group::group1);
  bignum_ptr p(BN_bin2bn(g1->p().data(), static_cast<int>(g1->p().size()), nullptr));
  bignum_ptr q(BN_dup(p.get()));
  ASSERT_EQ(BN_rshift1(q.get(), q.get()), 1);
  bn_ctx_ptr ctx(BN_CTX_new());
  EXPECT_EQ(BN_check_prime(p.get(), ctx.get(), nullptr), 1);
  EXPECT_EQ(BN_check_prime(q.get(), ctx.get(), nullptr), 1);
}

TEST(DhExchange, BothSidesAgreeInEveryNamedGroup) {
  for (auto id : all_groups) {
    auto group = dh_group::named(id);
    ASSERT_TRUE(group);
    auto a = dh_exchange::generate(*group);
    auto b = dh_exchange::generate(*group);
    ASSERT_TRUE(a && b) << group->bits() << ": " << a.error().message();
    EXPECT_NE(a->public_value(), b->public_value());
    auto ka = a->derive(b->public_value());
    auto kb = b->derive(a->public_value());
    ASSERT_TRUE(ka && kb) << group->bits() << ": " << ka.error().message();
    EXPECT_EQ(to_hex(byte_view(*ka)), to_hex(byte_view(*kb))) << group->bits();
    EXPECT_NE((*ka)[0], 0) << "no leading zero bytes";
    EXPECT_LE(ka->size(), group->bits() / 8);
  }
}

bytes minus(const bytes& v, unsigned long w, bool add = false) {
  bignum_ptr b(BN_bin2bn(v.data(), static_cast<int>(v.size()), nullptr));
  EXPECT_EQ(add ? BN_add_word(b.get(), w) : BN_sub_word(b.get(), w), 1);
  bytes out(static_cast<std::size_t>(BN_num_bytes(b.get())));
  BN_bn2bin(b.get(), out.data());
  return out;
}

TEST(DhExchange, RejectsPublicValuesOutsideOneToPMinusOne) {
  auto group = dh_group::named(dh_named_group::group14);
  auto a = dh_exchange::generate(*group);
  ASSERT_TRUE(a);
  const auto& p = group->p();
  const auto bad = make_error_code(errc::invalid_public_value);
  EXPECT_EQ(a->derive({}).code(), bad) << "0 (empty magnitude)";
  EXPECT_EQ(a->derive(bytes{0}).code(), bad) << "0";
  EXPECT_EQ(a->derive(bytes{1}).code(), bad) << "1";
  EXPECT_EQ(a->derive(bytes{0, 0, 1}).code(), bad) << "1 with leading zeros";
  EXPECT_EQ(a->derive(minus(p, 1)).code(), bad) << "p-1";
  EXPECT_EQ(a->derive(p).code(), bad) << "p";
  EXPECT_EQ(a->derive(minus(p, 1, true)).code(), bad) << "p+1";
  EXPECT_EQ(a->derive(bytes(p.size() + 100, 0xff)).code(), bad) << "longer than p";
  EXPECT_TRUE(a->derive(bytes{2})) << "2 is in range";
}

TEST(DhGroup, GroupExchangeAcceptsInRangeAndRefusesOutOfBounds) {
  auto g14 = dh_group::named(dh_named_group::group14);
  auto g16 = dh_group::named(dh_named_group::group16);
  auto g1 = dh_group::named(dh_named_group::group1);
  const bytes two{2};
  const auto bad = make_error_code(errc::invalid_value);
  auto ok = dh_group::from_gex(g14->p(), two, 2048, 8192);
  ASSERT_TRUE(ok) << ok.error().message();
  EXPECT_EQ(ok->bits(), 2048u);
  auto a = dh_exchange::generate(*ok);
  auto b = dh_exchange::generate(*ok);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(to_hex(byte_view(*a->derive(b->public_value()))), to_hex(byte_view(*b->derive(a->public_value()))));

  EXPECT_EQ(dh_group::from_gex(g1->p(), two, 2048, 8192).code(), bad) << "1024 bits is too small";
  EXPECT_EQ(dh_group::from_gex(g16->p(), two, 2048, 3072).code(), bad) << "larger than asked";
  EXPECT_EQ(dh_group::from_gex(g14->p(), two, 3072, 8192).code(), bad) << "smaller than asked";
  EXPECT_EQ(dh_group::from_gex(g14->p(), two, 1024, 8192).code(), bad) << "bounds below the floor";
  EXPECT_EQ(dh_group::from_gex(g14->p(), two, 2048, 16384).code(), bad) << "bounds above the cap";
  EXPECT_EQ(dh_group::from_gex(bytes(2000, 0xff), two, 2048, 8192).code(), bad) << "over 8192 bits";
  EXPECT_EQ(dh_group::from_gex(minus(g14->p(), 1), two, 2048, 8192).code(), bad) << "even p";
  EXPECT_EQ(dh_group::from_gex(g14->p(), bytes{1}, 2048, 8192).code(), bad) << "g = 1";
  EXPECT_EQ(dh_group::from_gex(g14->p(), minus(g14->p(), 1), 2048, 8192).code(), bad) << "g = p-1";
}

TEST(DhExchange, RejectsPrivateExponentSizesOutOfRange) {
  auto g14 = dh_group::named(dh_named_group::group14);
  EXPECT_EQ(dh_exchange::generate(*g14, 128).code(), make_error_code(errc::invalid_value));
  EXPECT_EQ(dh_exchange::generate(*g14, 2048).code(), make_error_code(errc::invalid_value));
}

}  // namespace
}  // namespace sshlib::crypto
