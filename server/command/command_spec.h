// CommandSpec: the metadata of one command, kept as data (as Redis's
// commands.def). The one table built from these rows drives dispatch, arity
// checks, COMMAND INFO/DOCS/LIST/COUNT and docs/commands.md.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace runnel::command {

class CommandContext;
using Handler = void (*)(CommandContext& ctx);

// Flags with the names COMMAND INFO prints (Redis 7 CMD_* flags).
enum CommandFlag : uint32_t {
  kWrite = 1u << 0,
  kReadOnly = 1u << 1,
  kDenyOom = 1u << 2,
  kAdmin = 1u << 3,
  kPubSub = 1u << 4,
  kNoScript = 1u << 5,
  kBlocking = 1u << 6,
  kLoading = 1u << 7,
  kStale = 1u << 8,
  kSkipMonitor = 1u << 9,
  kSkipSlowlog = 1u << 10,
  kFast = 1u << 11,
  kNoAuth = 1u << 12,
  kMayReplicate = 1u << 13,
  kNoMulti = 1u << 14,
  kAllowBusy = 1u << 15,
  // Runnel-internal, not printed: the command is one of those a client in
  // MULTI runs at once instead of queuing (EXEC, DISCARD, MULTI, QUIT, RESET).
  kTransactionControl = 1u << 30,
  // Runnel-internal, not printed: a RESP2 client subscribed to a channel or
  // pattern may run the command ((P|S)SUBSCRIBE, (P|S)UNSUBSCRIBE, PING,
  // QUIT, RESET); anything else is refused, as Redis's processCommand does.
  kSubscribedContext = 1u << 29,
};

// ACL categories (@read, @write, ...), as COMMAND INFO prints them.
enum AclCategory : uint32_t {
  kAclKeyspace = 1u << 0,
  kAclRead = 1u << 1,
  kAclWrite = 1u << 2,
  kAclString = 1u << 3,
  kAclStream = 1u << 4,
  kAclPubSub = 1u << 5,
  kAclAdmin = 1u << 6,
  kAclFast = 1u << 7,
  kAclSlow = 1u << 8,
  kAclBlocking = 1u << 9,
  kAclDangerous = 1u << 10,
  kAclConnection = 1u << 11,
  kAclTransaction = 1u << 12,
  // Redis categories no Runnel command belongs to (yet): ACL CAT lists them
  // and ACL rules accept them, as Redis does.
  kAclSet = 1u << 13,
  kAclSortedSet = 1u << 14,
  kAclList = 1u << 15,
  kAclHash = 1u << 16,
  kAclBitmap = 1u << 17,
  kAclHyperLogLog = 1u << 18,
  kAclGeo = 1u << 19,
  kAclScripting = 1u << 20,
};

// Where the keys are among the arguments (Redis's legacy first/last/step).
// first == 0: no keys. last < 0 counts from the end (-1: the last argument).
struct KeyPositions {
  int first = 0;
  int last = 0;
  int step = 0;
  // The positions hold shard channels, not keys (SSUBSCRIBE, SPUBLISH): the
  // key spec says not_key and COMMAND GETKEYS finds none, as in Redis 7.
  bool not_key = false;
  // With first == 0: the keys are the first half of the arguments after
  // this word (XREAD's and XREADGROUP's STREAMS), as Redis's keyword key
  // spec. Only ACL key checks use it so far.
  std::string_view keyword;
};

// The text COMMAND DOCS returns.
struct CommandDoc {
  std::string_view summary;
  std::string_view since;
  std::string_view group;       // "server", "connection", "generic", "transactions", ...
  std::string_view complexity;  // may be empty
};

struct CommandSpec {
  std::string_view name;  // lower case; for a subcommand, the part after '|'
  // Redis arity: n > 0 exactly n arguments (name included), n < 0 at least -n.
  int arity = 0;
  uint32_t flags = 0;
  uint32_t acl_categories = 0;
  KeyPositions keys;
  CommandDoc doc;
  // Null for container commands (CONFIG, CLIENT); a container with a handler
  // (COMMAND) runs it when called without a subcommand.
  Handler handler = nullptr;
  std::vector<CommandSpec> subcommands;
};

}  // namespace runnel::command
