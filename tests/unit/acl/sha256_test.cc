#include "server/acl/sha256.h"

#include <string>

#include "gtest/gtest.h"

namespace runnel::acl {
namespace {

// FIPS 180-4 / NIST CAVS examples.
TEST(Sha256Test, EmptyInput) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Sha256Test, OneBlockMessage) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

// 56 bytes: the length no longer fits in the first block's padding.
TEST(Sha256Test, TwoBlockPadding) {
  EXPECT_EQ(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256Test, MillionAs) {
  EXPECT_EQ(Sha256Hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

// The hash Redis 7.0.15 prints for ACL SETUSER u >p1.
TEST(Sha256Test, MatchesRedisPasswordHash) {
  EXPECT_EQ(Sha256Hex("p1"), "f64551fcd6f07823cb87971cfb91446425da18286b3ab1ef935e0cbd7a69f68a");
}

}  // namespace
}  // namespace runnel::acl
