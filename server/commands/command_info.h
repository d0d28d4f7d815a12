// Renders command metadata the way Redis 7's COMMAND INFO and COMMAND DOCS
// reply, from the rows of the command table.
#pragma once

#include <string_view>
#include <vector>

#include "server/command/command_table.h"
#include "server/resp/resp_writer.h"

namespace runnel {

// Categories a command belongs to, with those its flags imply (Redis's
// setImplicitACLCategories: write -> @write, fast -> @fast, else @slow, ...).
uint32_t EffectiveAclCategories(const command::CommandSpec& spec);

// The 10-element COMMAND INFO entry of `spec` ("parent|name" for a subcommand).
void ReplyCommandInfo(resp::ReplyBuilder& reply, const command::CommandSpec& spec,
                      const command::CommandSpec* parent);
// The COMMAND DOCS map of `spec` (summary, since, group, complexity, subcommands).
void ReplyCommandDocs(resp::ReplyBuilder& reply, const command::CommandSpec& spec,
                      const command::CommandSpec* parent);

// The bit of category `name` (without '@', any case); 0 when unknown.
uint32_t AclCategoryBit(std::string_view name);
// Every category name without '@', in Redis's order (ACL CAT).
std::vector<std::string_view> AclCategoryNames();

// Category names without '@', in Redis's order, for COMMAND LIST FILTERBY ACLCAT.
bool HasAclCategory(const command::CommandSpec& spec, std::string_view category);

}  // namespace runnel
