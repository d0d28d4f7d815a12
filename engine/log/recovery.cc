#include "engine/log/recovery.h"

#include "absl/strings/str_format.h"

namespace runnel::log {

uint64_t RecoveryReport::corruptions() const {
  uint64_t count = 0;
  for (const RecoveryProblem& problem : problems) {
    if (problem.kind == RecoveryProblem::Kind::kCorruption) ++count;
  }
  return count;
}

std::string DescribeProblem(const RecoveryProblem& problem) {
  if (problem.kind == RecoveryProblem::Kind::kTornTail) {
    return absl::StrFormat("torn tail in %s at offset %d: %s; dropped %d bytes", problem.path,
                           problem.offset, problem.reason, problem.bytes_dropped);
  }
  return absl::StrFormat("CORRUPTION in %s at offset %d: %s", problem.path, problem.offset,
                         problem.reason);
}

std::string RecoveryReport::Describe() const {
  std::string text;
  for (const RecoveryProblem& problem : problems) {
    text += DescribeProblem(problem);
    text += '\n';
  }
  return text;
}

}  // namespace runnel::log
