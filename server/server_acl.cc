// The Server's side of ACLs that needs connections or the config: ACL LOAD
// and the config file's users, the ACL LOG events, and closing subscribers
// whose channels a user lost.
#include <algorithm>
#include <map>

#include "engine/base/strings.h"
#include "server/acl/acl_file.h"
#include "server/commands/client_description.h"
#include "server/config/config_file.h"
#include "server/server.h"

namespace runnel {

absl::Status Server::LoadAclFile(Connection* caller) {
  absl::StatusOr<std::vector<acl::User>> users =
      acl::ReadAclFile(config_.aclfile, commands_, users_->channel_default());
  if (!users.ok()) return users.status();
  // The channels each user had, so that a user the file narrows loses its
  // subscribers to channels it may no longer use, as with ACL SETUSER.
  struct Channels {
    bool all;
    std::vector<std::string> patterns;
  };
  std::map<std::string, Channels, std::less<>> before;
  for (const auto& [name, user] : users_->users()) {
    before.emplace(name, Channels{user->all_channels(), user->channel_patterns()});
  }
  users_->Replace(std::move(*users), [&](const acl::User& gone) {
    for (Connection* conn : ConnectionsById()) {
      if (conn->user != &gone) continue;
      conn->user = &users_->default_user();
      conn->authenticated = false;
      KillClient(*conn, caller != nullptr ? *caller : *conn);
    }
  });
  if (caller != nullptr) {  // at start-up nobody is connected yet
    for (const auto& [name, old] : before) {
      const acl::User* user = users_->Find(name);
      if (user != nullptr) DisconnectForbiddenSubscribers(*user, old.all, old.patterns, *caller);
    }
  }
  // The file's `default` wins over requirepass, as in Redis.
  applied_requirepass_ = config_.requirepass;
  return absl::OkStatus();
}

void Server::LogAclEvent(Connection& conn, acl::AclLogEntry::Reason reason, std::string_view object,
                         std::string_view username) {
  acl::AclLogEntry entry;
  entry.reason = reason;
  // Redis's CLIENT_MULTI is still set while EXEC runs the queue.
  entry.context = conn.transaction.active || conn.in_exec ? acl::AclLogEntry::Context::kMulti
                                                          : acl::AclLogEntry::Context::kTopLevel;
  entry.object = std::string(object);
  entry.username = std::string(username);
  entry.created = absl::Now();
  AppendClientDescription(conn, pubsub_, entry.created, entry.client_info);
  acl_log_.Add(std::move(entry), static_cast<size_t>(config_.acllog_max_len));
}

absl::Status Server::LoadConfigUsers() {
  if (config_.config_users.empty()) return absl::OkStatus();
  if (!config_.aclfile.empty()) {
    // Redis 7.0's text.
    return absl::FailedPreconditionError(
        "Configuring Redis with users defined in redis.conf and at the same setting an ACL file path is "
        "invalid. This setup is very likely to lead to configuration errors and security holes, please define "
        "either an ACL file or declare users directly in your redis.conf, but not both.");
  }
  // Every line is checked before any user changes; a `default` line starts
  // from `reset`, as Redis's ACLLoadConfiguredUsers.
  std::vector<acl::User> users;
  for (const config::ConfigUser& line : config_.config_users) {
    acl::User user(line.words[0], commands_.resolved_count(), users_->channel_default());
    for (size_t i = 1; i < line.words.size(); ++i) {
      absl::Status status = user.ApplyRule(line.words[i], commands_);
      if (status.ok()) continue;
      return absl::InvalidArgumentError(
          config::FatalError(line.origin, line.line_number, line.line,
                             base::StrCat("Error in user declaration '", line.words[i],
                                          "': ", base::ToStd(status.message()))));
    }
    users.push_back(std::move(user));
  }
  for (acl::User& user : users) users_->Put(std::move(user));
  // A `default` line wins over requirepass, as the aclfile's does.
  applied_requirepass_ = config_.requirepass;
  return absl::OkStatus();
}

void Server::ApplyAclPubsubDefault() {
  users_->set_channel_default(config_.acl_pubsub_default == config::AclPubsubDefault::kAllChannels
                                  ? acl::ChannelDefault::kAllChannels
                                  : acl::ChannelDefault::kResetChannels);
}

bool Server::SubscribedToForbidden(const Connection& conn) const {
  const pubsub::SubscriberId id = SubscriberOf(conn);
  const acl::User& user = *conn.user;
  auto channel_refused = [&](std::string_view name) {
    return !user.CanAccessChannel(name, acl::User::ChannelUse::kChannel);
  };
  auto pattern_refused = [&](std::string_view name) {
    return !user.CanAccessChannel(name, acl::User::ChannelUse::kPattern);
  };
  return pubsub_.patterns().AnyNameOf(id, pattern_refused) || pubsub_.channels().AnyNameOf(id, channel_refused) ||
         pubsub_.shard_channels().AnyNameOf(id, channel_refused);
}

void Server::DisconnectForbiddenSubscribers(const acl::User& user, bool old_all,
                                            const std::vector<std::string>& old_patterns,
                                            const Connection& caller) {
  // Redis's two shortcuts: nothing can be refused under allchannels, and a
  // list that kept every old pattern refuses nothing that was allowed.
  if (user.all_channels()) return;
  if (!old_all && std::all_of(old_patterns.begin(), old_patterns.end(), [&](const std::string& pattern) {
        const std::vector<std::string>& now = user.channel_patterns();
        return std::find(now.begin(), now.end(), pattern) != now.end();
      })) {
    return;
  }
  for (Connection* conn : ConnectionsById()) {
    if (conn->user != &user || !IsSubscribed(*conn) || !SubscribedToForbidden(*conn)) continue;
    KillClient(*conn, caller);
  }
}

}  // namespace runnel
