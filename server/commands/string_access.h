// What the string commands share: finding the string at a key (WRONGTYPE
// for another type), storing one as Redis's setKey does, Redis's limit on a
// string's length, and the rows of their command table.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "engine/cache/string_value.h"
#include "engine/keyspace/keyspace.h"
#include "server/command/command_context.h"
#include "server/command/command_table.h"
#include "server/commands/key_lookup.h"

namespace runnel {

// The entry at `key` in the caller's database when it holds a string;
// nullptr when the key is missing, or (after replying WRONGTYPE and setting
// *failed) when it holds another type.
keyspace::Entry* FindString(command::CommandContext& ctx, std::string_view key, Lookup lookup, bool* failed);

enum class KeepTtl : uint8_t { kNo, kYes };

// Stores `value` at `key` as setKey does: whatever the key held is replaced
// (a stream's files discarded, its blocked readers woken) and its TTL
// removed unless `keep`. `existing` is what Keyspace::Find(key) returned
// just before (nullptr: absent); a string there is replaced in its entry.
void StoreString(keyspace::Keyspace& db, std::string_view key, keyspace::Entry* existing,
                 std::unique_ptr<cache::StringValue> value, KeepTtl keep);

// Sets or (0) clears `key`'s expiry; the key must exist. A string's TTL is
// in memory only, so this cannot fail.
void SetStringExpiry(keyspace::Keyspace& db, std::string_view key, int64_t expire_at_ms);

// Redis's checkStringLength: whether a string of `size` + `append` bytes is
// allowed (proto-max-bulk-len, and at most StringValue::kMaxSize); if not,
// replies "string exceeds maximum allowed size (proto-max-bulk-len)".
bool CheckStringLength(command::CommandContext& ctx, uint64_t size, uint64_t append);

// One string command's table row: group "string", the key at argument 1
// unless `keys` says otherwise.
struct StringCommandRow {
  std::string_view name;
  int arity;
  uint32_t flags;
  uint32_t acl_categories;  // @string is added
  command::Handler handler;
  std::string_view summary;
  std::string_view since;
  std::string_view complexity = "O(1)";
  command::KeyPositions keys = {1, 1, 1};
};
void RegisterStringRows(command::CommandTable& table, std::span<const StringCommandRow> rows);

}  // namespace runnel
