// maxclients against the process's open-files limit (Redis's
// adjustOpenFilesLimit): every client is a descriptor, and the server keeps
// some for itself, so RLIMIT_NOFILE must hold maxclients plus a reserve. The
// soft limit is raised as far as the hard limit lets it; when that is not
// enough, fewer clients fit.
#pragma once

#include <cstdint>

#include "engine/stream/open_journals.h"

namespace runnel {

// Descriptors the server keeps besides clients: Redis's 32 (listeners, the
// loop, signalfd, eventfds, the log file, files opened in passing) plus the
// consumer-group journals held open (stream::OpenJournals). Segment files
// are mapped and closed, so they hold none.
inline constexpr int64_t kReservedFds = 32 + static_cast<int64_t>(stream::OpenJournals::kMaxOpen);

// Raises the soft RLIMIT_NOFILE towards `maxclients + kReservedFds` and
// returns how many clients fit: `maxclients`, or fewer (possibly <= 0) when
// the limit could not be raised that far. Logs what it could not do.
int64_t FitMaxClientsToOpenFilesLimit(int64_t maxclients);

}  // namespace runnel
