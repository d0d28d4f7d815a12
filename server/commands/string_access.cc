#include "server/commands/string_access.h"

#include <algorithm>
#include <cassert>

#include "server/connection.h"
#include "server/resp/error_text.h"
#include "server/server.h"

namespace runnel {

keyspace::Entry* FindString(command::CommandContext& ctx, std::string_view key, Lookup lookup, bool* failed) {
  keyspace::Entry* entry = LookupKey(ctx, key, lookup);
  *failed = false;
  if (entry == nullptr || entry->value->type() == keyspace::ValueType::kString) return entry;
  ctx.reply().Error(resp::kWrongType);
  *failed = true;
  return nullptr;
}

void StoreString(keyspace::Keyspace& db, std::string_view key, keyspace::Entry* existing,
                 std::unique_ptr<cache::StringValue> value, KeepTtl keep) {
  if (existing != nullptr && existing->value->type() == keyspace::ValueType::kString) {
    // A string has nothing to discard and nobody blocks on it: swap the
    // value and keep the entry (one lookup, not two).
    existing->value = std::move(value);
    if (keep == KeepTtl::kNo && db.ExpireAtMs(*existing) != 0) SetStringExpiry(db, key, 0);
    return;
  }
  const int64_t kept = existing != nullptr && keep == KeepTtl::kYes ? db.ExpireAtMs(*existing) : 0;
  db.Set(key, std::move(value));
  if (kept != 0) SetStringExpiry(db, key, kept);
}

void SetStringExpiry(keyspace::Keyspace& db, std::string_view key, int64_t expire_at_ms) {
  [[maybe_unused]] const absl::Status status = db.SetExpireAt(key, expire_at_ms);
  assert(status.ok());
}

bool CheckStringLength(command::CommandContext& ctx, uint64_t size, uint64_t append) {
  const uint64_t limit =
      std::min<uint64_t>(static_cast<uint64_t>(ctx.server.config().proto_max_bulk_len), cache::StringValue::kMaxSize);
  if (size <= limit && append <= limit - size) return true;
  ctx.reply().Error("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
  return false;
}

void RegisterStringRows(command::CommandTable& table, std::span<const StringCommandRow> rows) {
  for (const StringCommandRow& row : rows) {
    table.Register({.name = row.name, .arity = row.arity, .flags = row.flags,
                    .acl_categories = row.acl_categories | command::kAclString,
                    .keys = row.keys,
                    .doc = {row.summary, row.since, "string", row.complexity},
                    .handler = row.handler});
  }
}

}  // namespace runnel
