#include "engine/log/sync_action.h"

namespace runnel::log {

absl::Status SyncAction::Run() const {
  switch (kind) {
    case Kind::kMappedRange:
      return mapping->Sync(offset, length);
    case Kind::kOpenFile:
      // By descriptor: a RENAME of the stream directory, or a compaction
      // that replaced the file, cannot make it sync the wrong file or none.
      return file->DataSync();
    case Kind::kFile:
    case Kind::kDirectory: {
      // A file or directory removed since (a trimmed segment, a deleted
      // stream) has nothing left to make durable.
      absl::Status status = kind == Kind::kFile ? base::SyncFile(path) : base::SyncDirectory(path);
      return absl::IsNotFound(status) ? absl::OkStatus() : status;
    }
  }
  return absl::InternalError("unknown sync action");
}

}  // namespace runnel::log
