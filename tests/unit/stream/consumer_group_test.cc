#include "engine/stream/consumer_group.h"

#include <set>

#include "gtest/gtest.h"

namespace runnel::stream {
namespace {

// The model's invariant: an ID is in pel() iff it is in exactly one
// consumer's `pending`, that of its owner.
void ExpectConsistent(const ConsumerGroup& group) {
  size_t owned = 0;
  group.ForEachConsumer([&](const Consumer& consumer) {
    owned += consumer.pending.size();
    const std::optional<ConsumerNumber> number = group.ConsumerNumberOf(consumer.name);
    ASSERT_TRUE(number.has_value());
    for (StreamId id : consumer.pending) {
      const PendingEntry* entry = group.FindPending(id);
      ASSERT_NE(entry, nullptr) << FormatId(id) << " of " << consumer.name << " is not in the PEL";
      EXPECT_EQ(entry->owner, *number) << FormatId(id);
    }
  });
  EXPECT_EQ(owned, group.pel().size());
  for (const auto& [id, entry] : group.pel()) {
    EXPECT_TRUE(group.consumer(entry.owner).pending.contains(id)) << FormatId(id);
  }
}

std::set<uint64_t> PendingMillis(const ConsumerGroup& group, std::string_view consumer) {
  std::set<uint64_t> ms;
  for (StreamId id : group.FindConsumer(consumer)->pending) ms.insert(id.ms);
  return ms;
}

TEST(ConsumerGroupTest, NewConsumerIsSeenButNeverActive) {
  ConsumerGroup group({5, 0}, 3);
  const ConsumerNumber alice = group.AddConsumer("alice", 1000);
  EXPECT_EQ(group.AddConsumer("alice", 2000), alice);  // existing: unchanged
  EXPECT_EQ(group.consumer(alice).seen_ms, 1000);
  EXPECT_EQ(group.consumer(alice).active_ms, -1);
  group.MarkActive(alice, 3000);
  EXPECT_EQ(group.consumer(alice).seen_ms, 3000);
  EXPECT_EQ(group.consumer(alice).active_ms, 3000);
  EXPECT_EQ(group.last_delivered(), (StreamId{5, 0}));
  EXPECT_EQ(group.entries_read(), 3);
}

TEST(ConsumerGroupTest, SetPendingRecordsTimeCountAndOwner) {
  ConsumerGroup group({}, 0);
  const ConsumerNumber alice = group.AddConsumer("alice", 0);
  group.SetPending({1, 0}, alice, 100, 1);
  group.SetPending({2, 0}, alice, 200, 1);
  const PendingEntry* entry = group.FindPending({2, 0});
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry->delivery_ms, 200);
  EXPECT_EQ(entry->delivery_count, 1u);
  EXPECT_EQ(entry->owner, alice);
  EXPECT_EQ(PendingMillis(group, "alice"), (std::set<uint64_t>{1, 2}));
  ExpectConsistent(group);
}

TEST(ConsumerGroupTest, SetPendingMovesOwnershipToTheNewConsumer) {
  ConsumerGroup group({}, 0);
  const ConsumerNumber alice = group.AddConsumer("alice", 0);
  const ConsumerNumber bob = group.AddConsumer("bob", 0);
  group.SetPending({1, 0}, alice, 100, 1);
  group.SetPending({2, 0}, alice, 100, 1);
  group.SetPending({1, 0}, bob, 300, 2);  // XCLAIM
  EXPECT_EQ(PendingMillis(group, "alice"), (std::set<uint64_t>{2}));
  EXPECT_EQ(PendingMillis(group, "bob"), (std::set<uint64_t>{1}));
  EXPECT_EQ(group.FindPending({1, 0})->owner, bob);
  EXPECT_EQ(group.FindPending({1, 0})->delivery_count, 2u);
  EXPECT_EQ(group.pel().size(), 2u);
  ExpectConsistent(group);
}

TEST(ConsumerGroupTest, DeleteConsumerDropsItsEntriesFromThePel) {
  ConsumerGroup group({}, 0);
  const ConsumerNumber alice = group.AddConsumer("alice", 0);
  const ConsumerNumber bob = group.AddConsumer("bob", 0);
  for (uint64_t ms = 1; ms <= 5; ++ms) group.SetPending({ms, 0}, ms % 2 == 0 ? bob : alice, 0, 1);
  EXPECT_EQ(group.DeleteConsumer("alice"), std::optional<uint64_t>(3));
  EXPECT_EQ(group.DeleteConsumer("alice"), std::nullopt);
  EXPECT_EQ(group.FindConsumer("alice"), nullptr);
  EXPECT_EQ(group.pel().size(), 2u);
  EXPECT_EQ(group.FindPending({1, 0}), nullptr);
  ExpectConsistent(group);
  // A slot freed by a deletion is reused without mixing up owners.
  const ConsumerNumber carol = group.AddConsumer("carol", 0);
  group.SetPending({9, 0}, carol, 0, 1);
  EXPECT_EQ(PendingMillis(group, "carol"), (std::set<uint64_t>{9}));
  EXPECT_EQ(PendingMillis(group, "bob"), (std::set<uint64_t>{2, 4}));
  EXPECT_EQ(group.consumer_count(), 2u);
  ExpectConsistent(group);
}

TEST(ConsumerGroupTest, AcknowledgeRemovesFromBothIndexesOnce) {
  ConsumerGroup group({}, 0);
  const ConsumerNumber alice = group.AddConsumer("alice", 0);
  group.SetPending({1, 0}, alice, 0, 1);
  group.SetPending({2, 0}, alice, 0, 1);
  EXPECT_TRUE(group.Acknowledge({1, 0}));
  EXPECT_FALSE(group.Acknowledge({1, 0}));
  EXPECT_FALSE(group.Acknowledge({7, 0}));
  EXPECT_EQ(PendingMillis(group, "alice"), (std::set<uint64_t>{2}));
  EXPECT_EQ(group.pel().size(), 1u);
  ExpectConsistent(group);
}

TEST(ConsumerGroupTest, ConsumersAreVisitedInNameOrder) {
  ConsumerGroup group({}, 0);
  for (const char* name : {"mallory", "alice", "bob"}) group.AddConsumer(name, 0);
  std::vector<std::string> names;
  group.ForEachConsumer([&](const Consumer& consumer) { names.push_back(consumer.name); });
  EXPECT_EQ(names, (std::vector<std::string>{"alice", "bob", "mallory"}));
}

}  // namespace
}  // namespace runnel::stream
