// OpenJournals: bounds the descriptors that consumer-group journals keep
// open. A journal holds one from its first append so that each change is a
// single pwrite; without a bound, every stream whose groups changed since
// start-up would hold one for good, and many such streams would take the
// descriptors that client connections need. Past the bound the least
// recently appended journal gives its descriptor up (GroupJournal::
// CloseDescriptor) and reopens the file at its next append.
//
// Loop thread only, like the journals: one instance per process.
#pragma once

#include <cstddef>
#include <list>

namespace runnel::stream {

class GroupJournal;

class OpenJournals {
 public:
  static constexpr size_t kMaxOpen = 64;
  using Position = std::list<GroupJournal*>::iterator;

  static OpenJournals& Instance();

  // `journal` (which holds a descriptor) appended just now: the most
  // recently used. `position` is the journal's own slot, end() when it has
  // none yet. Closes the least recently used others' descriptors while more
  // than kMaxOpen are open.
  void Used(GroupJournal* journal, Position* position);
  // `journal` closed its descriptor (or is going away).
  void Forget(Position* position);
  Position none() { return order_.end(); }
  size_t open_count() const { return order_.size(); }

 private:
  std::list<GroupJournal*> order_;  // least recently used first
};

}  // namespace runnel::stream
