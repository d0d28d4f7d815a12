// OBJECT FREQ / IDLETIME as Redis's objectCommand: the key is looked up
// without touching it, a missing key answers nil, and each errors under
// the other kind of policy (LRU and LFU share the key's 24 bits).
#include "server/commands/object_access.h"

#include "server/connection.h"
#include "server/server.h"

namespace runnel {
namespace {

constexpr std::string_view kFreqNotTracked =
    "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when "
    "switching between policies at runtime LRU and LFU data will take some time to adjust.";
constexpr std::string_view kIdleTimeNotTracked =
    "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching "
    "between policies at runtime LRU and LFU data will take some time to adjust.";

}  // namespace

void ObjectFreq(command::CommandContext& ctx) {
  keyspace::Keyspace& db = ctx.server.database(ctx.conn.db);
  const keyspace::Entry* entry = db.Find(ctx.arg(2), keyspace::Touch::kNo);
  if (entry == nullptr) {
    ctx.reply().NullBulk();
  } else if (!keyspace::IsLfu(ctx.server.config().maxmemory_policy)) {
    ctx.reply().Error(kFreqNotTracked);
  } else {
    ctx.reply().Integer(db.Frequency(*entry));
  }
}

void ObjectIdleTime(command::CommandContext& ctx) {
  keyspace::Keyspace& db = ctx.server.database(ctx.conn.db);
  const keyspace::Entry* entry = db.Find(ctx.arg(2), keyspace::Touch::kNo);
  if (entry == nullptr) {
    ctx.reply().NullBulk();
  } else if (keyspace::IsLfu(ctx.server.config().maxmemory_policy)) {
    ctx.reply().Error(kIdleTimeNotTracked);
  } else {
    ctx.reply().Integer(static_cast<int64_t>(db.IdleMs(*entry) / 1000));
  }
}

}  // namespace runnel
