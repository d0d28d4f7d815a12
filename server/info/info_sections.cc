#include "server/info/info_sections.h"

#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <vector>

#include "engine/base/strings.h"
#include "absl/strings/str_format.h"
#include "server/command/command_table.h"
#include "server/connection.h"
#include "server/server.h"

namespace runnel::info {
namespace {

using Section = void (*)(Server&, std::string&);

void Field(std::string& out, std::string_view name, const auto& value) {
  base::StrAppend(&out, name, ":", value, "\r\n");
}

// "1.23M" as Redis's bytesToHuman.
std::string HumanBytes(double n) {
  static constexpr const char* kUnits[] = {"B", "K", "M", "G", "T", "P"};
  int unit = 0;
  while (n >= 1024 && unit < 5) {
    n /= 1024;
    ++unit;
  }
  return unit == 0 ? base::StrCat(static_cast<uint64_t>(n), "B")
                   : absl::StrFormat("%.2f%s", n, kUnits[unit]);
}

size_t ResidentBytes() {
  long pages = 0, resident = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  return static_cast<size_t>(resident) * static_cast<size_t>(sysconf(_SC_PAGESIZE));
}

void ServerSection(Server& server, std::string& out) {
  utsname uts;
  uname(&uts);
  absl::Time now = absl::Now();
  int64_t uptime = absl::ToInt64Seconds(now - server.start_time());
  char exe[4096];
  ssize_t exe_len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
  Field(out, "redis_version", kRedisCompatVersion);
  Field(out, "runnel_version", kRunnelVersion);
  Field(out, "redis_mode", "standalone");
  Field(out, "os", base::StrCat(uts.sysname, " ", uts.release, " ", uts.machine));
  Field(out, "arch_bits", sizeof(void*) * 8);
  Field(out, "multiplexing_api", server.loop().backend() == io::IoBackend::kUring ? "io_uring" : "epoll");
  Field(out, "gcc_version", base::StrCat(__GNUC__, ".", __GNUC_MINOR__, ".", __GNUC_PATCHLEVEL__));
  Field(out, "process_id", getpid());
  Field(out, "run_id", server.run_id());
  Field(out, "tcp_port", server.config().port == 0 ? server.loop().bound_port() : server.config().port);
  Field(out, "server_time_usec", absl::ToUnixMicros(now));
  Field(out, "uptime_in_seconds", uptime);
  Field(out, "uptime_in_days", uptime / 86400);
  Field(out, "hz", server.config().hz);
  Field(out, "configured_hz", server.config().hz);
  Field(out, "executable", exe_len > 0 ? std::string(exe, static_cast<size_t>(exe_len)) : "");
  Field(out, "config_file", server.config().config_file);
  Field(out, "io_threads_active", 0);
}

void ClientsSection(Server& server, std::string& out) {
  size_t max_input = 0, max_output = 0, subscribers = 0;
  for (Connection* conn : server.ConnectionsById()) {
    max_input = std::max(max_input, conn->input_buffered());
    max_output = std::max(max_output, conn->output().memory_bytes());
    if (server.IsSubscribed(*conn)) ++subscribers;
  }
  Field(out, "connected_clients", server.connection_count());
  Field(out, "cluster_connections", 0);
  Field(out, "maxclients", server.config().maxclients);
  Field(out, "client_recent_max_input_buffer", max_input);
  Field(out, "client_recent_max_output_buffer", max_output);
  Field(out, "blocked_clients", server.blocked_clients());
  Field(out, "tracking_clients", 0);
  Field(out, "pubsub_clients", subscribers);
  Field(out, "clients_in_timeout_table", 0);
  Field(out, "total_blocking_keys", 0);
}

std::string Ratio(size_t numerator, size_t denominator) {
  return absl::StrFormat("%.2f", denominator ? static_cast<double>(numerator) / static_cast<double>(denominator)
                                             : 0.0);
}

int64_t Difference(size_t a, size_t b) { return static_cast<int64_t>(a) - static_cast<int64_t>(b); }

// Fields in Redis 7's order, those that mean something in Runnel.
void MemorySection(Server& server, std::string& out) {
  server.allocator().Refresh();
  const size_t used = server.UsedMemory();
  const size_t rss = ResidentBytes();
  const size_t peak = server.stats().used_memory_peak;
  memory::AllocatorTotals totals = server.allocator().totals();
  if (totals.resident == 0) {
    // An allocator without these figures: Redis's stand-ins.
    totals.resident = totals.active = rss;
  }
  struct sysinfo si;
  sysinfo(&si);
  uint64_t total_system = static_cast<uint64_t>(si.totalram) * si.mem_unit;
  const size_t maxmemory = static_cast<size_t>(server.config().maxmemory);
  Field(out, "used_memory", used);
  Field(out, "used_memory_human", HumanBytes(static_cast<double>(used)));
  Field(out, "used_memory_rss", rss);
  Field(out, "used_memory_rss_human", HumanBytes(static_cast<double>(rss)));
  Field(out, "used_memory_peak", peak);
  Field(out, "used_memory_peak_human", HumanBytes(static_cast<double>(peak)));
  Field(out, "used_memory_peak_perc",
        absl::StrFormat("%.2f%%", peak ? 100.0 * static_cast<double>(used) / static_cast<double>(peak) : 0.0));
  Field(out, "allocator_allocated", totals.allocated);
  Field(out, "allocator_active", totals.active);
  Field(out, "allocator_resident", totals.resident);
  Field(out, "total_system_memory", total_system);
  Field(out, "total_system_memory_human", HumanBytes(static_cast<double>(total_system)));
  Field(out, "maxmemory", maxmemory);
  Field(out, "maxmemory_human", HumanBytes(static_cast<double>(maxmemory)));
  const config::ConfigSchema& schema = server.config_schema();
  Field(out, "maxmemory_policy", schema.Get(server.config(), *schema.Find("maxmemory-policy")));
  Field(out, "allocator_frag_ratio", Ratio(totals.active, totals.allocated));
  Field(out, "allocator_frag_bytes", Difference(totals.active, totals.allocated));
  Field(out, "allocator_rss_ratio", Ratio(totals.resident, totals.active));
  Field(out, "allocator_rss_bytes", Difference(totals.resident, totals.active));
  Field(out, "mem_fragmentation_ratio", Ratio(rss, used));
  Field(out, "mem_fragmentation_bytes", Difference(rss, used));
  Field(out, "mem_not_counted_for_evict", 0);
  // Redis counts subscribers with the normal clients here.
  size_t clients_memory = 0;
  for (Connection* conn : server.ConnectionsById()) clients_memory += conn->memory_bytes();
  Field(out, "mem_clients_slaves", 0);
  Field(out, "mem_clients_normal", clients_memory);
  Field(out, "mem_allocator", memory::AllocatorStats::Name());
}

void PersistenceSection(Server& server, std::string& out) {
  // Runnel persists through its stream log, which is always on (aof_enabled)
  // and recovered before the port opens (loading); it never writes a
  // snapshot or rewrites an AOF. Fields in Redis 7's order.
  Field(out, "loading", 0);
  Field(out, "async_loading", 0);
  Field(out, "rdb_changes_since_last_save", 0);
  Field(out, "rdb_bgsave_in_progress", 0);
  Field(out, "aof_enabled", 1);
  Field(out, "aof_rewrite_in_progress", 0);
  Field(out, "aof_last_write_status", "ok");
  // Runnel's own: the age of the oldest write not yet durable (what a power
  // loss now would lose; about a second plus one sync under everysec), the
  // group-commit batches completed and the longest one took.
  Field(out, "runnel_unsynced_ms",
        absl::ToInt64Milliseconds(server.storage().UnsyncedAge(absl::Now())));
  Field(out, "runnel_sync_batches", server.storage().scheduler().stats().batches);
  Field(out, "runnel_sync_max_ms",
        absl::ToInt64Milliseconds(server.storage().scheduler().stats().max_batch_duration));
}

void StatsSection(Server& server, std::string& out) {
  const ServerStats& s = server.stats();
  Field(out, "total_connections_received", s.total_connections_received);
  Field(out, "total_commands_processed", s.total_commands_processed);
  Field(out, "instantaneous_ops_per_sec", s.ops_per_sec.PerSecond());
  Field(out, "total_net_input_bytes", s.total_net_input_bytes);
  Field(out, "total_net_output_bytes", s.total_net_output_bytes);
  Field(out, "instantaneous_input_kbps",
        absl::StrFormat("%.2f", s.input_bytes_per_sec.PerSecond() / 1024.0));
  Field(out, "instantaneous_output_kbps",
        absl::StrFormat("%.2f", s.output_bytes_per_sec.PerSecond() / 1024.0));
  Field(out, "rejected_connections", s.rejected_connections);
  uint64_t expired_keys = 0;  // lazily and actively, summed over databases
  for (int i = 0; i < server.database_count(); ++i) expired_keys += server.database(i).expired_keys();
  Field(out, "expired_keys", expired_keys);
  Field(out, "evicted_keys", s.evicted_keys);
  Field(out, "evicted_clients", 0);
  // Distinct channels, patterns and shard channels with a subscriber.
  Field(out, "pubsub_channels", server.pubsub().channels().size());
  Field(out, "pubsub_patterns", server.pubsub().patterns().size());
  Field(out, "pubsubshard_channels", server.pubsub().shard_channels().size());
  Field(out, "total_error_replies", s.total_error_replies);
  Field(out, "unexpected_error_replies", s.unexpected_error_replies);
  Field(out, "total_reads_processed", s.total_reads_processed);
  Field(out, "client_query_buffer_limit_disconnections",
        s.client_query_buffer_limit_disconnections);
  Field(out, "client_output_buffer_limit_disconnections", s.client_output_buffer_limit_disconnections);
}

void ReplicationSection(Server& server, std::string& out) {
  Field(out, "role", "master");
  Field(out, "connected_slaves", 0);
  Field(out, "master_failover_state", "no-failover");
  Field(out, "master_replid", server.run_id());
  Field(out, "master_replid2", std::string(40, '0'));
  Field(out, "master_repl_offset", 0);
  Field(out, "second_repl_offset", -1);
  Field(out, "repl_backlog_active", 0);
}

std::string Seconds(const timeval& tv) {
  return absl::StrFormat("%d.%06d", static_cast<int64_t>(tv.tv_sec), static_cast<int64_t>(tv.tv_usec));
}

void CpuSection(Server& server, std::string& out) {
  rusage self, children, thread;
  getrusage(RUSAGE_SELF, &self);
  getrusage(RUSAGE_CHILDREN, &children);
  getrusage(RUSAGE_THREAD, &thread);
  Field(out, "used_cpu_sys", Seconds(self.ru_stime));
  Field(out, "used_cpu_user", Seconds(self.ru_utime));
  Field(out, "used_cpu_sys_children", Seconds(children.ru_stime));
  Field(out, "used_cpu_user_children", Seconds(children.ru_utime));
  Field(out, "used_cpu_sys_main_thread", Seconds(thread.ru_stime));
  Field(out, "used_cpu_user_main_thread", Seconds(thread.ru_utime));
}

void ModulesSection(Server&, std::string&) {}

void ErrorStatsSection(Server& server, std::string& out) {
  for (const auto& [prefix, count] : server.stats().errors_by_prefix) {
    Field(out, base::StrCat("errorstat_", prefix), base::StrCat("count=", count));
  }
}

void ClusterSection(Server&, std::string& out) { Field(out, "cluster_enabled", 0); }

void KeyspaceSection(Server& server, std::string& out) {
  for (int i = 0; i < server.database_count(); ++i) {
    const keyspace::Keyspace& db = server.database(i);
    if (db.size() == 0) continue;
    Field(out, base::StrCat("db", i),
          base::StrCat("keys=", db.size(), ",expires=", db.expires_count(), ",avg_ttl=0"));
  }
}

void CommandStatsSection(Server& server, std::string& out) {
  server.commands().ForEachResolved([&](const command::ResolvedCommand& r) {
    const command::CommandStats& s = r.stats;
    if (s.calls == 0 && s.rejected_calls == 0 && s.failed_calls == 0) return;
    Field(out, base::StrCat("cmdstat_", r.full_name),
          absl::StrFormat("calls=%d,usec=%d,usec_per_call=%.2f,rejected_calls=%d,failed_calls=%d",
                          s.calls, s.usec,
                          s.calls ? static_cast<double>(s.usec) / static_cast<double>(s.calls) : 0.0,
                          s.rejected_calls, s.failed_calls));
  });
}

struct SectionEntry {
  std::string_view name;
  std::string_view title;
  Section render;
  bool in_default;
};

constexpr SectionEntry kSections[] = {
    {"server", "Server", ServerSection, true},
    {"clients", "Clients", ClientsSection, true},
    {"memory", "Memory", MemorySection, true},
    {"persistence", "Persistence", PersistenceSection, true},
    {"stats", "Stats", StatsSection, true},
    {"replication", "Replication", ReplicationSection, true},
    {"cpu", "CPU", CpuSection, true},
    {"modules", "Modules", ModulesSection, true},
    {"errorstats", "Errorstats", ErrorStatsSection, true},
    {"cluster", "Cluster", ClusterSection, true},
    {"keyspace", "Keyspace", KeyspaceSection, true},
    {"commandstats", "Commandstats", CommandStatsSection, false},
};

}  // namespace

std::string RenderInfo(Server& server, std::span<const std::string_view> sections) {
  bool all = false, defaults = sections.empty();
  std::vector<std::string> wanted;
  for (std::string_view s : sections) {
    std::string name = base::AsciiLower(s);
    if (name == "all" || name == "everything") all = true;
    else if (name == "default") defaults = true;
    else wanted.push_back(std::move(name));
  }
  std::string out;
  for (const SectionEntry& section : kSections) {
    bool include = all || (defaults && section.in_default) ||
                   std::find(wanted.begin(), wanted.end(), section.name) != wanted.end();
    if (!include) continue;
    if (!out.empty()) out += "\r\n";
    base::StrAppend(&out, "# ", section.title, "\r\n");
    section.render(server, out);
  }
  return out;
}

}  // namespace runnel::info
