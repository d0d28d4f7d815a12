#include "server/open_files_limit.h"

#include <sys/resource.h>

#include <cerrno>
#include <cstring>

#include "engine/base/logging.h"

namespace runnel {

int64_t FitMaxClientsToOpenFilesLimit(int64_t maxclients) {
  const auto wanted = static_cast<rlim_t>(maxclients + kReservedFds);
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    RUNNEL_LOG_WARNING("Unable to obtain the current NOFILE limit (%s), assuming 1024 and setting the max clients "
                       "configuration accordingly.",
                       std::strerror(errno));
    return std::min<int64_t>(maxclients, 1024 - kReservedFds);
  }
  if (limit.rlim_cur >= wanted) return maxclients;
  // Try the whole way, then step down (as Redis does) until the kernel
  // accepts a value; the hard limit caps what an unprivileged process gets.
  const rlim_t old_limit = limit.rlim_cur;
  rlim_t best = old_limit;
  int error = 0;
  for (rlim_t candidate = wanted; candidate > old_limit; candidate -= std::min<rlim_t>(16, candidate - old_limit)) {
    rlimit attempt{candidate, std::max(limit.rlim_max, candidate)};
    if (setrlimit(RLIMIT_NOFILE, &attempt) == 0) {
      best = candidate;
      break;
    }
    error = errno;
  }
  if (best >= wanted) return maxclients;
  RUNNEL_LOG_WARNING("Server can't set maximum open files to %d because of OS error: %s.",
                     static_cast<int64_t>(wanted), std::strerror(error));
  const int64_t fits = static_cast<int64_t>(best) - kReservedFds;
  if (fits > 0) {
    RUNNEL_LOG_WARNING("Current maximum open files is %d. maxclients has been reduced to %d to compensate for low "
                       "ulimit. If you need higher maxclients increase 'ulimit -n'.",
                       static_cast<int64_t>(best), fits);
  }
  return fits;
}

}  // namespace runnel
