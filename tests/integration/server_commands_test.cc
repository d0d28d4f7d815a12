// INFO, TIME, DBSIZE, FLUSHDB, FLUSHALL, COMMAND, CONFIG through the server.
#include <sys/time.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <thread>

#include "tests/integration/server_harness.h"

namespace runnel::testing {
namespace {

class ServerCommandsTest : public ServerTest {};
RUNNEL_BACKEND_TESTS(ServerCommandsTest);

TEST_P(ServerCommandsTest, InfoHasRedisSectionsAndFields) {
  RespValue info = Run({"INFO"});
  ASSERT_EQ(info.type, RespValue::Type::kBulk);
  for (const char* header : {"# Server", "# Clients", "# Memory", "# Persistence", "# Stats",
                             "# Replication", "# CPU", "# Keyspace"}) {
    EXPECT_NE(info.str.find(header), std::string::npos) << header;
  }
  EXPECT_EQ(info.str.find("# Commandstats"), std::string::npos);
  EXPECT_EQ(InfoField("server", "redis_version").substr(0, 2), "7.");
  EXPECT_FALSE(InfoField("server", "runnel_version").empty());
  EXPECT_EQ(InfoField("replication", "role"), "master");
  EXPECT_EQ(InfoField("clients", "connected_clients"), "1");
  EXPECT_EQ(InfoField("clients", "blocked_clients"), "0");
  EXPECT_EQ(InfoField("server", "multiplexing_api"), GetParam() == "uring" ? "io_uring" : "epoll");
  EXPECT_GT(std::stol(InfoField("memory", "used_memory")), 0);
}

TEST_P(ServerCommandsTest, InfoSectionSelection) {
  RespValue info = Run({"INFO", "CLIENTS", "stats"});
  EXPECT_NE(info.str.find("# Clients"), std::string::npos);
  EXPECT_NE(info.str.find("# Stats"), std::string::npos);
  EXPECT_EQ(info.str.find("# Server"), std::string::npos);
  EXPECT_THAT(Run({"INFO", "nosuchsection"}), IsBulk(""));
  EXPECT_NE(Run({"INFO", "all"}).str.find("# Commandstats"), std::string::npos);
}

TEST_P(ServerCommandsTest, InfoIsVerbatimInResp3) {
  Run({"HELLO", "3"});
  RespValue info = Run({"INFO", "server"});
  EXPECT_EQ(info.type, RespValue::Type::kVerbatim);
  EXPECT_NE(info.str.find("redis_version:"), std::string::npos);
}

TEST_P(ServerCommandsTest, CountersCountCommandsAndErrors) {
  long before = std::stol(InfoField("stats", "total_commands_processed"));
  Run({"PING"});
  Run({"PING"});
  long after = std::stol(InfoField("stats", "total_commands_processed"));
  EXPECT_GE(after - before, 3);  // two PINGs and the first INFO
  Run({"NOPE"});
  Run({"SELECT", "99"});
  EXPECT_EQ(InfoField("stats", "total_error_replies"), "2");
  EXPECT_EQ(InfoField("errorstats", "errorstat_ERR"), "count=2");
  EXPECT_NE(Run({"INFO", "commandstats"}).str.find("cmdstat_ping:calls=2,"), std::string::npos);
  EXPECT_THAT(Run({"CONFIG", "RESETSTAT"}), IsSimple("OK"));
  EXPECT_EQ(InfoField("stats", "total_error_replies"), "0");
}

TEST_P(ServerCommandsTest, InstantaneousOpsPerSecReflectsLoad) {
  for (int round = 0; round < 10; ++round) {
    std::string batch;
    for (int i = 0; i < 500; ++i) batch += RespClient::Encode({"PING"});
    client_->SendRaw(batch);
    for (int i = 0; i < 500; ++i) ASSERT_TRUE(client_->Read().has_value());
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
  }
  EXPECT_GT(std::stol(InfoField("stats", "instantaneous_ops_per_sec")), 0);
}

TEST_P(ServerCommandsTest, TimeIsSecondsAndMicroseconds) {
  RespValue time = Run({"TIME"});
  ASSERT_THAT(time, ArrLen(2));
  timeval now;
  gettimeofday(&now, nullptr);
  EXPECT_NEAR(std::stol(time.elements[0].str), now.tv_sec, 2);
  long usec = std::stol(time.elements[1].str);
  EXPECT_GE(usec, 0);
  EXPECT_LT(usec, 1000000);
}

TEST_P(ServerCommandsTest, DbsizeAndFlushOnAnEmptyKeyspace) {
  EXPECT_THAT(Run({"DBSIZE"}), IsInt(0));
  EXPECT_THAT(Run({"FLUSHDB"}), IsSimple("OK"));
  EXPECT_THAT(Run({"FLUSHALL", "ASYNC"}), IsSimple("OK"));
  EXPECT_THAT(Run({"FLUSHALL", "SYNC"}), IsSimple("OK"));
  EXPECT_THAT(Run({"FLUSHDB", "LATER"}), IsError("ERR syntax error"));
}

TEST_P(ServerCommandsTest, CommandCountMatchesCommandList) {
  RespValue count = Run({"COMMAND", "COUNT"});
  RespValue all = Run({"COMMAND"});
  ASSERT_EQ(all.type, RespValue::Type::kArray);
  EXPECT_THAT(count, IsInt(static_cast<int64_t>(all.elements.size())));
  RespValue list = Run({"COMMAND", "LIST"});
  bool has_config_get = false;
  for (const RespValue& name : list.elements) has_config_get |= name.str == "config|get";
  EXPECT_TRUE(has_config_get);
}

TEST_P(ServerCommandsTest, CommandInfoHasRedisShape) {
  RespValue info = Run({"COMMAND", "INFO", "ping", "nosuch", "config|get"});
  ASSERT_THAT(info, ArrLen(3));
  const RespValue& ping = info.elements[0];
  ASSERT_THAT(ping, ArrLen(10));
  EXPECT_THAT(ping.elements[0], IsBulk("ping"));
  EXPECT_THAT(ping.elements[1], IsInt(-1));
  bool fast = false;
  for (const RespValue& flag : ping.elements[2].elements) fast |= flag.str == "fast";
  EXPECT_TRUE(fast);
  EXPECT_THAT(info.elements[1], IsNullArray());
  EXPECT_THAT(info.elements[2].elements[0], IsBulk("config|get"));
}

TEST_P(ServerCommandsTest, CommandDocsAndGetKeys) {
  RespValue docs = Run({"COMMAND", "DOCS", "echo"});
  ASSERT_EQ(docs.elements.size(), 2u);
  EXPECT_THAT(docs.elements[0], IsBulk("echo"));
  EXPECT_THAT(*docs.elements[1].Find("group"), IsBulk("connection"));
  EXPECT_THAT(Run({"COMMAND", "GETKEYS", "PING"}), IsError("ERR The command has no key arguments"));
  EXPECT_THAT(Run({"COMMAND", "GETKEYS", "NOPE"}), IsError("ERR Invalid command specified"));
  EXPECT_THAT(Run({"COMMAND", "NOPE"}), IsError("ERR unknown subcommand 'NOPE'. Try COMMAND HELP."));
  EXPECT_THAT(Run({"COMMAND", "LIST", "FILTERBY", "PATTERN", "conf*"}), ArrLen(6));
}

TEST_P(ServerCommandsTest, ConfigGetMatchesGlobsAndSetIsAtomic) {
  RespValue got = Run({"CONFIG", "GET", "maxclients", "time*"});
  ASSERT_THAT(got, ArrLen(4));
  EXPECT_THAT(*got.Find("maxclients"), IsBulk("10000"));
  EXPECT_THAT(*got.Find("timeout"), IsBulk("0"));
  EXPECT_THAT(Run({"CONFIG", "SET", "timeout", "30", "maxclients", "7"}), IsSimple("OK"));
  EXPECT_THAT(*Run({"CONFIG", "GET", "maxclients"}).Find("maxclients"), IsBulk("7"));
  // One bad pair leaves every option as it was.
  EXPECT_THAT(Run({"CONFIG", "SET", "timeout", "5", "maxclients", "many"}),
              ErrorStartsWith("ERR CONFIG SET failed (possibly related to argument 'maxclients')"));
  EXPECT_THAT(*Run({"CONFIG", "GET", "timeout"}).Find("timeout"), IsBulk("30"));
  EXPECT_THAT(Run({"CONFIG", "SET", "nosuch", "1"}),
              IsError("ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'"));
  EXPECT_THAT(Run({"CONFIG", "SET", "databases", "4"}),
              IsError("ERR CONFIG SET failed (possibly related to argument 'databases') - can't "
                      "set immutable config"));
  EXPECT_THAT(Run({"CONFIG", "SET", "timeout"}),
              IsError("ERR wrong number of arguments for 'config|set' command"));
  EXPECT_THAT(Run({"CONFIG", "SET", "timeout", "1", "hz"}), IsError("ERR syntax error"));
  Run({"HELLO", "3"});
  EXPECT_THAT(Run({"CONFIG", "GET", "port"}), MapLen(1));
}

// redis-benchmark and redis-cli --stat fetch these; their values are Redis's names.
TEST_P(ServerCommandsTest, ConfigGetPersistenceOptions) {
  RespValue got = Run({"CONFIG", "GET", "save", "appendonly", "appendfsync"});
  ASSERT_THAT(got, ArrLen(6));
  EXPECT_THAT(*got.Find("save"), IsBulk(""));
  EXPECT_THAT(*got.Find("appendonly"), IsBulk("yes"));
  EXPECT_THAT(*got.Find("appendfsync"), IsBulk("everysec"));
  RespValue segments = Run({"CONFIG", "GET", "*segment*"});
  ASSERT_THAT(segments, ArrLen(4));
  EXPECT_THAT(*segments.Find("segment-max-bytes"), IsBulk("67108864"));
  EXPECT_THAT(*segments.Find("open-segments-max"), IsBulk("1024"));
}

TEST_P(ServerCommandsTest, ConfigSetPersistenceOptions) {
  EXPECT_THAT(Run({"CONFIG", "SET", "appendfsync", "always"}), IsSimple("OK"));
  EXPECT_THAT(*Run({"CONFIG", "GET", "appendfsync"}).Find("appendfsync"), IsBulk("always"));
  EXPECT_THAT(Run({"CONFIG", "SET", "appendfsync", "sometimes"}),
              IsError("ERR CONFIG SET failed (possibly related to argument 'appendfsync') - "
                      "argument(s) must be one of the following: always, everysec, no"));
  EXPECT_THAT(Run({"CONFIG", "SET", "appendonly", "yes"}), IsSimple("OK"));
  EXPECT_THAT(Run({"CONFIG", "SET", "appendonly", "no"}),
              IsError("ERR CONFIG SET failed (possibly related to argument 'appendonly') - "
                      "argument must be 'yes' in Runnel: the stream log is always on"));
  EXPECT_THAT(*Run({"CONFIG", "GET", "appendonly"}).Find("appendonly"), IsBulk("yes"));
  EXPECT_THAT(Run({"CONFIG", "SET", "save", "3600 1 300 100"}), IsSimple("OK"));
  EXPECT_THAT(*Run({"CONFIG", "GET", "save"}).Find("save"), IsBulk("3600 1 300 100"));
  EXPECT_THAT(Run({"CONFIG", "SET", "save", ""}), IsSimple("OK"));
  EXPECT_THAT(*Run({"CONFIG", "GET", "save"}).Find("save"), IsBulk(""));
  EXPECT_THAT(Run({"CONFIG", "SET", "save", "900"}),
              IsError("ERR CONFIG SET failed (possibly related to argument 'save') - "
                      "Invalid save parameters"));
  EXPECT_THAT(Run({"CONFIG", "SET", "segment-max-bytes", "32mb", "open-segments-max", "64"}),
              IsSimple("OK"));
  EXPECT_THAT(*Run({"CONFIG", "GET", "segment-max-bytes"}).Find("segment-max-bytes"),
              IsBulk("33554432"));
  EXPECT_THAT(Run({"CONFIG", "SET", "open-segments-max", "8"}),
              IsError("ERR CONFIG SET failed (possibly related to argument 'open-segments-max') - "
                      "argument must be between 16 and 65536 inclusive"));
  EXPECT_THAT(*Run({"CONFIG", "GET", "open-segments-max"}).Find("open-segments-max"),
              IsBulk("64"));
}

TEST_P(ServerCommandsTest, InfoPersistenceSaysTheLogIsOn) {
  EXPECT_EQ(InfoField("persistence", "loading"), "0");
  EXPECT_EQ(InfoField("persistence", "aof_enabled"), "1");
  EXPECT_EQ(InfoField("persistence", "rdb_bgsave_in_progress"), "0");
  EXPECT_EQ(InfoField("persistence", "rdb_changes_since_last_save"), "0");
  EXPECT_EQ(InfoField("persistence", "aof_rewrite_in_progress"), "0");
  EXPECT_EQ(InfoField("persistence", "aof_last_write_status"), "ok");
  EXPECT_NE(Run({"INFO", "everything"}).str.find("# Persistence\r\nloading:0\r\n"),
            std::string::npos);
}

TEST_P(ServerCommandsTest, ConfigRewriteNeedsAConfigFile) {
  EXPECT_THAT(Run({"CONFIG", "REWRITE"}), IsError("ERR The server is running without a config file"));
}

TEST_P(ServerCommandsTest, ConfigRewritePersistsChanges) {
  StartServer({.config_text = "# my settings\ntimeout 10\n"});
  EXPECT_THAT(Run({"CONFIG", "SET", "timeout", "42", "maxclients", "99"}), IsSimple("OK"));
  EXPECT_THAT(Run({"CONFIG", "REWRITE"}), IsSimple("OK"));
  std::ifstream in(server_->config_path());
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("# my settings"), std::string::npos) << text;
  EXPECT_NE(text.find("timeout 42"), std::string::npos) << text;
  EXPECT_NE(text.find("maxclients 99"), std::string::npos) << text;
}

TEST_P(ServerCommandsTest, HelpSubcommandsListTheirCommands) {
  RespValue help = Run({"CONFIG", "HELP"});
  ASSERT_EQ(help.type, RespValue::Type::kArray);
  EXPECT_THAT(help.elements[0], IsSimple("CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"));
  EXPECT_EQ(Run({"CLIENT", "HELP"}).type, RespValue::Type::kArray);
  EXPECT_EQ(Run({"COMMAND", "HELP"}).type, RespValue::Type::kArray);
}

}  // namespace
}  // namespace runnel::testing

namespace runnel::testing {
namespace {

// docs/commands.md must list every command the table registers (one source
// of truth: the table; the doc is checked against it).
class CommandsDocTest : public ServerTest {};
RUNNEL_BACKEND_TESTS(CommandsDocTest);

TEST_P(CommandsDocTest, EveryRegisteredCommandIsDocumented) {
  std::ifstream in(std::string(RUNNEL_SOURCE_DIR) + "/docs/commands.md");
  std::string doc((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_FALSE(doc.empty());
  RespValue list = Run({"COMMAND", "LIST"});
  ASSERT_EQ(list.type, RespValue::Type::kArray);
  for (const RespValue& name : list.elements) {
    std::string row = name.str;
    std::replace(row.begin(), row.end(), '|', ' ');
    std::transform(row.begin(), row.end(), row.begin(), ::toupper);
    EXPECT_NE(doc.find("| " + row + " |"), std::string::npos) << row << " is not in docs/commands.md";
  }
}

}  // namespace
}  // namespace runnel::testing
