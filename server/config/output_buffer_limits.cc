#include "server/config/output_buffer_limits.h"

#include <optional>

#include "absl/strings/numbers.h"
#include "engine/base/strings.h"
#include "server/config/config_schema.h"

namespace runnel::config {
namespace {

std::optional<ClientClass> ClassByName(std::string_view name) {
  if (base::EqualsIgnoreCase(name, "normal")) return ClientClass::kNormal;
  if (base::EqualsIgnoreCase(name, "slave") || base::EqualsIgnoreCase(name, "replica")) {
    return ClientClass::kReplica;
  }
  if (base::EqualsIgnoreCase(name, "pubsub")) return ClientClass::kPubSub;
  return std::nullopt;
}

constexpr std::string_view kClassNames[] = {"normal", "slave", "pubsub"};

}  // namespace

absl::Status ApplyOutputBufferLimits(const std::vector<std::string>& words, OutputBufferLimits* limits) {
  if (words.size() % 4 != 0) {
    return absl::InvalidArgumentError("Wrong number of arguments in buffer limit configuration.");
  }
  OutputBufferLimits parsed = limits != nullptr ? *limits : OutputBufferLimits{};
  for (size_t i = 0; i < words.size(); i += 4) {
    std::optional<ClientClass> client_class = ClassByName(words[i]);
    if (!client_class) {
      return absl::InvalidArgumentError("Invalid client class specified in buffer limit configuration.");
    }
    absl::StatusOr<int64_t> hard = ParseMemory(words[i + 1]);
    absl::StatusOr<int64_t> soft = ParseMemory(words[i + 2]);
    int64_t soft_seconds = 0;
    if (!hard.ok() || !soft.ok() || !absl::SimpleAtoi(words[i + 3], &soft_seconds) || soft_seconds < 0) {
      return absl::InvalidArgumentError(
          "Error in hard, soft or soft_seconds setting in buffer limit configuration.");
    }
    parsed[static_cast<size_t>(*client_class)] = {*hard, *soft, soft_seconds};
  }
  if (limits != nullptr) *limits = parsed;
  return absl::OkStatus();
}

std::vector<std::string> FormatOutputBufferLimits(const OutputBufferLimits& limits) {
  std::vector<std::string> words;
  for (size_t i = 0; i < limits.size(); ++i) {
    words.emplace_back(kClassNames[i]);
    words.push_back(base::StrCat(limits[i].hard_bytes));
    words.push_back(base::StrCat(limits[i].soft_bytes));
    words.push_back(base::StrCat(limits[i].soft_seconds));
  }
  return words;
}

}  // namespace runnel::config
