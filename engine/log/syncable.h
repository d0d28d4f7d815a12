// Syncable: anything whose writes the SyncScheduler makes durable in its
// batches (a stream's Log, a stream's consumer-group journal).
//
// A Syncable calls SyncScheduler::MarkDirty(this) after each write; the
// scheduler's next batch calls CollectSync() once on the loop thread, which
// adds what makes every write so far durable and forgets it. Before a
// Syncable is destroyed it calls SyncScheduler::Forget(this); actions it
// already handed to a batch hold what they need and still run.
#pragma once

#include <vector>

#include "engine/log/sync_action.h"

namespace runnel::log {

class Syncable {
 public:
  virtual void CollectSync(std::vector<SyncAction>* actions) = 0;

 protected:
  ~Syncable() = default;  // never deleted through this interface
};

}  // namespace runnel::log
