// UserTable: every ACL user by name, with the `default` user always
// present. A connection holds a `const User*` into the table: users live at
// stable addresses until DELUSER, which the caller pairs with closing the
// connections that pointed at the user (as Redis does).
//
// Owned by the Server; not thread-safe (the loop thread only).
#pragma once

#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "server/acl/user.h"
#include "server/command/command_table.h"

namespace runnel::acl {

class UserTable {
 public:
  // `table` must outlive this object. Starts with `default` as Redis does:
  // on, nopass, ~*, &*, +@all.
  explicit UserTable(const command::CommandTable& table);

  User& default_user() { return *default_user_; }
  const User* Find(std::string_view name) const;
  // The user `name`, if it exists and `password` opens it (AUTH, HELLO AUTH).
  const User* Authenticate(std::string_view name, std::string_view password) const;

  // ACL SETUSER: creates the user if needed, then applies `rules` in order
  // to a copy, which replaces the user only if every rule applied. On
  // failure the status message is Redis's full error text.
  absl::Status SetUser(std::string_view name, std::span<const std::string_view> rules);
  // Adds `user`, or replaces the user of that name in place (connections
  // keep their pointer): the config file's `user` lines.
  void Put(User user);
  // Mirrors requirepass onto `default`: a password replaces all of its
  // passwords; an empty one makes it nopass (Redis's updateRequirePass).
  void SetDefaultPassword(std::string_view password);
  // acl-pubsub-default: the channels of users SetUser creates or resets.
  void set_channel_default(ChannelDefault channels) { channel_default_ = channels; }
  ChannelDefault channel_default() const { return channel_default_; }
  // Removes `name` (never `default`); false when there was no such user.
  bool Delete(std::string_view name);
  // ACL LOAD: the users become exactly `users`. A user that stays keeps its
  // address (its connections follow its new rules); `on_remove` runs for
  // each user that goes, before it is freed. `default` always stays: when
  // `users` has none, it is reset to its initial rules.
  void Replace(std::vector<User> users, absl::FunctionRef<void(const User&)> on_remove);

  // Users in name order (ACL USERS, ACL LIST).
  const std::map<std::string, std::unique_ptr<User>, std::less<>>& users() const { return users_; }
  const command::CommandTable& commands() const { return table_; }

 private:
  const command::CommandTable& table_;
  std::map<std::string, std::unique_ptr<User>, std::less<>> users_;
  User* default_user_ = nullptr;
  ChannelDefault channel_default_ = ChannelDefault::kResetChannels;
};

}  // namespace runnel::acl
