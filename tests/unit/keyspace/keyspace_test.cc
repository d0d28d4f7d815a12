#include "engine/keyspace/keyspace.h"

#include <memory>

#include "gtest/gtest.h"

namespace runnel::keyspace {
namespace {

class FakeValue : public Value {
 public:
  ValueType type() const override { return ValueType::kStream; }
};

TEST(KeyspaceTest, SetFindEraseAreBinarySafe) {
  Keyspace db;
  std::string key("a\0b", 3);
  db.Set(key, std::make_unique<FakeValue>());
  ASSERT_NE(db.Find(key), nullptr);
  EXPECT_EQ(db.Find("a"), nullptr);
  EXPECT_EQ(db.Find(key)->value->type(), ValueType::kStream);
  EXPECT_EQ(db.size(), 1u);
  EXPECT_TRUE(db.Erase(key));
  EXPECT_FALSE(db.Erase(key));
  EXPECT_EQ(db.size(), 0u);
}

TEST(KeyspaceTest, SetClearsExpiryAndClearEmpties) {
  Keyspace db;
  db.Set("k", std::make_unique<FakeValue>()).expire_at_ms = 1234;
  EXPECT_EQ(db.expires_count(), 1u);
  db.Set("k", std::make_unique<FakeValue>());
  EXPECT_EQ(db.expires_count(), 0u);
  db.Set("j", std::make_unique<FakeValue>());
  db.Clear();
  EXPECT_EQ(db.size(), 0u);
}

TEST(KeyspaceTest, TypeNamesAreRedis) {
  EXPECT_EQ(ValueTypeName(ValueType::kString), "string");
  EXPECT_EQ(ValueTypeName(ValueType::kStream), "stream");
}

}  // namespace
}  // namespace runnel::keyspace
