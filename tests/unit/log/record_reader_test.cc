#include "engine/log/record_reader.h"

#include <string>

#include "engine/log/record_writer.h"
#include "gtest/gtest.h"

namespace runnel::log {
namespace {

std::string TwoRecords() {
  std::string bytes;
  AppendRecord(&bytes, RecordType::kEntry, {1, 2}, "first payload");
  AppendRecord(&bytes, RecordType::kMetaDelete, {3, 4}, "");
  return bytes;
}

TEST(RecordReaderTest, ValidRecordsReadBackWithTheirFields) {
  const std::string bytes = TwoRecords();
  const ReadResult first = ReadRecordAt(bytes, 0, ChecksumCheck::kVerify);
  ASSERT_EQ(first.outcome, ReadOutcome::kRecord);
  EXPECT_EQ(first.record.type, RecordType::kEntry);
  EXPECT_EQ(first.record.id, (RecordId{1, 2}));
  EXPECT_EQ(first.record.payload, "first payload");
  const ReadResult second = ReadRecordAt(bytes, first.record.end(), ChecksumCheck::kVerify);
  ASSERT_EQ(second.outcome, ReadOutcome::kRecord);
  EXPECT_EQ(second.record.id, (RecordId{3, 4}));
  EXPECT_EQ(second.record.end(), bytes.size());
  EXPECT_EQ(ReadRecordAt(bytes, bytes.size(), ChecksumCheck::kVerify).outcome, ReadOutcome::kEnd);
}

TEST(RecordReaderTest, ZeroFrameIsTheEndNotAnError) {
  const std::string zeros(100, '\0');
  EXPECT_EQ(ReadRecordAt(zeros, 0, ChecksumCheck::kVerify).outcome, ReadOutcome::kEnd);
  EXPECT_EQ(ReadRecordAt(zeros, 90, ChecksumCheck::kVerify).outcome, ReadOutcome::kEnd);
}

TEST(RecordReaderTest, EveryFlippedByteIsCaught) {
  const std::string bytes = TwoRecords();
  const uint64_t first_end = ReadRecordAt(bytes, 0, ChecksumCheck::kVerify).record.end();
  for (uint64_t i = 0; i < first_end; ++i) {
    std::string damaged = bytes;
    damaged[i] ^= 0x20;
    EXPECT_EQ(ReadRecordAt(damaged, 0, ChecksumCheck::kVerify).outcome, ReadOutcome::kInvalid) << i;
  }
}

TEST(RecordReaderTest, LengthPastTheEndIsInvalidBeforeAnyChecksum) {
  std::string bytes = TwoRecords();
  bytes[4] = '\xff';
  bytes[7] = '\x7f';
  const ReadResult result = ReadRecordAt(bytes, 0, ChecksumCheck::kSkip);
  EXPECT_EQ(result.outcome, ReadOutcome::kInvalid);
  EXPECT_STREQ(result.reason, "length runs past the end of the file");
}

TEST(RecordReaderTest, TruncatedRecordIsInvalidOrEnd) {
  const std::string bytes = TwoRecords();
  for (size_t size = 1; size < 38; ++size) {
    const ReadOutcome outcome = ReadRecordAt(bytes.substr(0, size), 0, ChecksumCheck::kVerify).outcome;
    EXPECT_NE(outcome, ReadOutcome::kRecord) << size;
  }
}

TEST(RecordReaderTest, EndOfNonZeroFindsTrailingGarbage) {
  std::string bytes(1000, '\0');
  EXPECT_EQ(EndOfNonZero(bytes, 10), 10u);
  bytes[517] = 1;
  EXPECT_EQ(EndOfNonZero(bytes, 10), 518u);
  EXPECT_EQ(EndOfNonZero(bytes, 600), 600u);
}

}  // namespace
}  // namespace runnel::log
