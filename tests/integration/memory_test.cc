// maxmemory, its policies and INFO memory through the server (issue #7).
// These hold in both builds: release (jemalloc) and ASan (the sanitizer's
// allocator), so limits are either far below any process (1 byte) or taken
// relative to the used_memory the server reports.
#include <string>

#include "tests/integration/server_harness.h"

namespace runnel::testing {
namespace {

using ::testing::StartsWith;

constexpr char kOom[] = "OOM command not allowed when used memory > 'maxmemory'.";

class MemoryTest : public ServerTest {
 protected:
  std::string ConfigGet(const std::string& name) {
    RespValue reply = Run({"CONFIG", "GET", name});
    const RespValue* value = reply.Find(name);
    return value == nullptr ? "<absent>" : value->str;
  }
  std::string SetError(const std::string& name, const std::string& value) {
    return "ERR CONFIG SET failed (possibly related to argument '" + name + "') - " + value;
  }
};
RUNNEL_BACKEND_TESTS(MemoryTest);

TEST_P(MemoryTest, OptionsHaveRedisDefaults) {
  EXPECT_EQ(ConfigGet("maxmemory"), "0");
  EXPECT_EQ(ConfigGet("maxmemory-policy"), "noeviction");
  EXPECT_EQ(ConfigGet("maxmemory-samples"), "5");
  EXPECT_EQ(ConfigGet("maxmemory-eviction-tenacity"), "10");
  EXPECT_EQ(ConfigGet("lfu-log-factor"), "10");
  EXPECT_EQ(ConfigGet("lfu-decay-time"), "1");
}

TEST_P(MemoryTest, MaxmemoryTakesRedisUnitsAndShowsBytes) {
  const std::pair<const char*, const char*> cases[] = {
      {"100", "100"},         {"1k", "1000"},        {"1kb", "1024"},      {"2MB", "2097152"},
      {"3m", "3000000"},      {"1Gb", "1073741824"}, {"1g", "1000000000"}, {"0", "0"},
  };
  for (const auto& [value, bytes] : cases) {
    EXPECT_THAT(Run({"CONFIG", "SET", "maxmemory", value}), IsSimple("OK")) << value;
    EXPECT_EQ(ConfigGet("maxmemory"), bytes) << value;
  }
}

TEST_P(MemoryTest, BadValuesGetRedisErrorsAndChangeNothing) {
  Run({"CONFIG", "SET", "maxmemory", "5mb"});
  for (const char* bad : {"abc", "-1", "1.5mb", "10tb", "1 kb"}) {
    EXPECT_THAT(Run({"CONFIG", "SET", "maxmemory", bad}),
                IsError(SetError("maxmemory", "argument must be a memory value")))
        << bad;
  }
  EXPECT_EQ(ConfigGet("maxmemory"), "5242880");
  EXPECT_THAT(Run({"CONFIG", "SET", "maxmemory-policy", "lru"}),
              IsError(SetError("maxmemory-policy",
                               "argument(s) must be one of the following: volatile-lru, volatile-lfu, "
                               "volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, "
                               "noeviction")));
  EXPECT_THAT(Run({"CONFIG", "SET", "maxmemory-samples", "0"}),
              IsError(SetError("maxmemory-samples", "argument must be between 1 and 2147483647 inclusive")));
  EXPECT_THAT(Run({"CONFIG", "SET", "maxmemory-eviction-tenacity", "101"}),
              IsError(SetError("maxmemory-eviction-tenacity", "argument must be between 0 and 100 inclusive")));
  EXPECT_THAT(Run({"CONFIG", "SET", "lfu-decay-time", "x"}),
              IsError(SetError("lfu-decay-time", "argument couldn't be parsed into an integer")));
  EXPECT_EQ(ConfigGet("maxmemory-policy"), "noeviction");
}

TEST_P(MemoryTest, EveryPolicyIsSettableCaseInsensitively) {
  for (const char* policy : {"volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl", "allkeys-lru",
                             "allkeys-lfu", "allkeys-random", "noeviction"}) {
    std::string upper(policy);
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_THAT(Run({"CONFIG", "SET", "maxmemory-policy", upper}), IsSimple("OK"));
    EXPECT_EQ(ConfigGet("maxmemory-policy"), policy);
    EXPECT_EQ(InfoField("memory", "maxmemory_policy"), policy);
  }
}

TEST_P(MemoryTest, OptionsComeFromTheCommandLine) {
  StartServer({.args = {"--maxmemory", "64mb", "--maxmemory-policy", "allkeys-lfu", "--maxmemory-samples", "10",
                        "--lfu-log-factor", "20", "--lfu-decay-time", "5"}});
  EXPECT_EQ(ConfigGet("maxmemory"), "67108864");
  EXPECT_EQ(ConfigGet("maxmemory-policy"), "allkeys-lfu");
  EXPECT_EQ(ConfigGet("maxmemory-samples"), "10");
  EXPECT_EQ(ConfigGet("lfu-log-factor"), "20");
  EXPECT_EQ(ConfigGet("lfu-decay-time"), "5");
  EXPECT_EQ(InfoField("memory", "maxmemory"), "67108864");
  EXPECT_EQ(InfoField("memory", "maxmemory_human"), "64.00M");
}

TEST_P(MemoryTest, InfoMemoryReportsTheAllocatorsFigures) {
  const long used = std::stol(InfoField("memory", "used_memory"));
  EXPECT_GT(used, 100'000);  // a server's tables, buffers and rings
  EXPECT_GE(std::stol(InfoField("memory", "used_memory_peak")), used);
  EXPECT_GT(std::stol(InfoField("memory", "allocator_allocated")), 0);
  EXPECT_GE(std::stol(InfoField("memory", "allocator_active")),
            std::stol(InfoField("memory", "allocator_allocated")) / 2);
  EXPECT_GT(std::stol(InfoField("memory", "allocator_resident")), 0);
  EXPECT_GT(std::stod(InfoField("memory", "mem_fragmentation_ratio")), 0.0);
  EXPECT_EQ(InfoField("memory", "maxmemory"), "0");
  EXPECT_EQ(InfoField("memory", "maxmemory_human"), "0B");
  EXPECT_EQ(InfoField("memory", "maxmemory_policy"), "noeviction");
#if defined(__SANITIZE_ADDRESS__)
  EXPECT_EQ(InfoField("memory", "mem_allocator"), "libc");  // ASan's allocator: no jemalloc
#else
  EXPECT_THAT(InfoField("memory", "mem_allocator"), StartsWith("jemalloc-5."));
#endif
  EXPECT_EQ(InfoField("stats", "evicted_keys"), "0");
  EXPECT_EQ(InfoField("stats", "evicted_clients"), "0");
}

TEST_P(MemoryTest, NoevictionRefusesWritesButReadsAndDeletesGoOn) {
  ASSERT_THAT(Run({"XADD", "s", "1-1", "f", "v"}), IsBulk("1-1"));
  ASSERT_THAT(Run({"XADD", "t", "1-1", "f", "v"}), IsBulk("1-1"));
  ASSERT_THAT(Run({"CONFIG", "SET", "maxmemory", "1"}), IsSimple("OK"));
  EXPECT_THAT(Run({"XADD", "s", "*", "f", "v"}), IsError(kOom));
  EXPECT_THAT(Run({"XGROUP", "CREATE", "s", "g", "0"}), IsError(kOom));
  EXPECT_THAT(Run({"XLEN", "s"}), IsInt(1));
  EXPECT_THAT(Run({"XRANGE", "s", "-", "+"}), ArrLen(1));
  EXPECT_THAT(Run({"XREAD", "STREAMS", "s", "0"}), ArrLen(1));
  EXPECT_THAT(Run({"DEL", "t"}), IsInt(1));
  EXPECT_THAT(Run({"PING"}), IsSimple("PONG"));
  EXPECT_EQ(InfoField("stats", "evicted_keys"), "0");
  EXPECT_THAT(Run({"INFO", "errorstats"}).str, ::testing::HasSubstr("errorstat_OOM:count=2"));
  ASSERT_THAT(Run({"CONFIG", "SET", "maxmemory", "0"}), IsSimple("OK"));
  EXPECT_THAT(Run({"XADD", "s", "2-1", "f", "v"}), IsBulk("2-1"));
}

TEST_P(MemoryTest, StreamsAreNeverEvictedUnderAnyPolicy) {
  ASSERT_THAT(Run({"XADD", "s", "1-1", "f", "v"}), IsBulk("1-1"));
  ASSERT_THAT(Run({"EXPIRE", "s", "1000"}), IsInt(1));
  ASSERT_THAT(Run({"XADD", "forever", "1-1", "f", "v"}), IsBulk("1-1"));
  ASSERT_THAT(Run({"CONFIG", "SET", "maxmemory", "1"}), IsSimple("OK"));
  for (const char* policy : {"volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl", "allkeys-lru",
                             "allkeys-lfu", "allkeys-random"}) {
    ASSERT_THAT(Run({"CONFIG", "SET", "maxmemory-policy", policy}), IsSimple("OK"));
    // Nothing evictable: the write is refused, as under noeviction.
    EXPECT_THAT(Run({"XADD", "s", "*", "f", "v"}), IsError(kOom)) << policy;
  }
  EXPECT_THAT(Run({"DBSIZE"}), IsInt(2));
  EXPECT_EQ(InfoField("stats", "evicted_keys"), "0");
}

TEST_P(MemoryTest, QueuingInMultiIsRefusedAndExecAborts) {
  ASSERT_THAT(Run({"XADD", "s", "1-1", "f", "v"}), IsBulk("1-1"));
  ASSERT_THAT(Run({"CONFIG", "SET", "maxmemory", "1"}), IsSimple("OK"));
  ASSERT_THAT(Run({"MULTI"}), IsSimple("OK"));
  // Queuing grows memory whatever the command, so Redis refuses reads too.
  EXPECT_THAT(Run({"XLEN", "s"}), IsError(kOom));
  EXPECT_THAT(Run({"XADD", "s", "*", "f", "v"}), IsError(kOom));
  EXPECT_THAT(Run({"EXEC"}), IsError("EXECABORT Transaction discarded because of previous errors."));
  ASSERT_THAT(Run({"MULTI"}), IsSimple("OK"));
  EXPECT_THAT(Run({"DISCARD"}), IsSimple("OK"));
}

TEST_P(MemoryTest, ExecOfAQueuedWriteFailsOnceOverTheLimit) {
  ASSERT_THAT(Run({"MULTI"}), IsSimple("OK"));
  ASSERT_THAT(Run({"XADD", "s", "1-1", "f", "v"}), IsSimple("QUEUED"));
  auto admin = Connect();
  ASSERT_THAT(admin->Run({"CONFIG", "SET", "maxmemory", "1"}), IsSimple("OK"));
  EXPECT_THAT(Run({"EXEC"}), IsError(std::string("EXECABORT Transaction discarded because of: ") + kOom));
  EXPECT_THAT(Run({"EXISTS", "s"}), IsInt(0));
  // The transaction is gone: a second EXEC has no MULTI.
  EXPECT_THAT(Run({"EXEC"}), IsError("ERR EXEC without MULTI"));
}

TEST_P(MemoryTest, ExecOfOnlyReadsRunsOverTheLimit) {
  ASSERT_THAT(Run({"XADD", "s", "1-1", "f", "v"}), IsBulk("1-1"));
  ASSERT_THAT(Run({"MULTI"}), IsSimple("OK"));
  ASSERT_THAT(Run({"XLEN", "s"}), IsSimple("QUEUED"));
  auto admin = Connect();
  ASSERT_THAT(admin->Run({"CONFIG", "SET", "maxmemory", "1"}), IsSimple("OK"));
  RespValue exec = Run({"EXEC"});
  ASSERT_THAT(exec, ArrLen(1));
  EXPECT_THAT(exec.elements[0], IsInt(1));
}

TEST_P(MemoryTest, ObjectFreqAndIdletimeFollowThePolicy) {
  ASSERT_THAT(Run({"XADD", "s", "1-1", "f", "v"}), IsBulk("1-1"));
  // Whole seconds of a one-second LRU clock, as in Redis: the clock may tick
  // between the two commands (seen once in CI), so 0 or 1.
  const RespValue idle = Run({"OBJECT", "IDLETIME", "s"});
  ASSERT_EQ(idle.type, RespValue::Type::kInteger);
  EXPECT_LE(idle.integer, 1);
  EXPECT_THAT(Run({"OBJECT", "FREQ", "s"}),
              IsError("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note "
                      "that when switching between policies at runtime LRU and LFU data will take some time "
                      "to adjust."));
  EXPECT_THAT(Run({"OBJECT", "IDLETIME", "missing"}), IsNull());
  ASSERT_THAT(Run({"CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"}), IsSimple("OK"));
  ASSERT_THAT(Run({"XADD", "lfu", "1-1", "f", "v"}), IsBulk("1-1"));
  EXPECT_THAT(Run({"OBJECT", "FREQ", "lfu"}), IsInt(5));  // a new key's count
  // Looking (TYPE, EXISTS, TTL, OBJECT) is no access; reading is, and the
  // first access above the initial count always counts.
  Run({"TYPE", "lfu"});
  Run({"EXISTS", "lfu"});
  Run({"TTL", "lfu"});
  EXPECT_THAT(Run({"OBJECT", "FREQ", "lfu"}), IsInt(5));
  Run({"XLEN", "lfu"});
  EXPECT_THAT(Run({"OBJECT", "FREQ", "lfu"}), IsInt(6));
  EXPECT_THAT(Run({"OBJECT", "FREQ", "missing"}), IsNull());
  EXPECT_THAT(Run({"OBJECT", "IDLETIME", "lfu"}),
              IsError("ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when "
                      "switching between policies at runtime LRU and LFU data will take some time to adjust."));
  EXPECT_THAT(Run({"OBJECT", "FREQ"}), IsError("ERR wrong number of arguments for 'object|freq' command"));
}

TEST_P(MemoryTest, ObjectHelpListsFreqAndIdletime) {
  RespValue help = Run({"OBJECT", "HELP"});
  std::string text;
  for (const RespValue& line : help.elements) text += line.str + "\n";
  EXPECT_THAT(text, ::testing::HasSubstr("FREQ <key>"));
  EXPECT_THAT(text, ::testing::HasSubstr("IDLETIME <key>"));
}

}  // namespace
}  // namespace runnel::testing
