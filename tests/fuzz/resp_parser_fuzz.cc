// libFuzzer target for RespParser. Beyond "does not crash", every input checks
// the parser's contract:
// - consumed() never exceeds the input; a command consumes at least one byte
//   and has at least one argument;
// - every argument lies wholly inside the input, or wholly outside it (parser
//   storage for unescaped inline words);
// - feeding the stream in random reads, through a buffer that appends, drops
//   consumed prefixes and moves to a new allocation before every call, yields
//   the same commands, final result and error as feeding it in one read.
//
// Input layout: byte 0 selects the limits, bytes 1-4 seed the read sizes, the
// rest is the byte stream a client would send.

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "server/resp/resp_parser.h"

namespace runnel::resp {
namespace {

#define FUZZ_CHECK(cond)                                     \
  do {                                                       \
    if (!(cond)) {                                           \
      std::fprintf(stderr, "invariant failed: %s\n", #cond); \
      std::abort();                                          \
    }                                                        \
  } while (0)

struct Outcome {
  std::vector<std::vector<std::string>> commands;
  RespParser::Result last = RespParser::Result::kNeedMore;
  std::string error;
  bool operator==(const Outcome&) const = default;
};

ParserLimits LimitsFrom(uint8_t flags) {
  ParserLimits limits;
  limits.unauthenticated = (flags & 1) != 0;
  if (flags & 2) limits.max_bulk_len = 32;  // reachable within small inputs
  if (flags & 4) limits.max_multibulk_len = 4;
  return limits;
}

void CheckArgs(const RespParser& parser, std::string_view input) {
  FUZZ_CHECK(parser.consumed() > 0);
  FUZZ_CHECK(!parser.args().empty());
  const char* begin = input.data();
  const char* end = begin + input.size();
  for (std::string_view arg : parser.args()) {
    const char* a = arg.data();
    const bool inside = a >= begin && a < end;
    if (inside) {
      FUZZ_CHECK(arg.size() <= static_cast<size_t>(end - a));
      FUZZ_CHECK(a + arg.size() <= begin + parser.consumed());
    } else if (!arg.empty()) {
      // Parser storage must not overlap the caller's bytes.
      FUZZ_CHECK(a + arg.size() <= begin || a >= end);
    }
  }
}

// Feeds `stream` in reads drawn from `rng` (one read of everything when null).
Outcome Run(std::string_view stream, const ParserLimits& limits, std::minstd_rand* rng) {
  RespParser parser(limits);
  Outcome outcome;
  std::string buffer;
  const size_t max_read = rng == nullptr ? stream.size() : size_t{1} << ((*rng)() % 9);
  size_t fed = 0;
  do {
    const size_t read = rng == nullptr ? stream.size() : 1 + (*rng)() % max_read;
    buffer.append(stream.substr(fed, read));
    fed = std::min(stream.size(), fed + read);
    for (;;) {
      // A fresh, exactly sized copy: stale pointers and over-reads trip ASan.
      std::unique_ptr<char[]> copy(new char[buffer.size() + (buffer.empty() ? 1 : 0)]);
      std::memcpy(copy.get(), buffer.data(), buffer.size());
      const std::string_view input(copy.get(), buffer.size());
      outcome.last = parser.Parse(input);
      FUZZ_CHECK(parser.consumed() <= input.size());
      if (outcome.last == RespParser::Result::kError) {
        FUZZ_CHECK(!parser.error().empty());
        outcome.error = parser.error();
        // The parser is spent: it keeps failing with the same text.
        FUZZ_CHECK(parser.Parse(input) == RespParser::Result::kError);
        return outcome;
      }
      if (outcome.last == RespParser::Result::kNeedMore) {
        buffer.erase(0, parser.consumed());
        break;
      }
      CheckArgs(parser, input);
      outcome.commands.emplace_back(parser.args().begin(), parser.args().end());
      buffer.erase(0, parser.consumed());
    }
  } while (fed < stream.size());
  return outcome;
}

}  // namespace
}  // namespace runnel::resp

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using runnel::resp::Outcome;
  if (size < 5) return 0;
  const runnel::resp::ParserLimits limits = runnel::resp::LimitsFrom(data[0]);
  uint32_t seed = 0;
  std::memcpy(&seed, data + 1, sizeof(seed));
  const std::string_view stream(reinterpret_cast<const char*>(data) + 5, size - 5);

  const Outcome whole = runnel::resp::Run(stream, limits, nullptr);
  std::minstd_rand rng(seed);
  const Outcome split = runnel::resp::Run(stream, limits, &rng);
  FUZZ_CHECK(whole == split);
  return 0;
}
