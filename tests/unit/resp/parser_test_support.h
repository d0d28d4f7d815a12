// Helpers shared by the RespParser tests: parse a whole stream, or feed it
// in given reads through a caller-style buffer, and compare outcomes.
#pragma once

#include "server/resp/resp_parser.h"

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <new>
#include <ostream>
#include <random>
#include <string>
#include <string_view>
#include <vector>
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace runnel::resp::test_support {


using Result = RespParser::Result;
using Command = std::vector<std::string>;

// What a connection would see after feeding a whole stream.
struct Outcome {
  std::vector<Command> commands;
  Result last = Result::kNeedMore;
  std::string error;
  bool operator==(const Outcome&) const = default;
};

inline std::ostream& operator<<(std::ostream& os, const Outcome& o) {
  os << o.commands.size() << " commands, last=" << static_cast<int>(o.last) << " error='" << o.error
     << "'";
  for (const Command& c : o.commands) {
    os << "\n ";
    for (const std::string& a : c) os << " [" << a << "]";
  }
  return os;
}

// Feeds `stream` in reads of the given sizes as a connection does: appends
// each read to its buffer, parses every complete command, drops the bytes
// consumed. Each Parse() sees a fresh, exactly sized copy of the buffer, so a
// parser that kept pointers into an old buffer or read past the end would be
// caught (by the checks below or by ASan).
inline Outcome FeedInReads(std::string_view stream, const std::vector<size_t>& reads,
                    ParserLimits limits = {}) {
  RespParser parser(limits);
  Outcome outcome;
  std::string buffer;
  size_t fed = 0;
  for (size_t read : reads) {
    buffer.append(stream.substr(fed, read));
    fed += read;
    for (;;) {
      auto copy = std::make_unique<char[]>(std::max<size_t>(buffer.size(), 1));
      buffer.copy(copy.get(), buffer.size());
      const std::string_view input(copy.get(), buffer.size());
      outcome.last = parser.Parse(input);
      EXPECT_LE(parser.consumed(), input.size());
      if (outcome.last == Result::kError) {
        outcome.error = parser.error();
        return outcome;
      }
      if (outcome.last == Result::kNeedMore) {
        buffer.erase(0, parser.consumed());
        break;
      }
      EXPECT_GT(parser.consumed(), 0u);
      EXPECT_FALSE(parser.args().empty());
      Command command;
      for (std::string_view arg : parser.args()) {
        // Either inside the input or wholly outside it (parser storage).
        const bool starts_inside =
            arg.data() >= input.data() && arg.data() < input.data() + input.size();
        if (starts_inside) {
          EXPECT_LE(arg.data() + arg.size(), input.data() + parser.consumed());
        }
        command.emplace_back(arg);
      }
      outcome.commands.push_back(std::move(command));
      buffer.erase(0, parser.consumed());
    }
  }
  return outcome;
}

inline Outcome ParseAll(std::string_view stream, ParserLimits limits = {}) {
  return FeedInReads(stream, {stream.size()}, limits);
}

// Expects `stream` to fail with `error` once all of it has arrived.
inline void ExpectError(std::string_view stream, std::string_view error, ParserLimits limits = {}) {
  const Outcome outcome = ParseAll(stream, limits);
  EXPECT_EQ(outcome.last, Result::kError) << outcome;
  EXPECT_EQ(outcome.error, error);
}

inline std::string Multibulk(const std::vector<std::string>& args) {
  std::string out;
  out.append("*").append(std::to_string(args.size())).append("\r\n");
  for (const std::string& a : args) {
    out.append("$").append(std::to_string(a.size())).append("\r\n").append(a).append("\r\n");
  }
  return out;
}

inline std::string LongLine(size_t n, char c = '1') { return std::string(n, c); }

inline constexpr size_t kMax = RespParser::kMaxLineLength;

}  // namespace runnel::resp::test_support
