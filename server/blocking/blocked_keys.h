// BlockedKeys: which clients wait on which keys (XREAD and XREADGROUP with
// BLOCK), in the order they blocked, and which of those keys were written
// or removed since their waiters were last served.
//
// A write signals its key (SignalReady); the server then re-runs the blocked
// command of each waiter on that key, oldest first (Redis 7.2's model), so a
// command decides for itself whether it can now answer. Signalling a key
// nobody waits on costs one hash probe and no allocation: XADD signals on
// every call.
//
// Not thread-safe; owned by the Server on the loop thread.
#pragma once

#include <cstddef>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/string_map.h"
#include "server/io/event_loop.h"

namespace runnel::blocking {

struct ReadyKey {
  int db = 0;
  std::string key;
};

class BlockedKeys {
 public:
  explicit BlockedKeys(int databases)
      : waiters_(static_cast<size_t>(databases)), ready_set_(static_cast<size_t>(databases)) {}

  // `client` waits on `key` of `db`, after every client already waiting on it.
  void Add(int db, std::string_view key, io::ConnectionId client);
  // `client` no longer waits on `key` (served, timed out, gone).
  void Remove(int db, std::string_view key, io::ConnectionId client);

  // `key` was written: if anyone waits on it, queue it (once) for serving.
  void SignalReady(int db, std::string_view key);
  bool has_ready() const { return !ready_.empty(); }
  // The keys signalled since the last call, in signalling order.
  std::vector<ReadyKey> TakeReady();

  // The clients waiting on `key`, oldest first (a copy: serving them changes
  // the list).
  std::vector<io::ConnectionId> Waiters(int db, std::string_view key) const;

  // Keys with at least one waiter (for tests and INFO).
  size_t blocked_key_count() const;

 private:
  // Per database: key -> its waiters in blocking order. A key's entry is
  // erased with its last waiter, so a key's presence means "someone waits".
  std::vector<base::StringMap<std::deque<io::ConnectionId>>> waiters_;
  std::vector<ReadyKey> ready_;
  // Keys in ready_, per database, so a key is queued once per round.
  std::vector<base::StringSet> ready_set_;
};

}  // namespace runnel::blocking
