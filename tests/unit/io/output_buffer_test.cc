// Tests for OutputBuffer: the bytes and order PrepareSend() describes, partial
// sends, shared frames, stability of prepared memory, and memory accounting.

#include "server/io/output_buffer.h"

#include <sys/uio.h>

#include <cstddef>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace runnel::io {
namespace {

constexpr size_t kBlock = OutputBuffer::kBlockSize;

// Everything PrepareSend() describes, concatenated.
std::string Pending(const OutputBuffer& out, int max_iov = 1 << 16) {
  std::vector<iovec> iov(static_cast<size_t>(max_iov));
  int n = out.PrepareSend(iov.data(), max_iov);
  std::string bytes;
  for (int i = 0; i < n; ++i) {
    bytes.append(static_cast<const char*>(iov[i].iov_base), iov[i].iov_len);
  }
  return bytes;
}

int IovCount(const OutputBuffer& out) {
  iovec iov[1024];
  return out.PrepareSend(iov, 1024);
}

// Distinct bytes, so a misplaced or repeated run shows.
std::string Pattern(size_t n, size_t seed = 0) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + (i * 7 + seed) % 26);
  return s;
}

TEST(OutputBufferTest, NewBufferIsEmptyAndHoldsNoMemory) {
  OutputBuffer out;
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(out.size(), 0u);
  EXPECT_EQ(out.memory_bytes(), 0u);
  EXPECT_EQ(IovCount(out), 0);
}

TEST(OutputBufferTest, SmallAppendsPackIntoOneBlock) {
  OutputBuffer out;
  out.Append("+OK\r\n");
  out.Append(':');
  out.Append("1\r\n");
  EXPECT_EQ(out.size(), 9u);
  EXPECT_EQ(IovCount(out), 1);
  EXPECT_EQ(Pending(out), "+OK\r\n:1\r\n");
  EXPECT_EQ(out.memory_bytes(), kBlock);
}

TEST(OutputBufferTest, AppendCrossingBlockEndFillsTailThenSpills) {
  OutputBuffer out;
  std::string first = Pattern(kBlock - 2);
  out.Append(first);
  out.Append("wxyz");
  iovec iov[4];
  ASSERT_EQ(out.PrepareSend(iov, 4), 2);
  EXPECT_EQ(iov[0].iov_len, kBlock);
  EXPECT_EQ(iov[1].iov_len, 2u);
  EXPECT_EQ(Pending(out), first + "wxyz");
  EXPECT_EQ(out.memory_bytes(), 2 * kBlock);
}

TEST(OutputBufferTest, LargeAppendGetsOneExactBlock) {
  OutputBuffer out;
  std::string big = Pattern(100000);
  out.Append(big);
  EXPECT_EQ(IovCount(out), 1);
  EXPECT_EQ(Pending(out), big);
  EXPECT_EQ(out.memory_bytes(), big.size());
}

TEST(OutputBufferTest, LargeAppendFillsTheTailFirst) {
  OutputBuffer out;
  out.Append("ab");
  std::string big = Pattern(3 * kBlock);
  out.Append(big);
  iovec iov[4];
  ASSERT_EQ(out.PrepareSend(iov, 4), 2);
  EXPECT_EQ(iov[0].iov_len, kBlock);
  EXPECT_EQ(iov[1].iov_len, 3 * kBlock - (kBlock - 2));
  EXPECT_EQ(Pending(out), "ab" + big);
  EXPECT_EQ(out.size(), big.size() + 2);
}

// Shared frames this big are referenced; smaller ones copied.
constexpr size_t kFrame = OutputBuffer::kCopySharedBelow;

TEST(OutputBufferTest, SharedFrameIsReferencedNotCopied) {
  OutputBuffer out;
  auto frame = std::make_shared<const std::string>(Pattern(kFrame));
  out.AppendShared(frame);
  EXPECT_EQ(frame.use_count(), 2);
  iovec iov[2];
  ASSERT_EQ(out.PrepareSend(iov, 2), 1);
  EXPECT_EQ(iov[0].iov_base, frame->data());
  EXPECT_EQ(out.memory_bytes(), kFrame);
  out.ConsumeSent(kFrame);
  EXPECT_EQ(frame.use_count(), 1);  // released once sent
  EXPECT_EQ(out.memory_bytes(), 0u);
}

TEST(OutputBufferTest, SmallSharedFramesAreCopiedAndPackTogether) {
  OutputBuffer out;
  auto frame = std::make_shared<const std::string>(Pattern(kFrame - 1));
  for (int i = 0; i < 3; ++i) out.AppendShared(frame);
  EXPECT_EQ(frame.use_count(), 1);  // nothing holds it
  EXPECT_EQ(IovCount(out), 1);      // one block, one send
  EXPECT_EQ(Pending(out), *frame + *frame + *frame);
}

TEST(OutputBufferTest, EmptySharedFrameIsIgnored) {
  OutputBuffer out;
  out.AppendShared(std::make_shared<const std::string>());
  out.AppendShared(nullptr);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(IovCount(out), 0);
}

TEST(OutputBufferTest, SharedFramesKeepTheirPlaceBetweenOwnedBytes) {
  OutputBuffer out;
  const std::string b = Pattern(kFrame, 1), d = Pattern(kFrame + 1, 2);
  out.Append("a");
  out.AppendShared(std::make_shared<const std::string>(b));
  out.Append("c");
  out.AppendShared(std::make_shared<const std::string>(d));
  EXPECT_EQ(IovCount(out), 4);
  EXPECT_EQ(Pending(out), "a" + b + "c" + d);
  EXPECT_EQ(out.size(), 2 + b.size() + d.size());
}

TEST(OutputBufferTest, PartialSendLeavesTheRestAtTheHead) {
  OutputBuffer out;
  out.Append("hello world");
  out.ConsumeSent(6);
  EXPECT_EQ(out.size(), 5u);
  EXPECT_EQ(Pending(out), "world");
  out.Append("!");
  EXPECT_EQ(Pending(out), "world!");
}

TEST(OutputBufferTest, PartialSendAcrossBlocksAndFrames) {
  OutputBuffer out;
  std::string first = Pattern(kBlock + 10);
  out.Append(first);
  out.AppendShared(std::make_shared<const std::string>("FRAME"));
  out.Append("tail");
  std::string all = first + "FRAME" + "tail";
  // Sends that end inside a block, exactly at a block end, inside a frame.
  for (size_t step : {size_t{100}, kBlock - 100, size_t{12}, size_t{1}}) {
    out.ConsumeSent(step);
    all.erase(0, step);
    ASSERT_EQ(Pending(out), all);
    ASSERT_EQ(out.size(), all.size());
  }
  out.ConsumeSent(out.size());
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(IovCount(out), 0);
}

TEST(OutputBufferTest, MaxIovLimitsWhatOneSendDescribes) {
  OutputBuffer out;
  for (int i = 0; i < 10; ++i) out.AppendShared(std::make_shared<const std::string>(Pattern(kFrame)));
  iovec iov[3];
  EXPECT_EQ(out.PrepareSend(iov, 3), 3);
  out.ConsumeSent(3 * kFrame);
  EXPECT_EQ(IovCount(out), 7);
}

TEST(OutputBufferTest, PreparedBytesStayPutWhileMoreIsAppended) {
  OutputBuffer out;
  out.Append("in flight");
  iovec iov[1];
  ASSERT_EQ(out.PrepareSend(iov, 1), 1);
  // What a send in flight would read must not move or change.
  for (int i = 0; i < 100; ++i) out.Append(Pattern(1000, static_cast<size_t>(i)));
  out.AppendShared(std::make_shared<const std::string>(Pattern(5000)));
  EXPECT_EQ(std::string(static_cast<const char*>(iov[0].iov_base), iov[0].iov_len), "in flight");
  out.ConsumeSent(iov[0].iov_len);
  EXPECT_EQ(out.size(), 100 * 1000 + 5000u);
}

TEST(OutputBufferTest, DrainedBlockIsReusedWithoutGrowing) {
  OutputBuffer out;
  for (int round = 0; round < 100; ++round) {
    out.Append("+PONG\r\n");
    ASSERT_EQ(IovCount(out), 1);
    out.ConsumeSent(7);
    ASSERT_TRUE(out.empty());
  }
  EXPECT_EQ(out.memory_bytes(), kBlock);
}

TEST(OutputBufferTest, DrainedLargeBlockIsReleased) {
  // Regression: a large reply's exact-size block used to be rewound and
  // kept, so memory_bytes() stayed at the largest reply ever sent.
  OutputBuffer out;
  out.Append(Pattern(1 << 20));
  out.ConsumeSent(1 << 20);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(out.memory_bytes(), 0u);
  out.Append("+OK\r\n");
  EXPECT_EQ(out.memory_bytes(), kBlock);
  EXPECT_EQ(Pending(out), "+OK\r\n");
}

TEST(OutputBufferTest, DrainedBlockBeforeSharedFrameIsSkippedAndFreed) {
  OutputBuffer out;
  out.Append("x");
  out.ConsumeSent(1);  // rewound, still the only block
  out.AppendShared(std::make_shared<const std::string>(Pattern(kFrame)));
  EXPECT_EQ(IovCount(out), 1);
  EXPECT_EQ(Pending(out), Pattern(kFrame));
  out.ConsumeSent(kFrame);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(out.memory_bytes(), 0u);
}

TEST(OutputBufferTest, ClearDropsEverything) {
  OutputBuffer out;
  out.Append(Pattern(3 * kBlock));
  out.AppendShared(std::make_shared<const std::string>("f"));
  out.Clear();
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(out.memory_bytes(), 0u);
  EXPECT_EQ(IovCount(out), 0);
  out.Append("again");
  EXPECT_EQ(Pending(out), "again");
}

TEST(OutputBufferTest, MemoryBytesCountsBlocksAndFrames) {
  OutputBuffer out;
  out.Append("a");                                                         // one block
  out.AppendShared(std::make_shared<const std::string>(Pattern(kFrame)));  // + frame
  out.Append("b");                                                         // + a small block
  out.Append(Pattern(2 * kBlock));                                         // fills it, + exact block
  const size_t small = 128;  // after a referenced block (OutputBuffer::kSmallBlockSize)
  EXPECT_EQ(out.memory_bytes(), kBlock + kFrame + small + (2 * kBlock - (small - 1)));
  out.ConsumeSent(1 + kFrame);  // first block and the frame go
  EXPECT_EQ(out.memory_bytes(), small + (2 * kBlock - (small - 1)));
}

// Random appends of every kind and random partial sends agree with a string.
TEST(OutputBufferTest, MatchesAStringModelUnderRandomUse) {
  std::mt19937 rng(7);
  OutputBuffer out;
  std::string model;
  for (int step = 0; step < 3000; ++step) {
    switch (rng() % 4) {
      case 0: {
        std::string s = Pattern(rng() % 64, static_cast<size_t>(step));
        out.Append(s);
        model += s;
        break;
      }
      case 1: {
        std::string s = Pattern(rng() % (3 * kBlock), static_cast<size_t>(step));
        out.Append(s);
        model += s;
        break;
      }
      case 2: {
        auto frame = std::make_shared<const std::string>(Pattern(rng() % 200, 3));
        out.AppendShared(frame);
        model += *frame;
        break;
      }
      case 3: {
        // A send of up to 4 iovecs that the kernel may cut short.
        iovec iov[4];
        int n = out.PrepareSend(iov, 4);
        size_t described = 0;
        for (int i = 0; i < n; ++i) described += iov[i].iov_len;
        size_t sent = described == 0 ? 0 : rng() % (described + 1);
        out.ConsumeSent(sent);
        model.erase(0, sent);
        break;
      }
    }
    ASSERT_EQ(out.size(), model.size());
  }
  EXPECT_EQ(Pending(out), model);
}

}  // namespace
}  // namespace runnel::io

namespace runnel::io {
namespace {

// A referenced block is sent from its owner's memory, not copied, and holds
// the owner until sent; the framing around it packs into one small block.
TEST(OutputBufferTest, ReferencedBytesAreSentInPlaceAndKeepTheirOwnerAlive) {
  OutputBuffer out;
  auto owner = std::make_shared<const std::string>(std::string(10000, 'v'));
  std::weak_ptr<const std::string> watch = owner;
  out.Append("$10000\r\n");
  out.AppendReferenced(*owner, owner);
  out.Append("\r\n");
  const char* value = owner->data();
  owner.reset();
  ASSERT_FALSE(watch.expired());
  iovec iov[8];
  ASSERT_EQ(out.PrepareSend(iov, 8), 3);
  EXPECT_EQ(iov[1].iov_base, value);  // the owner's bytes themselves
  EXPECT_EQ(iov[1].iov_len, 10000u);
  // Only the owned blocks count as the connection's memory.
  EXPECT_EQ(out.memory_bytes(), OutputBuffer::kBlockSize + 128);
  EXPECT_EQ(Pending(out), "$10000\r\n" + std::string(10000, 'v') + "\r\n");
  out.ConsumeSent(8 + 10000);
  EXPECT_TRUE(watch.expired());
  EXPECT_EQ(Pending(out), "\r\n");
}

}  // namespace
}  // namespace runnel::io
