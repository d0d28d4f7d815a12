// Connection: one client's state — input bytes and parser, reply builder over
// the loop's output buffer, protocol version, selected database, name,
// authentication and transaction state. No command logic lives here: complete
// commands are handed to the caller's executor.
//
// Owned by the Server, keyed by the loop's connection slot; lives from
// LoopHandler::OnOpen to OnClose. Not thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/time/time.h"
#include "server/io/event_loop.h"
#include "server/resp/resp_parser.h"
#include "server/resp/resp_writer.h"

namespace runnel::command {
struct ResolvedCommand;
}  // namespace runnel::command
namespace runnel::acl {
class User;
}  // namespace runnel::acl

namespace runnel {

// CLIENT REPLY: whether replies reach the client.
enum class ReplyMode : uint8_t { kOn, kOff, kSkip };

// MULTI state: commands queued as owned copies until EXEC or DISCARD.
struct Transaction {
  bool active = false;
  bool aborted = false;  // a command was rejected while queuing: EXEC answers EXECABORT
  std::vector<std::vector<std::string>> queued;
  size_t queued_bytes = 0;
  uint32_t flags = 0;  // the queued commands' CommandFlags, or-ed (EXEC's OOM check)
};

// Which signals of a key run a blocked command again (Redis 7.2's
// unblock_on_nokey).
enum class WakeOn : uint8_t {
  // Only while the key holds a stream: XREAD keeps waiting through a DEL or
  // a key that became a string.
  kStream,
  // Also when the key is deleted or no longer a stream: XREADGROUP's group
  // went with the stream, and the re-run answers NOGROUP or WRONGTYPE.
  kAnyChange,
};

// A blocking command waiting for data (XREAD BLOCK): the keys it waits on,
// its deadline and the command to run again when one of them is written.
struct BlockState {
  bool active = false;
  int db = 0;
  WakeOn wake_on = WakeOn::kStream;
  std::vector<std::string> keys;
  // The command as it is re-run: owned copies, with IDs such as `$` already
  // resolved to what they meant when the client blocked.
  std::vector<std::string> args;
  const command::ResolvedCommand* command = nullptr;
  absl::Time deadline = absl::InfiniteFuture();  // BLOCK 0: no deadline
  // While the command is re-run, a command that still cannot answer asks to
  // block again; it keeps its place in every key's queue.
  bool rerunning = false;
  bool rearmed = false;
};

class Connection {
 public:
  // What an executor tells the input loop after running one command.
  enum class Next : uint8_t {
    kContinue,  // run the next pipelined command
    kStop,      // stop reading input for now (closing, or the client is blocked)
  };
  using Executor = absl::FunctionRef<Next(Connection&, std::span<const std::string_view>)>;

  enum class InputStatus : uint8_t {
    kOk,
    kProtocolError,     // an error reply was queued; close after flushing it
    kQueryBufferLimit,  // client-query-buffer-limit exceeded; close now
  };

  Connection(io::ConnectionId id, uint64_t client_id, io::PeerInfo peer, io::OutputBuffer* output,
             resp::ParserLimits limits, absl::Time now);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Adds bytes from the socket and runs every complete command through `run`
  // until the input is used up or `run` says stop. Bytes of an incomplete
  // command are kept for the next call.
  InputStatus OnData(std::string_view data, size_t query_buffer_limit, Executor run);
  // Runs commands already buffered (after the client was unblocked).
  InputStatus ResumeInput(size_t query_buffer_limit, Executor run);

  io::ConnectionId id() const { return id_; }
  uint64_t client_id() const { return client_id_; }
  const io::PeerInfo& peer() const { return peer_; }
  resp::ReplyBuilder& reply() { return reply_; }
  const resp::ReplyBuilder& reply() const { return reply_; }
  io::OutputBuffer& output() { return *output_; }
  const io::OutputBuffer& output() const { return *output_; }
  resp::RespParser& parser() { return parser_; }

  // Bytes buffered that no command has used yet (CLIENT LIST qbuf).
  size_t input_buffered() const { return input_.size(); }
  size_t input_capacity() const { return input_.capacity(); }
  // Heap the client holds: query buffer, output, queued MULTI commands
  // (CLIENT LIST tot-mem, INFO mem_clients_normal).
  size_t memory_bytes() const { return input_capacity() + output().memory_bytes() + transaction.queued_bytes; }

  int db = 0;
  bool authenticated = false;
  // The ACL user the connection runs as (`default` until AUTH names another).
  // Points into the server's UserTable; ACL DELUSER closes the connections
  // of a user before removing it, so it is never dangling.
  const acl::User* user = nullptr;
  bool close_requested = false;  // QUIT, protocol error, CLIENT KILL of self
  bool reading_paused = false;   // too much output waits for the client to read it
  bool output_limit_reached = false;  // closing: over client-output-buffer-limit
  // Since when the output has been over its class's soft limit (Redis's
  // obuf_soft_limit_reached_time); InfiniteFuture while under it.
  absl::Time soft_limit_since = absl::InfiniteFuture();
  // appendfsync always: the replies of this connection's writes are held
  // until the sync thread completes this epoch (0: nothing held).
  uint64_t sync_epoch = 0;
  std::string name;              // CLIENT SETNAME
  std::string lib_name;          // CLIENT SETINFO LIB-NAME
  std::string lib_version;       // CLIENT SETINFO LIB-VER
  ReplyMode reply_mode = ReplyMode::kOn;
  Transaction transaction;
  bool in_exec = false;  // running EXEC's queue: blocking commands must not block
  BlockState block;
  absl::Time created_at;
  absl::Time last_interaction;
  std::string last_command;  // full name of the last command, for CLIENT LIST cmd=

 private:
  // Parses and runs commands from `buffer` (which starts at the first
  // unconsumed byte); returns how many bytes were consumed.
  size_t RunCommands(std::string_view buffer, Executor run, InputStatus* status);
  InputStatus FailProtocol();

  io::ConnectionId id_;
  uint64_t client_id_;
  io::PeerInfo peer_;
  io::OutputBuffer* output_;
  resp::ReplyBuilder reply_;
  resp::RespParser parser_;
  // Unconsumed input: the tail of an incomplete command, or pipelined commands
  // left when the executor stopped. Empty in the common case, where commands
  // are parsed straight from the socket's buffer with no copy.
  std::string input_;
  bool stopped_ = false;  // the executor said stop; input waits in input_
};

}  // namespace runnel
