#include "server/acl/acl_log.h"

#include "gtest/gtest.h"

namespace runnel::acl {
namespace {

using Reason = AclLogEntry::Reason;
using Context = AclLogEntry::Context;

const absl::Time kStart = absl::FromUnixSeconds(1'000'000);

AclLogEntry Event(std::string object, absl::Duration at, std::string user = "u",
                  Reason reason = Reason::kKey, Context context = Context::kTopLevel) {
  AclLogEntry entry;
  entry.reason = reason;
  entry.context = context;
  entry.object = std::move(object);
  entry.username = std::move(user);
  entry.created = kStart + at;
  entry.client_info = absl::FormatDuration(at);
  return entry;
}

TEST(AclLogTest, NewestEventIsFirst) {
  AclLog log;
  log.Add(Event("a", absl::Seconds(0)), 128);
  log.Add(Event("b", absl::Seconds(1)), 128);
  ASSERT_EQ(log.entries().size(), 2u);
  EXPECT_EQ(log.entries()[0].object, "b");
  EXPECT_EQ(log.entries()[1].object, "a");
}

TEST(AclLogTest, SimilarEventWithinAMinuteBumpsCountAndMovesToFront) {
  AclLog log;
  log.Add(Event("a", absl::Seconds(0)), 128);
  log.Add(Event("b", absl::Seconds(1)), 128);
  log.Add(Event("a", absl::Seconds(60)), 128);
  ASSERT_EQ(log.entries().size(), 2u);
  EXPECT_EQ(log.entries()[0].object, "a");
  EXPECT_EQ(log.entries()[0].count, 2);
  EXPECT_EQ(log.entries()[0].created, kStart + absl::Seconds(60));
  EXPECT_EQ(log.entries()[0].client_info, "1m");  // the latest client's
}

TEST(AclLogTest, EventAfterTheWindowIsANewEntry) {
  AclLog log;
  log.Add(Event("a", absl::Seconds(0)), 128);
  log.Add(Event("a", absl::Seconds(61)), 128);
  ASSERT_EQ(log.entries().size(), 2u);
  EXPECT_EQ(log.entries()[0].count, 1);
}

TEST(AclLogTest, ReasonContextObjectAndUserMustAllMatch) {
  AclLog log;
  log.Add(Event("a", absl::Seconds(0)), 128);
  log.Add(Event("a", absl::Seconds(0), "other"), 128);
  log.Add(Event("a", absl::Seconds(0), "u", Reason::kChannel), 128);
  log.Add(Event("a", absl::Seconds(0), "u", Reason::kKey, Context::kMulti), 128);
  log.Add(Event("b", absl::Seconds(0)), 128);
  EXPECT_EQ(log.entries().size(), 5u);
}

TEST(AclLogTest, OnlyTheTenNewestEntriesAreSearchedForAMatch) {
  AclLog log;
  log.Add(Event("old", absl::Seconds(0)), 128);
  for (int i = 0; i < 10; ++i) log.Add(Event(std::to_string(i), absl::Seconds(0)), 128);
  log.Add(Event("old", absl::Seconds(1)), 128);
  EXPECT_EQ(log.entries().size(), 12u);
  EXPECT_EQ(log.entries()[0].count, 1);
}

TEST(AclLogTest, NewEntryTrimsTheOldestPastMaxLen) {
  AclLog log;
  for (int i = 0; i < 5; ++i) log.Add(Event(std::to_string(i), absl::Seconds(0)), 5);
  log.Add(Event("5", absl::Seconds(0)), 3);
  ASSERT_EQ(log.entries().size(), 3u);
  EXPECT_EQ(log.entries()[2].object, "3");
  log.Add(Event("x", absl::Seconds(0)), 0);
  EXPECT_TRUE(log.entries().empty());
  log.Add(Event("y", absl::Seconds(0)), 1);
  log.Reset();
  EXPECT_TRUE(log.entries().empty());
}

}  // namespace
}  // namespace runnel::acl
