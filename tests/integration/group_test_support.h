// Shared by the consumer-group tests (group_commands_test.cc,
// pending_commands_test.cc, group_restart_test.cc): Redis's texts, and
// readers of the XINFO GROUPS / CONSUMERS / STREAM FULL replies, which are
// maps in RESP3 and flat [name, value, ...] arrays in RESP2.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "tests/integration/stream_test_support.h"

namespace runnel::testing {

inline constexpr char kKeyRequired[] =
    "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the "
    "MKSTREAM option to create an empty stream automatically.";
inline constexpr char kBusyGroup[] = "BUSYGROUP Consumer Group name already exists";
inline constexpr char kEntriesReadRange[] = "ERR value for ENTRIESREAD must be positive or -1";

// "NOGROUP No such consumer group 'g' for key name 'k'" (XGROUP, XINFO CONSUMERS).
inline std::string NoGroupForKey(const std::string& group, const std::string& key) {
  return "NOGROUP No such consumer group '" + group + "' for key name '" + key + "'";
}
// "NOGROUP No such key 'k' or consumer group 'g'" (XPENDING).
inline std::string NoKeyOrGroup(const std::string& key, const std::string& group) {
  return "NOGROUP No such key '" + key + "' or consumer group '" + group + "'";
}
// "ERR unknown subcommand or wrong number of arguments for 'CREATE'. Try XGROUP HELP."
inline std::string XgroupSyntax(const std::string& sub) {
  return "ERR unknown subcommand or wrong number of arguments for '" + sub + "'. Try XGROUP HELP.";
}

// The names of a map (or flat array) reply's fields, in order.
inline std::vector<std::string> FieldNames(const RespValue& map) {
  std::vector<std::string> names;
  for (size_t i = 0; i < map.elements.size(); i += 2) names.push_back(map.elements[i].str);
  return names;
}

// The value under `name`, or a failure and an error value.
inline RespValue FieldOf(const RespValue& map, const std::string& name) {
  if (const RespValue* found = map.Find(name)) return *found;
  ADD_FAILURE() << "no field " << name << " in " << map;
  return RespValue{.type = RespValue::Type::kError, .str = "missing " + name};
}

// XINFO GROUPS as name -> that group's fields.
inline std::map<std::string, RespValue> GroupsByName(const RespValue& groups) {
  std::map<std::string, RespValue> out;
  EXPECT_EQ(groups.type, RespValue::Type::kArray) << groups;
  for (const RespValue& group : groups.elements) out[FieldOf(group, "name").str] = group;
  return out;
}

// One value of the reply matchers' kinds: an integer, or nil (RESP2 $-1 or RESP3 _).
MATCHER_P(IsIntOrNull, expected, "") {
  if (expected < 0) return arg.type == RespValue::Type::kNull;
  return arg.type == RespValue::Type::kInteger && arg.integer == expected;
}

}  // namespace runnel::testing
