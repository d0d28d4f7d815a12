#include "engine/stream/open_journals.h"

#include "engine/stream/group_journal.h"

namespace runnel::stream {

OpenJournals& OpenJournals::Instance() {
  static OpenJournals* instance = new OpenJournals();  // never destroyed: journals may outlive statics
  return *instance;
}

void OpenJournals::Used(GroupJournal* journal, Position* position) {
  if (*position != order_.end()) {
    order_.splice(order_.end(), order_, *position);
  } else {
    *position = order_.insert(order_.end(), journal);
  }
  while (order_.size() > kMaxOpen) {
    // CloseDescriptor calls Forget, which erases the front.
    order_.front()->CloseDescriptor();
  }
}

void OpenJournals::Forget(Position* position) {
  if (*position == order_.end()) return;
  order_.erase(*position);
  *position = order_.end();
}

}  // namespace runnel::stream
