#include "server/acl/user_table.h"

#include "engine/base/strings.h"

namespace runnel::acl {

namespace {

User InitialDefaultUser(const command::CommandTable& table) {
  User user("default", table.resolved_count());
  for (std::string_view rule : {"on", "nopass", "~*", "&*", "+@all"}) {
    absl::Status status = user.ApplyRule(rule, table);
    (void)status;  // fixed rules; cannot fail
  }
  return user;
}

}  // namespace

UserTable::UserTable(const command::CommandTable& table) : table_(table) {
  auto user = std::make_unique<User>(InitialDefaultUser(table));
  default_user_ = user.get();
  users_.emplace("default", std::move(user));
}

void UserTable::Replace(std::vector<User> users, absl::FunctionRef<void(const User&)> on_remove) {
  std::map<std::string, User*, std::less<>> incoming;
  for (User& user : users) incoming.emplace(user.name(), &user);
  if (!incoming.contains("default")) {
    users.push_back(InitialDefaultUser(table_));
    incoming.emplace("default", &users.back());
    // push_back may have moved the others: index again.
    incoming.clear();
    for (User& user : users) incoming.emplace(user.name(), &user);
  }
  for (auto it = users_.begin(); it != users_.end();) {
    if (incoming.contains(it->first)) {
      ++it;
      continue;
    }
    on_remove(*it->second);
    it = users_.erase(it);
  }
  for (auto& [name, user] : incoming) {
    auto it = users_.find(name);
    if (it != users_.end()) {
      *it->second = std::move(*user);  // in place: connections keep their pointer
    } else {
      users_.emplace(name, std::make_unique<User>(std::move(*user)));
    }
  }
}

const User* UserTable::Find(std::string_view name) const {
  auto it = users_.find(name);
  return it == users_.end() ? nullptr : it->second.get();
}

const User* UserTable::Authenticate(std::string_view name, std::string_view password) const {
  const User* user = Find(name);
  return user != nullptr && user->CheckPassword(password) ? user : nullptr;
}

absl::Status UserTable::SetUser(std::string_view name, std::span<const std::string_view> rules) {
  const User* existing = Find(name);
  User updated =
      existing != nullptr ? *existing : User(std::string(name), table_.resolved_count(), channel_default_);
  // `reset` among the rules follows acl-pubsub-default as it is now.
  updated.set_channel_default(channel_default_);
  for (std::string_view rule : rules) {
    absl::Status status = updated.ApplyRule(rule, table_);
    if (!status.ok()) {
      return absl::InvalidArgumentError(
          base::StrCat("ERR Error in ACL SETUSER modifier '", rule, "': ", base::ToStd(status.message())));
    }
  }
  auto it = users_.find(name);
  if (it == users_.end()) {
    users_.emplace(std::string(name), std::make_unique<User>(std::move(updated)));
  } else {
    // Assign in place: connections keep pointing at the same object.
    *it->second = std::move(updated);
  }
  return absl::OkStatus();
}

void UserTable::Put(User user) {
  auto it = users_.find(user.name());
  if (it == users_.end()) {
    std::string name = user.name();
    users_.emplace(std::move(name), std::make_unique<User>(std::move(user)));
  } else {
    *it->second = std::move(user);
  }
}

void UserTable::SetDefaultPassword(std::string_view password) {
  absl::Status status = default_user_->ApplyRule("resetpass", table_);
  if (password.empty()) {
    status = default_user_->ApplyRule("nopass", table_);
  } else {
    status = default_user_->ApplyRule(base::StrCat(">", password), table_);
  }
  (void)status;  // password rules with a plain password cannot fail
}

bool UserTable::Delete(std::string_view name) {
  if (name == "default") return false;
  auto it = users_.find(name);
  if (it == users_.end()) return false;
  users_.erase(it);
  return true;
}

}  // namespace runnel::acl
