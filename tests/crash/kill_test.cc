// SIGKILL of a process appending to a log under group commit, at a random
// moment, ten times over the same log. The writer (a forked child) reports
// each ID once a completed sync covers it; after the kill, the parent reopens
// the log and checks that every ID reported durable is there with the right
// contents, and that the log is valid: IDs 1..N with nothing missing, each
// entry's contents a function of its ID.
//
// SIGKILL does not lose the page cache: what the writer stored through its
// mappings survives the kill whether or not it was synced. So this test
// proves that the format and recovery are consistent whatever instant a
// process dies at (mid-record, mid-roll, mid-sync), not durability across a
// power loss; that depends on the syncs themselves (sync_scheduler_test,
// docs/durability.md).
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <deque>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "engine/base/strings.h"
#include "engine/log/log.h"
#include "engine/log/mapping_cache.h"
#include "engine/log/sync_scheduler.h"
#include "gtest/gtest.h"
#include "tests/unit/log/log_test_util.h"

namespace runnel::log {
namespace {

using testing::Entry;
using testing::ReadAll;
using testing::TempDir;

constexpr int kCycles = 10;
constexpr uint64_t kSegmentMaxBytes = 64 * 1024;

// The contents of entry `ms`: field names change every 7 entries (so both
// record kinds occur), values vary in length.
std::vector<std::pair<std::string, std::string>> ContentsOf(uint64_t ms) {
  std::vector<std::pair<std::string, std::string>> fields;
  const uint64_t names = (ms / 7) % 3;
  for (uint64_t f = 0; f <= names; ++f) {
    fields.emplace_back(base::StrCat("field", names, "-", f), base::StrCat("value-", ms, std::string(ms % 23, 'z')));
  }
  return fields;
}

// In the child: says why on stderr and exits without running any of the
// parent's (gtest's) exit machinery.
[[noreturn]] void Die(std::string_view what, const absl::Status& status) {
  const std::string text = base::StrCat("kill_test writer: ", what, ": ", status.message(), "\n");
  [[maybe_unused]] ssize_t n = write(STDERR_FILENO, text.data(), text.size());
  _exit(3);
}

// The writer, run in the forked child until it is killed: a loop turn
// appends a few entries, starts a sync batch if none runs, and waits briefly
// for the running one; after each completed batch it writes to `out` the
// highest ID the batch made durable (8 bytes, native order).
[[noreturn]] void RunWriter(const std::string& directory, int out) {
  MappingCache cache(64);
  absl::StatusOr<std::unique_ptr<SyncScheduler>> scheduler = SyncScheduler::Create();
  if (!scheduler.ok()) Die("SyncScheduler::Create", scheduler.status());
  const LogOptions options{.segment_max_bytes = kSegmentMaxBytes, .cache = &cache, .scheduler = scheduler->get()};
  absl::StatusOr<std::unique_ptr<Log>> log = Log::Open(directory, options, nullptr);
  if (!log.ok()) Die("Log::Open", log.status());
  uint64_t next = (*log)->last_id().ms + 1;
  std::deque<std::pair<uint64_t, uint64_t>> unsynced;  // (covering epoch, ms)
  for (;;) {
    for (uint64_t i = 0, count = 1 + next % 8; i < count; ++i, ++next) {
      const std::vector<std::pair<std::string, std::string>> contents = ContentsOf(next);
      const std::vector<FieldValue> fields = testing::Fields(contents);
      if (absl::Status status = (*log)->Append(RecordId{next, 0}, fields); !status.ok()) Die("Append", status);
      unsynced.emplace_back((*scheduler)->covering_epoch(), next);
    }
    (*scheduler)->StartBatch();
    pollfd wake{.fd = (*scheduler)->wake_fd(), .events = POLLIN};
    if (poll(&wake, 1, 1) != 1) continue;
    if (absl::Status status = (*scheduler)->Reap(); !status.ok()) Die("Reap", status);
    uint64_t durable = 0;
    while (!unsynced.empty() && unsynced.front().first <= (*scheduler)->completed_epoch()) {
      durable = unsynced.front().second;
      unsynced.pop_front();
    }
    if (durable != 0 && write(out, &durable, sizeof(durable)) != sizeof(durable)) {
      Die("write to the pipe", absl::InternalError(strerror(errno)));
    }
  }
}

// Reads the writer's 8-byte reports from `fd` until `deadline` (EOF ends
// the wait for absl::InfiniteFuture()), or until the first report when
// `until` is kFirst; returns the largest, or 0.
enum class ReadUntil : uint8_t { kFirst, kDeadline };
uint64_t ReadReports(int fd, absl::Time deadline, ReadUntil until, bool* eof) {
  uint64_t largest = 0;
  while (!*eof && !(until == ReadUntil::kFirst && largest != 0)) {
    const absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) break;
    const int timeout_ms =
        deadline == absl::InfiniteFuture() ? -1 : static_cast<int>(absl::ToInt64Milliseconds(left)) + 1;
    pollfd readable{.fd = fd, .events = POLLIN};
    if (poll(&readable, 1, timeout_ms) != 1) continue;
    uint64_t report;
    const ssize_t n = read(fd, &report, sizeof(report));
    if (n != 0 && n != sizeof(report)) ADD_FAILURE() << "short or failed read from the writer's pipe: " << n;
    if (n != sizeof(report)) {
      *eof = true;
      break;
    }
    largest = std::max(largest, report);
  }
  return largest;
}

class KillTest : public ::testing::Test {
 protected:
  std::string Dir() const { return temp_.path() + "/stream"; }

  // Forks a writer, kills it `run_for` after its first durable report, and
  // returns the largest ID it reported durable.
  uint64_t RunAndKill(absl::Duration run_for) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
      ADD_FAILURE() << "pipe2: " << strerror(errno);
      return 0;
    }
    const pid_t pid = fork();
    if (pid < 0) {
      ADD_FAILURE() << "fork: " << strerror(errno);
      return 0;
    }
    if (pid == 0) {
      close(fds[0]);
      RunWriter(Dir(), fds[1]);
    }
    close(fds[1]);
    bool eof = false;
    uint64_t durable = ReadReports(fds[0], absl::Now() + absl::Seconds(30), ReadUntil::kFirst, &eof);
    EXPECT_GT(durable, 0u) << "no sync completed within 30 s";
    durable = std::max(durable, ReadReports(fds[0], absl::Now() + run_for, ReadUntil::kDeadline, &eof));
    kill(pid, SIGKILL);
    int status = 0;
    EXPECT_EQ(waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        << "the writer exited by itself (status " << status << "); its stderr says why";
    // Reports written before the kill are still in the pipe.
    durable = std::max(durable, ReadReports(fds[0], absl::InfiniteFuture(), ReadUntil::kDeadline, &eof));
    close(fds[0]);
    return durable;
  }

  // Reopens the log and checks it holds exactly IDs 1..N, N >= durable, with
  // their contents; returns N.
  uint64_t Verify(uint64_t durable) {
    MappingCache cache(64);
    const LogOptions options{.segment_max_bytes = kSegmentMaxBytes, .cache = &cache};
    RecoveryReport report;
    absl::StatusOr<std::unique_ptr<Log>> log = Log::Open(Dir(), options, &report);
    EXPECT_TRUE(log.ok()) << log.status();
    if (!log.ok()) return 0;
    EXPECT_EQ(report.corruptions(), 0u) << report.Describe();
    const std::vector<Entry> entries = ReadAll(**log);
    for (size_t i = 0; i < entries.size(); ++i) {
      const uint64_t ms = i + 1;
      if (entries[i] != (Entry{RecordId{ms, 0}, ContentsOf(ms)})) {
        ADD_FAILURE() << "entry " << i << " is " << entries[i].id.ms << "-" << entries[i].id.seq
                      << " or has the wrong contents; expected " << ms << "-0";
        break;
      }
    }
    EXPECT_GE(entries.size(), durable) << "an ID reported durable is missing";
    EXPECT_EQ((*log)->length(), entries.size());
    EXPECT_EQ((*log)->entries_added(), entries.size());
    if (!entries.empty()) {
      EXPECT_EQ((*log)->last_id(), entries.back().id);
    }
    segments_ = (*log)->segment_count();
    return entries.size();
  }

  TempDir temp_;
  size_t segments_ = 0;  // at the last Verify
};

TEST_F(KillTest, EveryIdReportedDurableSurvivesSigkill) {
  {
    MappingCache cache(4);
    const LogOptions options{.segment_max_bytes = kSegmentMaxBytes, .cache = &cache};
    ASSERT_TRUE(Log::Create(Dir(), options).ok());
  }
  const unsigned seed = std::random_device()();
  SCOPED_TRACE(base::StrCat("seed ", seed));
  std::mt19937 random(seed);
  std::uniform_int_distribution<int> run_ms(10, 60);
  uint64_t length = 0;
  for (int cycle = 0; cycle < kCycles; ++cycle) {
    SCOPED_TRACE(base::StrCat("cycle ", cycle));
    const uint64_t durable = RunAndKill(absl::Milliseconds(run_ms(random)));
    EXPECT_GT(durable, length) << "the writer made no progress";
    length = Verify(durable);
    if (HasFailure()) return;
  }
  // Kills landed across rolls too, not only inside one segment.
  EXPECT_GE(segments_, 3u);
}

}  // namespace
}  // namespace runnel::log
