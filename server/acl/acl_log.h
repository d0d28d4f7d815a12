// AclLog: the security events ACL LOG shows — commands, keys and channels
// a user was refused, and failed AUTH / HELLO AUTH — newest first, as Redis
// 7.0's ACL log keeps them.
//
// Similar events are merged rather than each taking a slot: an event with
// the same reason, context, object and username as one of the 10 newest
// entries, and at most 60 seconds after it, bumps that entry's count,
// refreshes its time and client description, and moves it to the front
// (Redis's addACLLogEntry). So a client hammering one forbidden key costs
// one entry, and the log stays bounded by acllog-max-len entries.
//
// Owned by the Server; not thread-safe (the loop thread only).
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

#include "absl/time/time.h"

namespace runnel::acl {

struct AclLogEntry {
  enum class Reason : uint8_t { kCommand, kKey, kChannel, kAuth };
  enum class Context : uint8_t { kTopLevel, kMulti };

  int64_t count = 1;
  Reason reason = Reason::kCommand;
  Context context = Context::kTopLevel;
  std::string object;       // command full name, key, channel, or the AUTH/HELLO word as sent
  std::string username;     // for kAuth, the name that failed to log in
  absl::Time created;       // of the latest event merged into this entry
  std::string client_info;  // CLIENT LIST's line for the client, at the latest event
};

// ACL LOG's words for the enums.
std::string_view ReasonName(AclLogEntry::Reason reason);
std::string_view ContextName(AclLogEntry::Context context);

class AclLog {
 public:
  // Records `entry` (its count is ignored) at `entry.created`, merging it as
  // the file comment says. After adding a new entry the log keeps at most
  // `max_len` entries, dropping the oldest: as in Redis, a lowered
  // acllog-max-len takes effect at the next event.
  void Add(AclLogEntry entry, size_t max_len);
  void Reset() { entries_.clear(); }
  // Newest first.
  const std::deque<AclLogEntry>& entries() const { return entries_; }

 private:
  std::deque<AclLogEntry> entries_;
};

}  // namespace runnel::acl
