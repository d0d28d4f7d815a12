// MountTmpfs: a small tmpfs at a new temporary directory, for full-disk and
// read-only filesystem tests (root only). Callers unmount it with
// umount2(path, MNT_DETACH) and remove the directory.
#pragma once

#include <stdlib.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace runnel::testing {

// Mounts a tmpfs of `options` (e.g. "size=4m,mode=0755") with mount `flags`;
// an empty path and `why` when it cannot (not root, or no permission to
// mount here).
inline std::string MountTmpfs(const char* options, unsigned long flags, std::string* why) {
  if (geteuid() != 0) {
    *why = "not running as root: mounting a small tmpfs needs CAP_SYS_ADMIN";
    return "";
  }
  char pattern[] = "/tmp/runnel-full-disk-XXXXXX";
  if (mkdtemp(pattern) == nullptr) {
    *why = std::string("mkdtemp: ") + strerror(errno);
    return "";
  }
  if (mount("tmpfs", pattern, "tmpfs", MS_NOSUID | MS_NODEV | flags, options) != 0) {
    *why = std::string("mount -t tmpfs -o ") + options + " " + pattern + ": " + strerror(errno);
    rmdir(pattern);
    return "";
  }
  return pattern;
}

}  // namespace runnel::testing
