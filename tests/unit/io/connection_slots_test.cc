// Tests for ConnectionSlots and WorkList: slot reuse, generations that make
// old ids stale, and work lists that tolerate being added to while drained.

#include "server/io/connection_slots.h"

#include <vector>

#include "gtest/gtest.h"
#include "server/io/op_tag.h"
#include "server/io/work_list.h"

namespace runnel::io {
namespace {

struct Conn {
  int value = 0;
  bool queued = false;
};

TEST(ConnectionSlotsTest, SlotsAreDenseFromZero) {
  ConnectionSlots<Conn> slots;
  EXPECT_EQ(slots.Acquire().slot, 0u);
  EXPECT_EQ(slots.Acquire().slot, 1u);
  EXPECT_EQ(slots.Acquire().slot, 2u);
  EXPECT_EQ(slots.live_count(), 3u);
}

TEST(ConnectionSlotsTest, DefaultIdFindsNothing) {
  ConnectionSlots<Conn> slots;
  slots.Acquire();
  EXPECT_EQ(slots.Find(ConnectionId{}), nullptr);
  EXPECT_EQ(slots.Find(ConnectionId{7, 1}), nullptr);
}

TEST(ConnectionSlotsTest, ReleasedSlotIsReusedWithANewGeneration) {
  ConnectionSlots<Conn> slots;
  ConnectionId first = slots.Acquire();
  slots.Find(first)->value = 42;
  Conn* address = slots.Find(first);
  slots.Release(first);
  EXPECT_EQ(slots.Find(first), nullptr);
  ConnectionId second = slots.Acquire();
  EXPECT_EQ(second.slot, first.slot);
  EXPECT_NE(second.generation, first.generation);
  EXPECT_EQ(slots.Find(first), nullptr);   // the old id stays stale
  EXPECT_EQ(slots.Find(second), address);  // same storage: addresses are stable
}

TEST(ConnectionSlotsTest, AddressesSurviveGrowth) {
  ConnectionSlots<Conn> slots;
  ConnectionId id = slots.Acquire();
  Conn* address = slots.Find(id);
  for (int i = 0; i < 10000; ++i) slots.Acquire();
  EXPECT_EQ(slots.Find(id), address);
}

TEST(ConnectionSlotsTest, ForEachLiveSkipsReleasedSlots) {
  ConnectionSlots<Conn> slots;
  ConnectionId a = slots.Acquire();
  ConnectionId b = slots.Acquire();
  ConnectionId c = slots.Acquire();
  slots.Release(b);
  std::vector<uint32_t> seen;
  slots.ForEachLive([&](ConnectionId id, Conn&) { seen.push_back(id.slot); });
  EXPECT_EQ(seen, (std::vector<uint32_t>{a.slot, c.slot}));
  EXPECT_EQ(slots.live_count(), 2u);
}

TEST(WorkListTest, QueuesEachConnectionOnce) {
  ConnectionSlots<Conn> slots;
  WorkList<Conn> list(&Conn::queued);
  ConnectionId id = slots.Acquire();
  list.Push(id, *slots.Find(id));
  list.Push(id, *slots.Find(id));
  int visits = 0;
  list.Drain(slots, [&](ConnectionId, Conn& conn) {
    EXPECT_FALSE(conn.queued);
    ++visits;
  });
  EXPECT_EQ(visits, 1);
  EXPECT_TRUE(list.empty());
}

TEST(WorkListTest, WorkQueuedWhileDrainingWaitsForTheNextDrain) {
  ConnectionSlots<Conn> slots;
  WorkList<Conn> list(&Conn::queued);
  ConnectionId a = slots.Acquire();
  ConnectionId b = slots.Acquire();
  list.Push(a, *slots.Find(a));
  std::vector<uint32_t> visited;
  list.Drain(slots, [&](ConnectionId id, Conn& conn) {
    visited.push_back(id.slot);
    list.Push(id, conn);           // itself again
    list.Push(b, *slots.Find(b));  // and another
  });
  EXPECT_EQ(visited, (std::vector<uint32_t>{a.slot}));
  visited.clear();
  list.Drain(slots, [&](ConnectionId id, Conn&) { visited.push_back(id.slot); });
  EXPECT_EQ(visited, (std::vector<uint32_t>{a.slot, b.slot}));
}

TEST(WorkListTest, StaleIdsAreSkipped) {
  ConnectionSlots<Conn> slots;
  WorkList<Conn> list(&Conn::queued);
  ConnectionId old = slots.Acquire();
  list.Push(old, *slots.Find(old));
  slots.Find(old)->queued = false;  // what a loop does when it frees the slot
  slots.Release(old);
  ConnectionId reused = slots.Acquire();
  int visits = 0;
  list.Drain(slots, [&](ConnectionId, Conn&) { ++visits; });
  EXPECT_EQ(visits, 0);
  EXPECT_FALSE(slots.Find(reused)->queued);
}

TEST(OpTagTest, RoundTripsEveryField) {
  OpTag tag{Op::kCancelSend, OpTag::kMaxSlot, 0xfedcba98u};
  OpTag back = OpTag::Decode(tag.Encode());
  EXPECT_EQ(back.op, Op::kCancelSend);
  EXPECT_EQ(back.slot, OpTag::kMaxSlot);
  EXPECT_EQ(back.generation, 0xfedcba98u);
  EXPECT_NE((OpTag{Op::kRecv, 1, 2}.Encode()), (OpTag{Op::kSend, 1, 2}.Encode()));
}

}  // namespace
}  // namespace runnel::io
