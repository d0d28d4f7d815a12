// Redis's reply texts for errors that more than one command sends. Clients
// and scripts match on these strings, so they are copied from Redis 7
// exactly and kept in one place. Texts are without the leading '-'.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace runnel::resp {

inline constexpr std::string_view kSyntaxError = "ERR syntax error";
inline constexpr std::string_view kNotInteger = "ERR value is not an integer or out of range";
inline constexpr std::string_view kNoAuth = "NOAUTH Authentication required.";
inline constexpr std::string_view kWrongPass =
    "WRONGPASS invalid username-password pair or user is disabled.";
inline constexpr std::string_view kAuthNotConfigured =
    "ERR AUTH <password> called without any password configured for the default user. Are you "
    "sure your configuration is correct?";
inline constexpr std::string_view kDbIndexOutOfRange = "ERR DB index is out of range";
inline constexpr std::string_view kMaxClients = "ERR max number of clients reached";
// protected-mode's refusal of a non-loopback client (Redis 7.2's words).
inline constexpr std::string_view kProtectedMode =
    "DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the "
    "default user. In this mode connections are only accepted from the loopback interface. If you want to connect "
    "from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode "
    "sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the "
    "same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do "
    "so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode "
    "by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting "
    "the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' "
    "option. 4) Set up an authentication password for the default user. NOTE: You only need to do one of the above "
    "things in order for the server to start accepting connections from the outside.";
inline constexpr std::string_view kExecAbort =
    "EXECABORT Transaction discarded because of previous errors.";
inline constexpr std::string_view kExecWithoutMulti = "ERR EXEC without MULTI";
inline constexpr std::string_view kDiscardWithoutMulti = "ERR DISCARD without MULTI";
inline constexpr std::string_view kMultiNested = "ERR MULTI calls can not be nested";
inline constexpr std::string_view kNotAllowedInMulti = "ERR Command not allowed inside a transaction";
inline constexpr std::string_view kOom = "OOM command not allowed when used memory > 'maxmemory'.";
inline constexpr std::string_view kNoSuchClient = "ERR No such client";
inline constexpr std::string_view kClientNameInvalid =
    "ERR Client names cannot contain spaces, newlines or special characters.";
inline constexpr std::string_view kNoProto = "NOPROTO unsupported protocol version";
inline constexpr std::string_view kProtoNotInteger =
    "ERR Protocol version is not an integer or out of range";
inline constexpr std::string_view kHelloNoAuth =
    "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO "
    "<proto> AUTH <user> <pass> option can be used to authenticate the client and select the "
    "RESP protocol version at the same time";
inline constexpr std::string_view kNoConfigFile = "ERR The server is running without a config file";

inline constexpr std::string_view kWrongType =
    "WRONGTYPE Operation against a key holding the wrong kind of value";
inline constexpr std::string_view kNoSuchKey = "ERR no such key";

// Consumer groups (t_stream.c). The names are the caller's arguments.
inline constexpr std::string_view kBusyGroup = "BUSYGROUP Consumer Group name already exists";
// XGROUP SETID/CREATECONSUMER/DELCONSUMER and XINFO CONSUMERS on a missing group.
std::string NoSuchGroupForKey(std::string_view group, std::string_view key);
// XPENDING, XCLAIM and XAUTOCLAIM on a missing key or group.
std::string NoSuchKeyOrGroup(std::string_view key, std::string_view group);

// The reply for an engine error: Redis's "ERR " and the status message,
// which the engine words as Redis does (stream ID errors, a full disk).
std::string EngineError(const absl::Status& status);

// "ERR unknown subcommand or wrong number of arguments for '<sub>'. Try <CMD> HELP."
std::string UnknownSubcommandOrArity(std::string_view sub, std::string_view command);

}  // namespace runnel::resp
