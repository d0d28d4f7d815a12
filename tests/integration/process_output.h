// RunShellCommand: runs a command line through the shell (popen) and keeps
// what it printed on stdout and how it exited — for tests of the tools
// (runnel-check, runnel-bench) as processes.
#pragma once

#include <stdio.h>
#include <sys/wait.h>

#include <string>

namespace runnel::testing {

struct ProcessOutput {
  int exit_code = -1;  // -1 when it could not run or did not exit normally
  std::string output;  // stdout (add "2>&1" to the command for stderr too)
};

inline ProcessOutput RunShellCommand(const std::string& command) {
  ProcessOutput result;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  for (size_t n; (n = fread(buffer, 1, sizeof(buffer), pipe)) > 0;) result.output.append(buffer, n);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

}  // namespace runnel::testing
