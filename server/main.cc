// runnel-server [/path/to/runnel.conf] [--name value ...]: load the
// configuration, prepare the data directory, build the Server and run it.
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/base/logging.h"
#include "server/config/config_file.h"
#include "server/config/config_schema.h"
#include "server/open_files_limit.h"
#include "server/server.h"

namespace {

void PrintUsage() {
  std::fprintf(stderr,
               "Usage: ./runnel-server [/path/to/runnel.conf] [options]\n"
               "       ./runnel-server -v or --version\n"
               "       ./runnel-server -h or --help\n\n"
               "Examples:\n"
               "       ./runnel-server (run the server with default conf)\n"
               "       ./runnel-server /etc/runnel/6379.conf\n"
               "       ./runnel-server --port 7777\n"
               "       ./runnel-server /etc/myrunnel.conf --loglevel verbose\n");
}

// Creates the data directory if needed and checks that it is writable, so a
// bad `dir` stops start-up with a clear message instead of a later failure.
bool PrepareDataDir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    std::fprintf(stderr, "Can't create the data directory '%s': %s\n", dir.c_str(),
                 ec.message().c_str());
    return false;
  }
  if (access(dir.c_str(), W_OK | X_OK) != 0) {
    std::fprintf(stderr, "The data directory '%s' is not writable: %s\n", dir.c_str(),
                 std::strerror(errno));
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && (args[0] == "-v" || args[0] == "--version")) {
    std::printf("Runnel server v=%s redis_compat=%s\n", runnel::kRunnelVersion.data(),
                runnel::kRedisCompatVersion.data());
    return 0;
  }
  if (!args.empty() && (args[0] == "-h" || args[0] == "--help")) {
    PrintUsage();
    return 0;
  }

  runnel::config::ConfigSchema schema;
  runnel::config::ServerConfig config;
  absl::Status loaded = runnel::config::LoadConfig(schema, args, config);
  if (!loaded.ok()) {
    std::fprintf(stderr, "%s\n", std::string(loaded.message()).c_str());
    return 1;
  }
  if (!runnel::base::SetLogFile(config.logfile)) {
    std::fprintf(stderr, "Can't open the log file: %s\n", std::strerror(errno));
    return 1;
  }
  runnel::base::SetLogLevel(static_cast<int>(config.loglevel));
  if (!PrepareDataDir(config.dir)) return 1;
  const int64_t fitting_clients = runnel::FitMaxClientsToOpenFilesLimit(config.maxclients);
  if (fitting_clients < 1) {
    rlimit files{};
    getrlimit(RLIMIT_NOFILE, &files);
    RUNNEL_LOG_WARNING("Your current 'ulimit -n' of %d is not enough for the server to start. Please increase your "
                       "open file limit to at least %d. Exiting.",
                       static_cast<int64_t>(files.rlim_cur), config.maxclients + runnel::kReservedFds);
    return 1;
  }
  config.maxclients = fitting_clients;
  if (!config.pidfile.empty()) {
    if (FILE* f = std::fopen(config.pidfile.c_str(), "w")) {
      std::fprintf(f, "%d\n", getpid());
      std::fclose(f);
    }
  }

  runnel::Server server(std::move(config));
  absl::Status status = server.Start();
  if (!status.ok()) {
    RUNNEL_LOG_WARNING("Failed to start: %s", status.ToString());
    return 1;
  }
  status = server.Run();
  if (!status.ok()) {
    RUNNEL_LOG_WARNING("Event loop failed: %s", status.ToString());
    return 1;
  }
  return 0;
}
