// A randomized model test of one stream: the same random sequence of XADD
// (explicit, "<ms>-*" and "*" IDs, with and without exact MAXLEN/MINID
// trims), XDEL, XTRIM and XSETID goes to the server and to a small model of a
// Redis 7.0 stream (an ordered map, the last ID, entries-added and the largest
// deleted ID). After every step XLEN, XRANGE and XREVRANGE over random bounds
// and COUNTs, and XINFO STREAM's fields must agree with the model; every few
// steps the server restarts (SHUTDOWN, or SIGKILL: appendfsync is always, so
// nothing acknowledged may be lost) and must agree again.
//
// Approximate ("~") trims remove what Redis's node layout allows, which the
// model does not imitate: only their invariants are checked (a prefix goes,
// and at least the threshold stays), then the model takes the server's entries.
//
// Seeds are fixed; a failure names the seed, the step and the command.
#include <signal.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "tests/integration/stream_test_support.h"

namespace runnel::testing {
namespace {

using Id = std::pair<uint64_t, uint64_t>;  // ms, seq

std::string Format(Id id) { return std::to_string(id.first) + "-" + std::to_string(id.second); }

constexpr char kKey[] = "s";
constexpr char kBelowTop[] = "ERR The ID specified in XSETID is smaller than the target stream top item";
constexpr char kBelowLength[] = "ERR The entries_added specified in XSETID is smaller than the target stream length";
constexpr char kBelowMaxDeleted[] =
    "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id";

// What Redis keeps for a stream, and what Runnel's log pins.
struct Model {
  std::map<Id, std::vector<std::string>> entries;
  Id last{0, 0};
  uint64_t entries_added = 0;
  Id max_deleted{0, 0};
  bool exists = false;
  // The largest ID appended since the log last dropped records above the
  // last ID (an XSETID below them): only for counting those cases.
  Id highest_record{0, 0};
};

class StreamModelTest : public ServerTest {
 protected:
  void SetUp() override {
    extra_args_ = {"--appendfsync", "always"};
    Restart();
  }

  void RestartAfterShutdown() {
    client_->SendRaw(RespClient::Encode({"SHUTDOWN"}));
    EXPECT_TRUE(client_->WaitForClose());  // no reply: the connection closes
    client_.reset();
    EXPECT_EQ(server_->WaitForExit(std::chrono::seconds(20)), 0) << server_->log();
    server_.reset();
    Restart();
  }

  uint64_t Rand(uint64_t lo, uint64_t hi) { return std::uniform_int_distribution<uint64_t>(lo, hi)(rng_); }
  bool Chance(int percent) { return Rand(1, 100) <= static_cast<uint64_t>(percent); }

  // An ID near the stream's: around the last ID or an existing entry.
  Id NearId() {
    Id base = model_.last;
    if (!model_.entries.empty() && Chance(50)) {
      auto it = model_.entries.begin();
      std::advance(it, static_cast<long>(Rand(0, model_.entries.size() - 1)));
      base = it->first;
    }
    const uint64_t ms = base.first + Rand(0, 3) - std::min<uint64_t>(base.first, Rand(0, 2));
    return {ms, Rand(0, 3)};
  }
  std::vector<std::string> Fields() {
    std::vector<std::string> fields;
    const uint64_t pairs = Rand(1, 3);
    for (uint64_t i = 0; i < pairs; ++i) {
      fields.push_back(Chance(70) ? "f" + std::to_string(i) : "k" + std::to_string(Rand(0, 99)));
      // Mostly small values; some large ones so segments roll and "~" trims drop them.
      fields.push_back(std::string(Chance(20) ? Rand(500, 6000) : Rand(0, 20), static_cast<char>('a' + Rand(0, 25))));
    }
    return fields;
  }

  // ---- the steps: each sends one command and updates the model ----

  void Append(Id id, const std::vector<std::string>& fields) {
    model_.entries[id] = fields;
    model_.last = id;
    model_.highest_record = std::max(model_.highest_record, id);
    ++model_.entries_added;
    model_.exists = true;
  }
  // Exact trims: MAXLEN n keeps the newest n, MINID id the entries >= id.
  uint64_t TrimExact(bool maxlen, uint64_t n, Id min_id) {
    uint64_t removed = 0;
    while (!model_.entries.empty() && (maxlen ? model_.entries.size() > n : model_.entries.begin()->first < min_id)) {
      model_.entries.erase(model_.entries.begin());
      ++removed;
    }
    return removed;
  }
  // A trim option: {"MAXLEN"|"MINID", maybe "=" or "~", threshold}.
  struct Trim {
    std::vector<std::string> args;
    bool approximate = false;
    bool maxlen = true;
    uint64_t n = 0;
    Id min_id;
  };
  Trim RandomTrim() {
    Trim t;
    t.maxlen = Chance(50);
    t.approximate = Chance(25);
    t.args.push_back(t.maxlen ? "MAXLEN" : "MINID");
    if (t.approximate) t.args.push_back("~");
    else if (Chance(50)) t.args.push_back("=");
    if (t.maxlen) {
      // Mostly trims that leave entries: an emptied stream repeats itself.
      const uint64_t length = model_.entries.size();
      t.n = Chance(80) ? Rand(length / 2, length + 2) : Rand(0, length + 2);
      t.args.push_back(std::to_string(t.n));
    } else {
      t.min_id = NearId();
      t.args.push_back(Format(t.min_id));
    }
    return t;
  }
  // After an approximate trim: the server removed a prefix of the model,
  // kept at least the threshold, and becomes the model's content.
  void CheckApproximateTrim(const Trim& t, std::optional<uint64_t> reply_removed) {
    const Entries server = ToEntries(Run({"XRANGE", kKey, "-", "+"}));
    ASSERT_LE(server.size(), model_.entries.size());
    const uint64_t removed = model_.entries.size() - server.size();
    ++seen_[removed > 0 ? "approximate trim removing entries" : "approximate trim removing nothing"];
    if (reply_removed.has_value()) {
      EXPECT_EQ(*reply_removed, removed);
    }
    auto it = model_.entries.begin();
    std::advance(it, static_cast<long>(removed));
    for (const Entry& e : server) {
      ASSERT_TRUE(it != model_.entries.end() && Format(it->first) == e.first && it->second == e.second)
          << "not a prefix removal at " << e.first;
      ++it;
    }
    const uint64_t at_least = t.maxlen ? std::min<uint64_t>(t.n, model_.entries.size())
                                       : static_cast<uint64_t>(std::count_if(
                                             model_.entries.begin(), model_.entries.end(),
                                             [&](const auto& kv) { return kv.first >= t.min_id; }));
    EXPECT_GE(server.size(), at_least);
    for (uint64_t i = 0; i < removed; ++i) model_.entries.erase(model_.entries.begin());
  }

  void StepXAdd() {
    std::vector<std::string> args = {"XADD", kKey};
    std::optional<Trim> trim;
    if (Chance(30)) {
      trim = RandomTrim();
      args.insert(args.end(), trim->args.begin(), trim->args.end());
    }
    // The ID: explicit (sometimes not above the last), "<ms>-*" or "*".
    const int kind = static_cast<int>(Rand(0, 9));
    std::optional<Id> expected;
    std::string error;
    if (kind < 6) {
      const Id above = Chance(50) ? Id{model_.last.first + Rand(1, 3), Rand(0, 3)}
                                  : Id{model_.last.first, model_.last.second + Rand(1, 3)};
      const Id id = kind == 0 ? model_.last : kind < 3 ? NearId() : above;
      args.push_back(Format(id));
      if (id == Id{0, 0}) error = kZeroId;
      else if (id <= model_.last) error = kTopItem;
      else expected = id;
    } else if (kind < 8) {
      const uint64_t ms = model_.last.first + Rand(0, 2) - std::min<uint64_t>(model_.last.first, Rand(0, 1));
      args.push_back(std::to_string(ms) + "-*");
      if (ms < model_.last.first) error = kTopItem;
      else expected = ms > model_.last.first ? Id{ms, 0} : Id{ms, model_.last.second + 1};
    } else {
      args.push_back("*");
    }
    const std::vector<std::string> fields = Fields();
    args.insert(args.end(), fields.begin(), fields.end());
    last_command_ = Describe(args);
    SCOPED_TRACE(last_command_);
    const RespValue reply = Run(args);
    ++seen_[error.empty() ? "XADD ok" : "XADD error"];
    if (!error.empty()) {
      EXPECT_THAT(reply, IsError(error));
      return;
    }
    ASSERT_EQ(reply.type, RespValue::Type::kBulk) << reply;
    const auto [ms, seq] = SplitId(reply.str);
    if (expected.has_value()) {
      EXPECT_EQ((Id{ms, seq}), *expected);
    }
    ASSERT_GT((Id{ms, seq}), model_.last);
    Append({ms, seq}, fields);
    if (!trim.has_value()) return;
    if (trim->approximate) return CheckApproximateTrim(*trim, std::nullopt);
    TrimExact(trim->maxlen, trim->n, trim->min_id);
  }

  void StepXDel() {
    std::vector<std::string> args = {"XDEL", kKey};
    const uint64_t n = Rand(1, 2);
    for (uint64_t i = 0; i < n; ++i) {
      Id id = NearId();
      if (!model_.entries.empty() && Chance(60)) {
        auto it = model_.entries.begin();
        std::advance(it, static_cast<long>(Rand(0, model_.entries.size() - 1)));
        id = it->first;
      }
      args.push_back(Format(id));
    }
    last_command_ = Describe(args);
    SCOPED_TRACE(last_command_);
    int64_t deleted = 0;
    for (size_t i = 2; i < args.size(); ++i) {
      const auto id = SplitId(args[i]);
      if (model_.entries.erase(id) == 0) continue;
      ++deleted;
      model_.max_deleted = std::max(model_.max_deleted, Id(id));
    }
    EXPECT_THAT(Run(args), IsInt(model_.exists ? deleted : 0));
  }

  void StepXTrim() {
    const Trim trim = RandomTrim();
    std::vector<std::string> args = {"XTRIM", kKey};
    args.insert(args.end(), trim.args.begin(), trim.args.end());
    last_command_ = Describe(args);
    SCOPED_TRACE(last_command_);
    const RespValue reply = Run(args);
    ASSERT_EQ(reply.type, RespValue::Type::kInteger) << reply;
    if (trim.approximate) return CheckApproximateTrim(trim, static_cast<uint64_t>(reply.integer));
    EXPECT_EQ(static_cast<uint64_t>(reply.integer), TrimExact(trim.maxlen, trim.n, trim.min_id));
  }

  void StepXSetId() {
    const std::optional<Id> top =
        model_.entries.empty() ? std::nullopt : std::optional<Id>(model_.entries.rbegin()->first);
    Id id;
    switch (Rand(0, 5)) {
      case 0: id = top.value_or(model_.last); break;
      case 1: id = {model_.last.first + Rand(0, 5), Rand(0, 3)}; break;
      case 2: id = {Rand(0, 3), Rand(0, 3)}; break;  // low: an empty stream takes it
      case 3:  // between the top item and entries deleted after it
        id = top.has_value() ? Id{top->first, top->second + Rand(0, 2)} : NearId();
        break;
      default: id = NearId(); break;
    }
    std::vector<std::string> args = {"XSETID", kKey, Format(id)};
    std::optional<uint64_t> entries_added;
    std::optional<Id> max_deleted;
    if (Chance(40)) {
      const uint64_t length = model_.entries.size();
      entries_added = Rand(length - std::min<uint64_t>(length, 1), model_.entries_added + 5);
      args.insert(args.end(), {"ENTRIESADDED", std::to_string(*entries_added)});
    }
    if (Chance(40)) {
      max_deleted = Chance(20) ? Id{0, 0} : Id{Rand(0, id.first + 1), Rand(0, 3)};
      args.insert(args.end(), {"MAXDELETEDID", Format(*max_deleted)});
    }
    last_command_ = Describe(args);
    SCOPED_TRACE(last_command_);
    const RespValue reply = Run(args);
    // Redis 7.0's checks, in its order.
    if (max_deleted.has_value() && id < *max_deleted) {
      EXPECT_THAT(reply, IsError(kBelowMaxDeleted));
      return;
    }
    if (!model_.exists) {
      EXPECT_THAT(reply, IsError("ERR no such key"));
      return;
    }
    if (top.has_value() && id < *top) {
      ++seen_["XSETID below the top item"];
      EXPECT_THAT(reply, IsError(kBelowTop));
      return;
    }
    if (top.has_value() && entries_added.has_value() && *entries_added < model_.entries.size()) {
      EXPECT_THAT(reply, IsError(kBelowLength));
      return;
    }
    ASSERT_THAT(reply, IsSimple("OK"));
    ++seen_[id < model_.last ? "XSETID lowering the last ID" : "XSETID ok"];
    if (id < model_.highest_record) {
      // The log removed the (deleted) records above the new last ID, so new
      // entries may take their IDs: Redis's behaviour, checked from here on.
      ++seen_[top.has_value() ? "XSETID below entries deleted from the end" : "XSETID on an empty stream below its records"];
      model_.highest_record = id;
    }
    model_.last = id;
    if (entries_added.has_value()) model_.entries_added = *entries_added;
    if (max_deleted.has_value() && *max_deleted != Id{0, 0}) model_.max_deleted = *max_deleted;
  }

  // ---- the checks ----

  // A random XRANGE bound: "-"/"+", an ID, an incomplete ID, or exclusive.
  // Returns the text and the inclusive ID it means (nullopt: empty range).
  std::pair<std::string, std::optional<Id>> RandomBound(bool is_start) {
    if (Chance(15)) return {is_start ? "-" : "+", is_start ? Id{0, 0} : Id{UINT64_MAX, UINT64_MAX}};
    const Id id = NearId();
    if (Chance(20)) {
      return {std::to_string(id.first), is_start ? Id{id.first, 0} : Id{id.first, UINT64_MAX}};
    }
    if (Chance(25) && (is_start || id != Id{0, 0})) {  // "(0-0" as an end is an error
      // (id: the next ID up for a start, the previous one down for an end.
      std::optional<Id> inclusive;
      if (is_start) inclusive = Id{id.first, id.second + 1};
      else inclusive = id.second > 0 ? Id{id.first, id.second - 1} : Id{id.first - 1, UINT64_MAX};
      return {"(" + Format(id), inclusive};
    }
    return {Format(id), id};
  }

  void CheckRanges() {
    for (bool reverse : {false, true}) {
      const auto [start_text, start] = RandomBound(true);
      const auto [end_text, end] = RandomBound(false);
      std::vector<std::string> args = {reverse ? "XREVRANGE" : "XRANGE", kKey, reverse ? end_text : start_text,
                                       reverse ? start_text : end_text};
      std::optional<uint64_t> count;
      if (Chance(40)) {
        count = Rand(0, 5);
        args.insert(args.end(), {"COUNT", std::to_string(*count)});
      }
      SCOPED_TRACE(Describe(args));
      const RespValue reply = Run(args);
      if (count == 0u && model_.exists) {
        EXPECT_THAT(reply, IsNullArray());
        continue;
      }
      Entries expected;
      if (start.has_value() && end.has_value()) {
        for (const auto& [id, fields] : model_.entries) {
          if (id >= *start && id <= *end) expected.push_back({Format(id), fields});
        }
      }
      if (reverse) std::reverse(expected.begin(), expected.end());
      if (count.has_value() && expected.size() > *count) expected.resize(*count);
      EXPECT_EQ(ToEntries(reply), expected);
    }
  }

  void CheckInfo() {
    EXPECT_THAT(Run({"XLEN", kKey}), IsInt(static_cast<int64_t>(model_.entries.size())));
    const RespValue info = Run({"XINFO", "STREAM", kKey});
    if (!model_.exists) {
      EXPECT_THAT(info, IsError("ERR no such key"));
      return;
    }
    auto field = [&](const char* name) {
      const RespValue* value = info.Find(name);
      return value == nullptr ? RespValue{.type = RespValue::Type::kError, .str = name} : *value;
    };
    EXPECT_THAT(field("length"), IsInt(static_cast<int64_t>(model_.entries.size())));
    EXPECT_THAT(field("last-generated-id"), IsBulk(Format(model_.last)));
    EXPECT_THAT(field("max-deleted-entry-id"), IsBulk(Format(model_.max_deleted)));
    EXPECT_THAT(field("entries-added"), IsInt(static_cast<int64_t>(model_.entries_added)));
    const Id first = model_.entries.empty() ? Id{0, 0} : model_.entries.begin()->first;
    EXPECT_THAT(field("recorded-first-entry-id"), IsBulk(Format(first)));
    EXPECT_THAT(field("groups"), IsInt(0));
    if (model_.entries.empty()) {
      EXPECT_THAT(field("first-entry"), IsNull());
      EXPECT_THAT(field("last-entry"), IsNull());
      return;
    }
    auto as_entries = [](const RespValue& v) {
      return ToEntries(RespValue{.type = RespValue::Type::kArray, .elements = {v}});
    };
    const auto& [first_id, first_fields] = *model_.entries.begin();
    const auto& [last_id, last_fields] = *model_.entries.rbegin();
    EXPECT_EQ(as_entries(field("first-entry")), (Entries{{Format(first_id), first_fields}}));
    EXPECT_EQ(as_entries(field("last-entry")), (Entries{{Format(last_id), last_fields}}));
  }

  void CheckAll() {
    CheckInfo();
    CheckRanges();
    if (model_.exists) {
      Entries all;
      for (const auto& [id, fields] : model_.entries) all.push_back({Format(id), fields});
      EXPECT_EQ(ToEntries(Run({"XRANGE", kKey, "-", "+"})), all);
    }
  }

  int64_t InfoInt(const char* name) {
    const RespValue info = Run({"XINFO", "STREAM", kKey});
    const RespValue* value = info.Find(name);
    return value == nullptr ? -1 : value->integer;
  }

  static std::string Describe(const std::vector<std::string>& args) {
    std::string out;
    for (const std::string& a : args) {
      if (!out.empty()) out += " ";
      out += a.size() > 24 ? "<" + std::to_string(a.size()) + " bytes>" : a;  // values can be kilobytes
    }
    return out;
  }

  void RunSeed(uint32_t seed, int steps) {
    rng_.seed(seed);
    model_ = Model{};
    ASSERT_THAT(Run({"FLUSHALL"}), IsSimple("OK"));
    for (int step = 0; step < steps; ++step) {
      SCOPED_TRACE("seed " + std::to_string(seed) + ", step " + std::to_string(step));
      const uint64_t op = Rand(0, 99);
      if (op < 45 || !model_.exists) StepXAdd();
      else if (op < 65) StepXDel();
      else if (op < 80) StepXTrim();
      else StepXSetId();
      if (HasFailure()) return;
      SCOPED_TRACE("after " + last_command_);
      CheckAll();
      if (model_.entries.empty() && model_.exists) ++seen_["empty stream"];
      ++seen_["segments: " + std::to_string(std::min<int64_t>(3, InfoInt("radix-tree-keys")))];
      if (step % 40 == 39) {
        if (step % 80 == 79) KillAndRestart();
        else RestartAfterShutdown();
        SCOPED_TRACE("after a restart");
        CheckAll();
      }
      if (HasFailure()) return;
    }
  }

  std::mt19937_64 rng_;
  Model model_;
  // How often each outcome happened, printed at the end: a run that never
  // reaches an outcome tests nothing about it.
  std::map<std::string, int> seen_;
  std::string last_command_;  // the step's command, named when a check fails
};
RUNNEL_BACKEND_TESTS(StreamModelTest);

TEST_P(StreamModelTest, RandomCommandsAgreeWithTheModelAcrossRestarts) {
  for (uint32_t seed : {1u, 2u, 3u, 4u}) {
    RunSeed(seed, 160);
    if (HasFailure()) {
      ADD_FAILURE() << "failing seed: " << seed;
      return;
    }
  }
  for (const auto& [outcome, times] : seen_) std::cout << outcome << ": " << times << "\n";
}

}  // namespace
}  // namespace runnel::testing
