#include "server/acl/user.h"

#include <algorithm>

#include "engine/base/strings.h"
#include "engine/pubsub/glob_match.h"
#include "server/acl/sha256.h"

namespace runnel::acl {
namespace {

// Redis's ACLSetSelector error texts (errno mapped to ACLSetUserStringError).
constexpr char kSyntaxError[] = "Syntax error";
constexpr char kNoSuchPassword[] = "The password you are trying to remove from the user does not exist";
constexpr char kBadHash[] =
    "The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters";
constexpr char kKeyAfterAll[] =
    "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any "
    "effect. Try 'resetkeys' to start with an empty list of patterns";
constexpr char kChannelAfterAll[] =
    "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any "
    "effect. Try 'resetchannels' to start with an empty list of channels";

bool IsPasswordHash(std::string_view hash) {
  return hash.size() == 64 && std::all_of(hash.begin(), hash.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

std::string JoinPatterns(char sigil, bool all, const std::vector<std::string>& patterns) {
  if (all) return base::StrCat(std::string_view(&sigil, 1), "*");
  std::string out;
  for (const std::string& pattern : patterns) {
    if (!out.empty()) out.push_back(' ');
    out.push_back(sigil);
    out += pattern;
  }
  return out;
}

}  // namespace

User::User(std::string name, size_t command_count, ChannelDefault channels)
    : name_(std::move(name)),
      commands_(command_count),
      all_channels_(channels == ChannelDefault::kAllChannels),
      channel_default_(channels) {}

bool User::CheckPassword(std::string_view password) const {
  if (!enabled_) return false;
  if (nopass_) return true;
  std::string hash = Sha256Hex(password);
  return std::find(password_hashes_.begin(), password_hashes_.end(), hash) != password_hashes_.end();
}

bool User::CanAccessKey(std::string_view key) const {
  if (all_keys_) return true;
  return std::any_of(key_patterns_.begin(), key_patterns_.end(),
                     [&](const std::string& pattern) { return pubsub::GlobMatch(pattern, key); });
}

bool User::CanAccessChannel(std::string_view channel, ChannelUse use) const {
  if (all_channels_) return true;
  return std::any_of(channel_patterns_.begin(), channel_patterns_.end(), [&](const std::string& pattern) {
    return use == ChannelUse::kPattern ? pattern == channel : pubsub::GlobMatch(pattern, channel);
  });
}

absl::Status User::ApplyPasswordRule(std::string_view rule) {
  std::string hash;
  if (rule[0] == '>' || rule[0] == '<') {
    hash = Sha256Hex(rule.substr(1));
  } else {
    hash = std::string(rule.substr(1));
    if (!IsPasswordHash(hash)) return absl::InvalidArgumentError(kBadHash);
  }
  auto it = std::find(password_hashes_.begin(), password_hashes_.end(), hash);
  if (rule[0] == '>' || rule[0] == '#') {
    if (it == password_hashes_.end()) password_hashes_.push_back(std::move(hash));
    nopass_ = false;
  } else {
    if (it == password_hashes_.end()) return absl::InvalidArgumentError(kNoSuchPassword);
    password_hashes_.erase(it);
  }
  return absl::OkStatus();
}

absl::Status User::ApplyPatternRule(std::string_view rule) {
  const bool key = rule[0] == '~';
  bool& all = key ? all_keys_ : all_channels_;
  std::vector<std::string>& patterns = key ? key_patterns_ : channel_patterns_;
  std::string_view pattern = rule.substr(1);
  if (all) return absl::InvalidArgumentError(key ? kKeyAfterAll : kChannelAfterAll);
  if (pattern == "*") {
    all = true;
    patterns.clear();
  } else if (std::find(patterns.begin(), patterns.end(), pattern) == patterns.end()) {
    patterns.emplace_back(pattern);
  }
  return absl::OkStatus();
}

void User::Reset(const command::CommandTable& table) {
  enabled_ = false;
  nopass_ = false;
  password_hashes_.clear();
  commands_ = CommandPermissions(table.resolved_count());
  all_keys_ = false;
  key_patterns_.clear();
  all_channels_ = channel_default_ == ChannelDefault::kAllChannels;
  channel_patterns_.clear();
}

absl::Status User::ApplyRule(std::string_view rule, const command::CommandTable& table) {
  absl::Status status = absl::OkStatus();
  auto is = [&](std::string_view word) { return base::EqualsIgnoreCase(rule, word); };
  if (rule.empty()) {
    status = absl::InvalidArgumentError(kSyntaxError);
  } else if (is("on") || is("off")) {
    enabled_ = is("on");
  } else if (is("nopass")) {
    nopass_ = true;
    password_hashes_.clear();
  } else if (is("resetpass")) {
    nopass_ = false;
    password_hashes_.clear();
  } else if (is("allkeys")) {
    all_keys_ = true;
    key_patterns_.clear();
  } else if (is("resetkeys")) {
    all_keys_ = false;
    key_patterns_.clear();
  } else if (is("allchannels")) {
    all_channels_ = true;
    channel_patterns_.clear();
  } else if (is("resetchannels")) {
    all_channels_ = false;
    channel_patterns_.clear();
  } else if (is("reset")) {
    Reset(table);
  } else if (rule[0] == '>' || rule[0] == '<' || rule[0] == '#' || rule[0] == '!') {
    status = ApplyPasswordRule(rule);
  } else if (rule[0] == '~' || rule[0] == '&') {
    status = ApplyPatternRule(rule);
  } else {
    // +cmd, -@cat, allcommands, nocommands; anything else is a syntax error.
    status = commands_.Apply(rule, table);
  }
  UpdateUnrestricted();
  return status;
}

void User::UpdateUnrestricted() { unrestricted_ = commands_.everything() && all_keys_ && all_channels_; }

std::vector<std::string_view> User::Flags() const {
  std::vector<std::string_view> flags = {enabled_ ? "on" : "off"};
  if (nopass_) flags.push_back("nopass");
  return flags;
}

std::string User::DescribeCommands(const command::CommandTable& table) const { return commands_.Describe(table); }
std::string User::DescribeKeys() const { return JoinPatterns('~', all_keys_, key_patterns_); }
std::string User::DescribeChannels() const { return JoinPatterns('&', all_channels_, channel_patterns_); }

std::string User::Describe(const command::CommandTable& table) const {
  std::string out;
  for (std::string_view flag : Flags()) base::StrAppend(&out, flag, " ");
  for (const std::string& hash : password_hashes_) base::StrAppend(&out, "#", hash, " ");
  std::string keys = DescribeKeys();
  if (!keys.empty()) base::StrAppend(&out, keys, " ");
  // Redis writes resetchannels before a channel list that is not "&*", so a
  // line read back does not inherit acl-pubsub-default.
  if (!all_channels_) out += "resetchannels ";
  std::string channels = DescribeChannels();
  if (!channels.empty()) base::StrAppend(&out, channels, " ");
  out += DescribeCommands(table);
  return out;
}

}  // namespace runnel::acl
