// runnel-check --fix: drops a stream's torn tails the way the server's
// start-up recovery does, by opening its log (Log::Open, recovery.h).
#pragma once

#include <string>

#include "absl/status/status.h"

namespace runnel::check {

// Opens the log in `directory`, which repairs what recovery repairs (zeroes
// the torn tail of its tail segment, removes a tail segment left without a
// valid record, truncates a torn meta journal; see Log::Open) and cuts a
// torn tail off the consumer-group journal (GroupJournal::Open), then makes
// those changes durable before returning.
//
// Only for a stream the verifier found torn and nothing worse
// (StreamReport::Status::kTornTail): recovery never writes a sealed segment,
// but it skips a segment whose header it refuses, and would then take the
// sealed one before it for the tail; so a stream with any corruption must be
// left alone.
absl::Status RepairTornTails(const std::string& directory);

}  // namespace runnel::check
