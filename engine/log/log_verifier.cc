// Log verification of one stream: its segments, their records and indexes,
// its meta journal and the frames of its consumer-group journal (the format is docs/storage-format.md). Finding the
// streams is in log_verifier_find.cc.
//
// Read-only by construction: no Segment is ever made appendable, so each maps
// its file read-only; every segment is scanned kSealed (a kTail scan repairs),
// and the tail's first invalid record is then reported as the torn tail
// recovery would drop; the meta journal is read into memory, never truncated.
//
// Invariant: a problem is a torn tail exactly when Log::Open would repair it
// (log.cc LoadSegments and RecoverTail, Segment::Scan, MetaJournal::Load);
// change these rules together with those.
#include "engine/log/log_verifier.h"

#include <sys/stat.h>

#include <algorithm>
#include <iterator>
#include <memory>

#include "absl/container/btree_set.h"
#include "absl/strings/str_format.h"
#include "engine/base/coding.h"
#include "engine/base/file.h"
#include "engine/base/strings.h"
#include "engine/log/journal_scan.h"
#include "engine/log/mapping_cache.h"
#include "engine/log/meta_journal.h"
#include "engine/log/record_reader.h"
#include "engine/log/segment.h"
#include "engine/log/segment_naming.h"

namespace runnel::log {
namespace {

using Kind = RecoveryProblem::Kind;
using VerifiedBytes = std::function<void(uint64_t bytes)>;

// Header fields that problems point at (the layout is in record_format.h).
constexpr uint64_t kBaseIdOffset = 24;
constexpr uint64_t kFirstOrdinalOffset = 40;
// A stream's segments are scanned one after another: a few mappings are
// plenty, and a segment evicted from the cache maps itself again on demand.
constexpr size_t kMappingsPerStream = 4;

RecoveryProblem Corruption(std::string path, uint64_t offset, std::string reason) {
  return RecoveryProblem{
      .kind = Kind::kCorruption, .path = std::move(path), .offset = offset, .reason = std::move(reason)};
}

std::string FormatId(RecordId id) { return absl::StrFormat("%d-%d", id.ms, id.seq); }

uint64_t FileSize(const std::string& path) {
  struct stat info;
  return stat(path.c_str(), &info) == 0 ? static_cast<uint64_t>(info.st_size) : 0;
}

// A status message without the " in <path> at offset 0" the problem already
// carries ("bad segment header in p at offset 0: why" -> "bad segment header: why").
std::string ReasonOf(const absl::Status& status, const std::string& path) {
  std::string reason(base::ToStd(status.message()));
  const std::string location = base::StrCat(" in ", path, " at offset 0");
  if (const size_t at = reason.find(location); at != std::string::npos) reason.erase(at, location.size());
  return reason;
}

RecoveryProblem TornTail(std::string path, uint64_t offset, uint64_t bytes_dropped, std::string reason) {
  return RecoveryProblem{.kind = Kind::kTornTail,
                         .path = std::move(path),
                         .offset = offset,
                         .bytes_dropped = bytes_dropped,
                         .reason = std::move(reason)};
}

// ---- Meta journal ----

struct JournalSummary {
  LogState state;
  uint64_t live_deleted = 0;  // deleted IDs at or after the logical start
};

// Replays the journal as MetaJournal::Load does; a torn tail is reported, not truncated.
JournalSummary VerifyJournal(const std::string& path, std::vector<RecoveryProblem>* problems) {
  JournalSummary summary;
  absl::StatusOr<std::string> contents = base::ReadSmallFile(path);
  if (!contents.ok()) {
    problems->push_back(Corruption(path, 0, std::string(base::ToStd(contents.status().message()))));
    return summary;
  }
  const std::string_view data = *contents;
  // Classified as MetaJournal::Load classifies it (the same ParseJournal).
  JournalContents parsed = ParseJournal(data);
  switch (parsed.header) {
    case JournalContents::Header::kEmpty:
      if (!data.empty()) problems->push_back(TornTail(path, 0, data.size(), "journal's first write never reached the disk"));
      return summary;
    case JournalContents::Header::kBad:
      problems->push_back(Corruption(path, 0, "bad meta journal header"));
      return summary;
    case JournalContents::Header::kValid:
      break;
  }
  if (parsed.torn_reason != nullptr) {
    problems->push_back(TornTail(path, parsed.valid_end, data.size() - parsed.valid_end, parsed.torn_reason));
  }
  summary.state = parsed.state;
  const absl::btree_set<RecordId>& deleted = parsed.deleted;
  summary.live_deleted =
      static_cast<uint64_t>(std::distance(deleted.lower_bound(summary.state.logical_first), deleted.end()));
  return summary;
}

// ---- Consumer-group journal ----

// Checks the "groups" file's header and record frames as GroupJournal::Open
// classifies them (the same ScanJournal); the payloads are the stream
// layer's (engine/stream/group_record_codec.h), so only their types are
// checked here. A torn tail is reported, not truncated.
void VerifyGroupsJournal(const std::string& path, std::vector<RecoveryProblem>* problems) {
  absl::StatusOr<std::string> contents = base::ReadSmallFile(path);
  if (!contents.ok()) {
    problems->push_back(Corruption(path, 0, std::string(base::ToStd(contents.status().message()))));
    return;
  }
  const std::string_view data = *contents;
  const JournalScan scan = ScanJournal(data, kGroupsMagic, [](const RecordView& record) -> const char* {
    return IsGroupRecordType(record.type) ? nullptr : "not a consumer-group record";
  });
  switch (scan.header) {
    case JournalScan::Header::kEmpty:
      if (!data.empty()) problems->push_back(TornTail(path, 0, data.size(), "journal's first write never reached the disk"));
      return;
    case JournalScan::Header::kBad:
      problems->push_back(Corruption(path, 0, "bad consumer-group journal header"));
      return;
    case JournalScan::Header::kValid:
      break;
  }
  if (scan.stop_reason == nullptr) return;
  if (scan.torn) {
    problems->push_back(TornTail(path, scan.valid_end, data.size() - scan.valid_end, scan.stop_reason));
  } else {
    problems->push_back(Corruption(path, scan.valid_end, scan.stop_reason));
  }
}

// ---- Segments ----

// One segment file of the stream, in name (so base ID) order.
struct SegmentCheck {
  std::string path;
  uint64_t size = 0;
  std::unique_ptr<Segment> segment;  // null when refused whole, as Log::Open refuses it
  bool tail = false;                 // scanned as recovery scans the tail
  bool dropped_by_recovery = false;  // a tail with no valid record: a roll cut short
  std::vector<RecoveryProblem> problems;

  // Records verified (a damaged segment's valid prefix included) and part of the log.
  bool usable() const { return segment != nullptr && segment->scanned() && !dropped_by_recovery; }
};

// Opens the segment by its header, refusing what Log::LoadSegments refuses:
// a header that does not decode, or a base ID other than the file name's.
void OpenSegment(SegmentCheck& check, RecordId name_id, MappingCache* cache) {
  absl::StatusOr<std::unique_ptr<Segment>> segment = Segment::Open(check.path, cache);
  if (segment.ok() && (*segment)->base_id() == name_id) {
    check.segment = *std::move(segment);
    const uint64_t capacity = check.segment->capacity();
    if (check.size > capacity) {
      check.problems.push_back(
          Corruption(check.path, capacity,
                     absl::StrFormat("file size %d is above the header's capacity %d", check.size, capacity)));
    }
    return;
  }
  RecoveryProblem problem = segment.ok()
                                ? Corruption(check.path, kBaseIdOffset,
                                             absl::StrFormat("header's base ID %s differs from the file name's %s",
                                                             FormatId((*segment)->base_id()), FormatId(name_id)))
                                : Corruption(check.path, 0, ReasonOf(segment.status(), check.path));
  if ((segment.ok() || absl::IsDataLoss(segment.status())) && !HasRecordBytes(check.path).value_or(true)) {
    // A roll cut short before its header reached the disk.
    problem = TornTail(check.path, 0, check.size, "segment without a header or records; recovery removes it");
  }
  check.problems.push_back(std::move(problem));
}

// Checks the sparse index the scan built against the records it indexes: a
// point exactly where SegmentIndex::Observe puts one, holding that record's
// ID and ordinal, and found by FindFloor(its ID).
std::optional<RecoveryProblem> CheckIndex(Segment& segment) {
  absl::StatusOr<std::shared_ptr<const base::MappedFile>> mapping = segment.Map();
  if (!mapping.ok()) return Corruption(segment.path(), 0, std::string(base::ToStd(mapping.status().message())));
  const std::string_view data = (*mapping)->contents();
  const SegmentIndex& index = segment.index();
  const std::vector<SegmentIndex::Point>& points = index.points();
  auto problem = [&](uint64_t offset, const char* reason) { return Corruption(segment.path(), offset, reason); };
  size_t next = 0;
  uint64_t ordinal = 0;
  uint64_t offset = kSegmentHeaderSize;
  for (; offset < segment.end_offset(); ++ordinal) {
    const ReadResult result = ReadRecordAt(data, offset, ChecksumCheck::kSkip);
    if (result.outcome != ReadOutcome::kRecord) return problem(offset, "index: scanned records do not chain");
    const bool due = next == 0 || offset - points[next - 1].offset >= kIndexIntervalBytes;
    const bool present = next < points.size() && points[next].offset == offset;
    if (due != present) return problem(offset, due ? "index: no point where one is due" : "index: unexpected point");
    if (present) {
      const SegmentIndex::Point& point = points[next];
      if (point.id != result.record.id || point.ordinal != ordinal) {
        return problem(offset, "index: point disagrees with its record's ID or ordinal");
      }
      if (index.FindFloor(point.id) != &point) return problem(offset, "index: FindFloor misses the point");
      ++next;
    }
    offset = result.record.end();
  }
  if (next != points.size()) return problem(points[next].offset, "index: point past the last record");
  if (ordinal != segment.record_count()) return problem(offset, "index: record count differs from the records");
  return std::nullopt;
}

// Verifies the records with a kSealed scan (a kTail scan would repair what
// it finds), then the index built from them.
void ScanSegment(SegmentCheck& check) {
  RecoveryReport report;
  const absl::Status status = check.segment->Scan(Segment::ScanMode::kSealed, &report);
  for (RecoveryProblem& problem : report.problems) check.problems.push_back(std::move(problem));
  if (!check.segment->scanned()) {
    check.problems.push_back(Corruption(check.path, 0, std::string(base::ToStd(status.message()))));
    return;
  }
  if (std::optional<RecoveryProblem> problem = CheckIndex(*check.segment)) check.problems.push_back(*problem);
}

// The tail's invalid record is a torn tail: recovery zeroes it and every
// byte up to the last non-zero one (Segment::ScanRecords in kTail mode).
void ReportDamageAsTorn(SegmentCheck& check) {
  const std::optional<uint64_t> damaged_at = check.segment->damaged_at();
  if (!damaged_at.has_value()) return;
  absl::StatusOr<std::shared_ptr<const base::MappedFile>> mapping = check.segment->Map();
  if (!mapping.ok()) return;
  for (RecoveryProblem& problem : check.problems) {
    if (problem.kind != Kind::kCorruption || problem.offset != *damaged_at) continue;
    problem.kind = Kind::kTornTail;
    problem.bytes_dropped = EndOfNonZero((*mapping)->contents(), *damaged_at) - *damaged_at;
    return;
  }
}

// Classifies the tail as Log::RecoverTail does. In the last accepted segment
// an invalid record, or non-zero bytes after the last valid one, is a torn
// tail; a file shorter than its capacity is extended with zeros first
// (Segment::RestoreCapacity); a tail left with no valid record is a roll cut
// short, which recovery removes before recovering the segment before it.
void ScanTail(std::vector<SegmentCheck>& checks, const VerifiedBytes& verified) {
  for (size_t i = checks.size(); i-- > 0;) {
    SegmentCheck& check = checks[i];
    if (check.segment == nullptr) continue;
    check.tail = true;
    verified(check.size);
    if (check.size < check.segment->capacity()) {
      // Not mappable read-only as it stands: its records are verified once
      // --fix (or the server) has extended it.
      check.problems.push_back(TornTail(check.path, check.size, 0,
                                        absl::StrFormat("file shorter than its capacity %d; recovery extends it "
                                                        "with zeros (records not verified)",
                                                        check.segment->capacity())));
      return;
    }
    ScanSegment(check);
    if (!check.segment->scanned()) return;
    ReportDamageAsTorn(check);
    if (check.segment->record_count() > 0) return;
    // One problem for the whole file, in place of the torn record that emptied it.
    std::string reason = "no valid record (a roll cut short); recovery removes the file";
    const auto torn = std::find_if(check.problems.begin(), check.problems.end(),
                                   [](const RecoveryProblem& problem) { return problem.kind == Kind::kTornTail; });
    if (torn != check.problems.end()) {
      reason = base::StrCat(torn->reason, ": ", reason);
      check.problems.erase(torn);
    }
    check.problems.push_back(TornTail(check.path, kSegmentHeaderSize, check.size, std::move(reason)));
    check.dropped_by_recovery = true;
  }
}

// Scans every other accepted segment as sealed: an invalid record is corruption.
void ScanSealed(std::vector<SegmentCheck>& checks, const VerifiedBytes& verified) {
  for (SegmentCheck& check : checks) {
    if (check.segment == nullptr || check.tail) continue;
    verified(check.size);
    if (check.size < check.segment->capacity()) {
      check.problems.push_back(Corruption(
          check.path, check.size,
          absl::StrFormat("file size %d is below the header's capacity %d", check.size, check.segment->capacity())));
      continue;
    }
    ScanSegment(check);
    if (check.segment->scanned() && check.segment->record_count() == 0 && !check.segment->damaged_at().has_value()) {
      check.problems.push_back(Corruption(check.path, kSegmentHeaderSize, "sealed segment holds no records"));
    }
  }
}

// IDs increase across segments, and each segment's first ordinal continues
// the count of the segment before it (when nothing refused lies between).
void CheckSequence(std::vector<SegmentCheck>& checks) {
  const Segment* before = nullptr;
  bool adjacent = false;
  for (SegmentCheck& check : checks) {
    if (!check.usable()) {
      adjacent = false;
      continue;
    }
    const Segment& segment = *check.segment;
    if (before != nullptr && before->record_count() > 0 && segment.record_count() > 0 &&
        before->last_id() >= segment.base_id()) {
      check.problems.push_back(
          Corruption(check.path, kSegmentHeaderSize,
                     absl::StrFormat("IDs out of order across segments: first ID %s is not above %s, the last of %s",
                                     FormatId(segment.base_id()), FormatId(before->last_id()), before->path())));
    }
    const uint64_t expected = before != nullptr ? before->first_ordinal() + before->record_count() : 0;
    if (adjacent && !before->damaged_at().has_value() && segment.first_ordinal() != expected) {
      check.problems.push_back(
          Corruption(check.path, kFirstOrdinalOffset,
                     absl::StrFormat("first ordinal %d does not continue the segment before (%d + %d records)",
                                     segment.first_ordinal(), before->first_ordinal(), before->record_count())));
    }
    before = &segment;
    adjacent = true;
  }
}

void Summarize(std::vector<SegmentCheck>& checks, const JournalSummary& journal, StreamReport* report) {
  report->segments = checks.size();
  uint64_t end_ordinal = journal.state.logical_first_ordinal;
  for (SegmentCheck& check : checks) {
    if (check.usable()) {
      report->records += check.segment->record_count();
      end_ordinal = check.segment->first_ordinal() + check.segment->record_count();
    }
    for (RecoveryProblem& problem : check.problems) report->problems.push_back(std::move(problem));
  }
  // As Log::RecomputeLength: records from the logical start on, less deletions.
  const uint64_t live = end_ordinal - std::min(end_ordinal, journal.state.logical_first_ordinal);
  report->entries = live >= journal.live_deleted ? live - journal.live_deleted : 0;
}

}  // namespace

StreamReport::Status StreamReport::status() const {
  if (problems.empty()) return Status::kOk;
  const bool corrupt = std::any_of(problems.begin(), problems.end(),
                                   [](const RecoveryProblem& problem) { return problem.kind == Kind::kCorruption; });
  return corrupt ? Status::kCorrupt : Status::kTornTail;
}

bool VerifyReport::valid() const {
  return std::all_of(streams.begin(), streams.end(),
                     [](const StreamReport& stream) { return stream.status() == StreamReport::Status::kOk; });
}

StreamReport VerifyStream(const StreamLocation& location, const VerifiedBytes& verified) {
  StreamReport report{.location = location};
  const VerifiedBytes done = [&](uint64_t bytes) {
    report.bytes += bytes;
    if (verified) verified(bytes);
  };
  if (!location.key.has_value()) {
    report.problems.push_back(
        Corruption(location.directory, 0, "the directory name does not decode to a stream key; the server skips it"));
  }
  absl::StatusOr<std::vector<std::string>> names = base::ListDirectory(location.directory);
  if (!names.ok()) {
    report.problems.push_back(Corruption(location.directory, 0, std::string(base::ToStd(names.status().message()))));
    return report;
  }
  std::sort(names->begin(), names->end());  // fixed-width hex names sort by base ID

  JournalSummary journal;
  std::vector<RecoveryProblem> journal_problems;
  if (std::find(names->begin(), names->end(), kMetaFileName) != names->end()) {
    const std::string path = base::StrCat(location.directory, "/", kMetaFileName);
    journal = VerifyJournal(path, &journal_problems);
    done(FileSize(path));
  }
  if (std::find(names->begin(), names->end(), kGroupsFileName) != names->end()) {
    const std::string path = base::StrCat(location.directory, "/", kGroupsFileName);
    VerifyGroupsJournal(path, &journal_problems);
    done(FileSize(path));
  }
  MappingCache cache(kMappingsPerStream);  // outlives the segments below
  std::vector<SegmentCheck> checks;
  for (const std::string& name : *names) {
    const std::optional<RecordId> base_id = ParseSegmentFileName(name);
    if (!base_id.has_value()) continue;
    SegmentCheck& check = checks.emplace_back();
    check.path = base::StrCat(location.directory, "/", name);
    check.size = FileSize(check.path);
    OpenSegment(check, *base_id, &cache);
    if (check.segment == nullptr) done(check.size);
  }
  ScanTail(checks, done);
  ScanSealed(checks, done);
  CheckSequence(checks);
  Summarize(checks, journal, &report);
  for (RecoveryProblem& problem : journal_problems) report.problems.push_back(std::move(problem));
  return report;
}

uint64_t StreamBytes(const StreamLocation& location) {
  absl::StatusOr<std::vector<std::string>> names = base::ListDirectory(location.directory);
  if (!names.ok()) return 0;
  uint64_t bytes = 0;
  for (const std::string& name : *names) {
    if (name == kMetaFileName || name == kGroupsFileName || ParseSegmentFileName(name).has_value()) {
      bytes += FileSize(base::StrCat(location.directory, "/", name));
    }
  }
  return bytes;
}

absl::StatusOr<VerifyReport> VerifyLog(const std::string& path, const VerifyOptions& options) {
  absl::StatusOr<std::vector<StreamLocation>> streams = FindStreams(path);
  if (!streams.ok()) return streams.status();
  uint64_t total = 0;
  for (const StreamLocation& location : *streams) total += StreamBytes(location);
  uint64_t done = 0;
  VerifyReport report;
  for (const StreamLocation& location : *streams) {
    report.streams.push_back(VerifyStream(location, [&](uint64_t bytes) {
      done += bytes;
      if (options.progress) options.progress(done, total);
    }));
  }
  return report;
}

}  // namespace runnel::log
