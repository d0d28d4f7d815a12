#include "server/commands/command_info.h"

#include <vector>

#include "engine/base/strings.h"

namespace runnel {
namespace {

using command::CommandSpec;

struct NamedBit {
  uint32_t bit;
  std::string_view name;
};

// In the order Redis prints them.
constexpr NamedBit kFlagNames[] = {
    {command::kWrite, "write"},          {command::kReadOnly, "readonly"},
    {command::kDenyOom, "denyoom"},      {command::kAdmin, "admin"},
    {command::kPubSub, "pubsub"},        {command::kNoScript, "noscript"},
    {command::kBlocking, "blocking"},    {command::kLoading, "loading"},
    {command::kStale, "stale"},          {command::kSkipMonitor, "skip_monitor"},
    {command::kSkipSlowlog, "skip_slowlog"}, {command::kFast, "fast"},
    {command::kNoAuth, "no_auth"},       {command::kMayReplicate, "may_replicate"},
    {command::kNoMulti, "no_multi"},     {command::kAllowBusy, "allow_busy"},
};

// Every Redis 7.0 category, in the order Redis prints them (COMMAND INFO,
// ACL CAT); the one table of category names.
constexpr NamedBit kAclNames[] = {
    {command::kAclKeyspace, "keyspace"},       {command::kAclRead, "read"},
    {command::kAclWrite, "write"},             {command::kAclSet, "set"},
    {command::kAclSortedSet, "sortedset"},     {command::kAclList, "list"},
    {command::kAclHash, "hash"},               {command::kAclString, "string"},
    {command::kAclBitmap, "bitmap"},           {command::kAclHyperLogLog, "hyperloglog"},
    {command::kAclGeo, "geo"},                 {command::kAclStream, "stream"},
    {command::kAclPubSub, "pubsub"},           {command::kAclAdmin, "admin"},
    {command::kAclFast, "fast"},               {command::kAclSlow, "slow"},
    {command::kAclBlocking, "blocking"},       {command::kAclDangerous, "dangerous"},
    {command::kAclConnection, "connection"},   {command::kAclTransaction, "transaction"},
    {command::kAclScripting, "scripting"},
};

std::string FullName(const CommandSpec& spec, const CommandSpec* parent) {
  return parent ? base::StrCat(parent->name, "|", spec.name) : std::string(spec.name);
}

// One key spec derived from the legacy first/last/step positions.
void ReplyKeySpecs(resp::ReplyBuilder& reply, const CommandSpec& spec) {
  if (spec.keys.first == 0) {
    reply.Array(0);
    return;
  }
  reply.Array(1);
  reply.Map(3);
  reply.Bulk("flags");
  bool write = spec.flags & command::kWrite;
  if (spec.keys.not_key) {
    reply.Set(1);
    reply.SimpleString("not_key");
  } else {
    reply.Set(2);
    reply.SimpleString(write ? "RW" : "RO");
    reply.SimpleString(write ? "update" : "access");
  }
  reply.Bulk("begin_search");
  reply.Map(2);
  reply.Bulk("type");
  reply.Bulk("index");
  reply.Bulk("spec");
  reply.Map(1);
  reply.Bulk("index");
  reply.Integer(spec.keys.first);
  reply.Bulk("find_keys");
  reply.Map(2);
  reply.Bulk("type");
  reply.Bulk("range");
  reply.Bulk("spec");
  reply.Map(3);
  reply.Bulk("lastkey");
  reply.Integer(spec.keys.last < 0 ? spec.keys.last : spec.keys.last - spec.keys.first);
  reply.Bulk("keystep");
  reply.Integer(spec.keys.step);
  reply.Bulk("limit");
  reply.Integer(0);
}

}  // namespace

uint32_t EffectiveAclCategories(const CommandSpec& spec) {
  uint32_t acl = spec.acl_categories;
  if (spec.flags & command::kWrite) acl |= command::kAclWrite;
  if (spec.flags & command::kReadOnly) acl |= command::kAclRead;
  if (spec.flags & command::kAdmin) acl |= command::kAclAdmin | command::kAclDangerous;
  if (spec.flags & command::kPubSub) acl |= command::kAclPubSub;
  if (spec.flags & command::kFast) acl |= command::kAclFast;
  if (spec.flags & command::kBlocking) acl |= command::kAclBlocking;
  if (!(acl & command::kAclFast)) acl |= command::kAclSlow;
  return acl;
}

uint32_t AclCategoryBit(std::string_view name) {
  for (const NamedBit& named : kAclNames) {
    if (base::EqualsIgnoreCase(named.name, name)) return named.bit;
  }
  return 0;
}

std::vector<std::string_view> AclCategoryNames() {
  std::vector<std::string_view> names;
  for (const NamedBit& named : kAclNames) names.push_back(named.name);
  return names;
}

bool HasAclCategory(const CommandSpec& spec, std::string_view category) {
  uint32_t acl = EffectiveAclCategories(spec);
  for (const NamedBit& named : kAclNames) {
    if (base::EqualsIgnoreCase(named.name, category)) return acl & named.bit;
  }
  return false;
}

void ReplyCommandInfo(resp::ReplyBuilder& reply, const CommandSpec& spec,
                      const CommandSpec* parent) {
  reply.Array(10);
  reply.Bulk(FullName(spec, parent));
  reply.Integer(spec.arity);

  std::vector<std::string_view> flags;
  for (const NamedBit& named : kFlagNames) {
    if (spec.flags & named.bit) flags.push_back(named.name);
  }
  reply.Set(flags.size());
  for (std::string_view flag : flags) reply.SimpleString(flag);

  reply.Integer(spec.keys.first);
  reply.Integer(spec.keys.last);
  reply.Integer(spec.keys.step);

  uint32_t acl = EffectiveAclCategories(spec);
  std::vector<std::string> categories;
  for (const NamedBit& named : kAclNames) {
    if (acl & named.bit) categories.push_back(base::StrCat("@", named.name));
  }
  reply.Set(categories.size());
  for (const std::string& category : categories) reply.SimpleString(category);

  reply.Array(0);  // tips
  ReplyKeySpecs(reply, spec);
  reply.Array(spec.subcommands.size());
  for (const CommandSpec& sub : spec.subcommands) ReplyCommandInfo(reply, sub, &spec);
}

void ReplyCommandDocs(resp::ReplyBuilder& reply, const CommandSpec& spec,
                      const CommandSpec* parent) {
  const command::CommandDoc& doc = spec.doc;
  std::string_view since = doc.since.empty() && parent ? parent->doc.since : doc.since;
  std::string_view group = doc.group.empty() && parent ? parent->doc.group : doc.group;
  size_t fields = 3 + !doc.complexity.empty() + !spec.subcommands.empty();
  reply.Map(fields);
  reply.Bulk("summary");
  reply.Bulk(doc.summary);
  reply.Bulk("since");
  reply.Bulk(since);
  reply.Bulk("group");
  reply.Bulk(group);
  if (!doc.complexity.empty()) {
    reply.Bulk("complexity");
    reply.Bulk(doc.complexity);
  }
  if (!spec.subcommands.empty()) {
    reply.Bulk("subcommands");
    reply.Map(spec.subcommands.size());
    for (const CommandSpec& sub : spec.subcommands) {
      reply.Bulk(FullName(sub, &spec));
      ReplyCommandDocs(reply, sub, &spec);
    }
  }
}

}  // namespace runnel
