// libFuzzer target: random command streams against an in-process server.
//
// Each input runs a fresh runnel::Server (its own data directory, the
// default configuration but `appendfsync no` and a 1 MiB proto-max-bulk-len,
// so a fuzzed SETRANGE cannot ask for 512 MB) behind a MemoryLoop with three
// clients. The input is a list of chunks separated by NUL bytes; a chunk's
// first byte says who acts and how, the rest is what that client sends
// (RESP or inline commands, split anywhere):
//
//   byte % 3       which client (0, 1, 2)
//   byte & 0x40    the client stops reading replies (until a chunk without it)
//   byte & 0x80    the client hangs up first and a new one takes its place
//
// A loop turn (blocked clients served, timers, sending) follows every chunk.
// Beyond ASan/UBSan, every byte a client receives must be well-formed RESP
// (ReplyChecker): a reply that would desynchronise a real client aborts.
// The server's own asserts and Close()/Output() misuse abort too.
//
// Commands that would leave the sandbox are harmless here: `dir`, `aclfile`
// and `logfile` cannot be changed at run time, SHUTDOWN only stops a loop
// nobody runs, and CONFIG REWRITE has no file to write.
#include <stdlib.h>
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/logging.h"
#include "server/config/config_file.h"
#include "server/config/config_schema.h"
#include "server/server.h"
#include "tests/fuzz/memory_loop.h"
#include "tests/fuzz/reply_checker.h"

namespace {

using runnel::fuzz::MemoryLoop;
using runnel::fuzz::ReplyChecker;
using runnel::io::ConnectionId;

constexpr int kClients = 3;

// One scratch directory per process (made in LLVMFuzzerInitialize, removed
// at exit); each input gets a fresh one inside.
char scratch_root[] = "/tmp/runnel-command-fuzz-XXXXXX";

void RemoveScratchRoot() {
  std::error_code ignored;
  std::filesystem::remove_all(scratch_root, ignored);
}

struct Client {
  ConnectionId id;
  ReplyChecker replies;
};

void Run(std::string_view input, const std::string& dir) {
  runnel::config::ConfigSchema schema;
  runnel::config::ServerConfig config;
  const absl::Status loaded = runnel::config::LoadConfig(
      schema, {"--dir", dir, "--port", "0", "--bind", "127.0.0.1", "--appendfsync", "no", "--proto-max-bulk-len", "1mb",
              "--loglevel", "nothing"},
      config);
  if (!loaded.ok()) std::abort();

  std::array<Client, kClients> clients;
  MemoryLoop* loop = nullptr;
  runnel::Server server(std::move(config));
  server.set_loop_factory([&](runnel::io::LoopHandler* handler) {
    auto memory_loop = std::make_unique<MemoryLoop>(handler, [&](ConnectionId id, std::string_view bytes) {
      for (Client& client : clients) {
        if (!(client.id == id)) continue;
        if (!client.replies.Feed(bytes)) {
          std::fprintf(stderr, "malformed reply after %zu frames: %s\n", client.replies.frames(),
                       client.replies.error().c_str());
          std::abort();
        }
      }
    });
    loop = memory_loop.get();
    return absl::StatusOr<std::unique_ptr<runnel::io::EventLoop>>(std::move(memory_loop));
  });
  if (!server.Start().ok()) std::abort();

  auto connect = [&](Client& client) {
    client.replies = ReplyChecker();
    client.id = loop->Connect();
  };
  for (Client& client : clients) connect(client);

  size_t start = 0;
  while (start < input.size()) {
    size_t end = input.find('\0', start);
    if (end == std::string_view::npos) end = input.size();
    const std::string_view chunk = input.substr(start, end - start);
    start = end + 1;
    if (chunk.empty()) continue;
    const auto control = static_cast<uint8_t>(chunk[0]);
    Client& client = clients[control % kClients];
    if (control & 0x80) {
      loop->Disconnect(client.id);
      connect(client);
    }
    loop->SetReading(client.id, (control & 0x40) == 0);
    loop->Receive(client.id, chunk.substr(1));
    loop->Turn();
  }
  for (Client& client : clients) loop->SetReading(client.id, true);
  loop->Turn();
  for (Client& client : clients) loop->Disconnect(client.id);
  loop->Turn();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  // kWarning + 1: nothing. A fuzzed CONFIG SET loglevel may turn it back on.
  runnel::base::SetLogLevel(static_cast<int>(runnel::base::LogSeverity::kWarning) + 1);
  if (mkdtemp(scratch_root) == nullptr) std::abort();
  std::atexit(RemoveScratchRoot);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static uint64_t runs = 0;
  const std::string dir = std::string(scratch_root) + "/" + std::to_string(runs++);
  Run(std::string_view(reinterpret_cast<const char*>(data), size), dir);
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
  return 0;
}
