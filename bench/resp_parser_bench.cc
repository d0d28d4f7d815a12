// Micro-benchmarks for the RESP layer.
//
// Parsing: commands/s over a pipelined buffer of 1000 identical commands, as a
// connection sees it after one big read; "items" are commands. One variant
// delivers the same bytes in 16 KiB reads to measure resuming across reads.
// Encoding: replies/s into an OutputBuffer that is drained after every batch,
// so its memory stays bounded as it does when the loop keeps sending.
//
// Run: build/<dir>/bench/resp_parser_bench [--benchmark_filter=Parse]

#include <benchmark/benchmark.h>

#include <string>
#include <string_view>
#include <vector>

#include "server/io/output_buffer.h"
#include "server/resp/resp_parser.h"
#include "server/resp/resp_writer.h"

namespace runnel::resp {
namespace {

constexpr int kPipelineDepth = 1000;

std::string Multibulk(const std::vector<std::string>& args) {
  std::string out;
  out.append("*").append(std::to_string(args.size())).append("\r\n");
  for (const std::string& a : args) {
    out.append("$").append(std::to_string(a.size())).append("\r\n").append(a).append("\r\n");
  }
  return out;
}

std::string Repeat(const std::string& command, int n) {
  std::string out;
  out.reserve(command.size() * n);
  for (int i = 0; i < n; ++i) out += command;
  return out;
}

// --- Parsing -----------------------------------------------------------------

void BM_ParsePipeline(benchmark::State& state, const std::string& command) {
  const std::string input = Repeat(command, kPipelineDepth);
  RespParser parser;
  for (auto _ : state) {
    std::string_view rest = input;
    int commands = 0;
    while (parser.Parse(rest) == RespParser::Result::kCommand) {
      benchmark::DoNotOptimize(parser.args().data());
      rest.remove_prefix(parser.consumed());
      ++commands;
    }
    if (commands != kPipelineDepth) state.SkipWithError("parse failed");
  }
  state.SetItemsProcessed(state.iterations() * kPipelineDepth);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(input.size()));
}

BENCHMARK_CAPTURE(BM_ParsePipeline, ping_multibulk, Multibulk({"PING"}));
BENCHMARK_CAPTURE(BM_ParsePipeline, set_3b_multibulk, Multibulk({"SET", "key:0001", "abc"}));
BENCHMARK_CAPTURE(BM_ParsePipeline, set_1kb_multibulk,
                  Multibulk({"SET", "key:0001", std::string(1024, 'v')}));
BENCHMARK_CAPTURE(BM_ParsePipeline, xadd_multibulk,
                  Multibulk({"XADD", "stream", "*", "sensor", "42", "temp", "21.5"}));
BENCHMARK_CAPTURE(BM_ParsePipeline, ping_inline, std::string("PING\r\n"));
BENCHMARK_CAPTURE(BM_ParsePipeline, set_3b_inline, std::string("SET key:0001 abc\r\n"));

// The same pipeline arriving in reads of `read_size` bytes: the connection
// appends each read, parses what is complete and keeps the partial tail.
void BM_ParsePipelineInReads(benchmark::State& state, const std::string& command) {
  const std::string input = Repeat(command, kPipelineDepth);
  const size_t read_size = static_cast<size_t>(state.range(0));
  RespParser parser;
  std::string buffer;
  buffer.reserve(2 * read_size + command.size());
  for (auto _ : state) {
    int commands = 0;
    for (size_t fed = 0; fed < input.size(); fed += read_size) {
      buffer.append(input, fed, read_size);
      size_t used = 0;
      while (parser.Parse(std::string_view(buffer).substr(used)) == RespParser::Result::kCommand) {
        used += parser.consumed();
        ++commands;
      }
      buffer.erase(0, used);
    }
    if (commands != kPipelineDepth) state.SkipWithError("parse failed");
  }
  state.SetItemsProcessed(state.iterations() * kPipelineDepth);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(input.size()));
}

BENCHMARK_CAPTURE(BM_ParsePipelineInReads, set_1kb_multibulk,
                  Multibulk({"SET", "key:0001", std::string(1024, 'v')}))
    ->Arg(16 * 1024);
BENCHMARK_CAPTURE(BM_ParsePipelineInReads, set_3b_multibulk, Multibulk({"SET", "key:0001", "abc"}))
    ->Arg(16 * 1024);

// --- Encoding ----------------------------------------------------------------

// Runs `write` kBatch times per iteration, then drains the buffer.
template <typename Write>
void EncodeBatches(benchmark::State& state, Protocol protocol, Write write) {
  constexpr int kBatch = 1000;
  io::OutputBuffer out;
  ReplyBuilder builder(&out);
  builder.set_protocol(protocol);
  for (auto _ : state) {
    for (int i = 0; i < kBatch; ++i) write(builder, i);
    benchmark::DoNotOptimize(out.size());
    out.ConsumeSent(out.size());
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}

void BM_EncodeBulk16(benchmark::State& state) {
  const std::string value(16, 'v');
  EncodeBatches(state, Protocol::kResp2, [&](ReplyBuilder& b, int) { b.Bulk(value); });
}
BENCHMARK(BM_EncodeBulk16);

void BM_EncodeBulk1K(benchmark::State& state) {
  const std::string value(1024, 'v');
  EncodeBatches(state, Protocol::kResp2, [&](ReplyBuilder& b, int) { b.Bulk(value); });
}
BENCHMARK(BM_EncodeBulk1K);

void BM_EncodeInteger(benchmark::State& state) {
  EncodeBatches(state, Protocol::kResp2,
                [](ReplyBuilder& b, int i) { b.Integer(1700000000000LL + i); });
}
BENCHMARK(BM_EncodeInteger);

void BM_EncodeDoubleResp3(benchmark::State& state) {
  EncodeBatches(state, Protocol::kResp3, [](ReplyBuilder& b, int i) { b.Double(i * 0.25 + 0.1); });
}
BENCHMARK(BM_EncodeDoubleResp3);

// One stream entry as XRANGE returns it: [id, [field, value, field, value]].
void BM_EncodeStreamEntry(benchmark::State& state) {
  EncodeBatches(state, Protocol::kResp2, [](ReplyBuilder& b, int) {
    b.Array(2);
    b.Bulk("1700000000000-0");
    b.BulkArray({"sensor", "42", "temp", "21.5"});
  });
}
BENCHMARK(BM_EncodeStreamEntry);

}  // namespace
}  // namespace runnel::resp

BENCHMARK_MAIN();
