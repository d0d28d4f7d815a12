// One Register function per command family; each adds its rows to the table.
#pragma once

#include "server/command/command_table.h"

namespace runnel {

void RegisterConnectionCommands(command::CommandTable& table);   // PING ECHO QUIT HELLO AUTH SELECT RESET
void RegisterServerCommands(command::CommandTable& table);       // INFO TIME SHUTDOWN
void RegisterKeyspaceCommands(command::CommandTable& table);     // DBSIZE FLUSHDB FLUSHALL TYPE EXISTS DEL UNLINK
                                                                 // RENAME RENAMENX OBJECT
void RegisterScanCommands(command::CommandTable& table);         // KEYS SCAN RANDOMKEY
void RegisterExpireCommands(command::CommandTable& table);       // EXPIRE PEXPIRE EXPIREAT PEXPIREAT TTL PTTL
                                                                 // EXPIRETIME PEXPIRETIME PERSIST
void RegisterClientCommands(command::CommandTable& table);       // CLIENT ...
void RegisterConfigCommands(command::CommandTable& table);       // CONFIG ...
void RegisterCommandCommands(command::CommandTable& table);      // COMMAND ...
void RegisterTransactionCommands(command::CommandTable& table);  // MULTI EXEC DISCARD
void RegisterStreamCommands(command::CommandTable& table);       // XADD XLEN XRANGE XREVRANGE XDEL XTRIM
void RegisterStreamReadCommands(command::CommandTable& table);   // XREAD
void RegisterStreamMetaCommands(command::CommandTable& table);   // XSETID XINFO (STREAM, HELP, GROUPS, CONSUMERS)
void RegisterGroupCommands(command::CommandTable& table);        // XGROUP XACK
void RegisterPendingCommands(command::CommandTable& table);      // XPENDING
void RegisterStreamGroupReadCommands(command::CommandTable& table);  // XREADGROUP
void RegisterClaimCommands(command::CommandTable& table);        // XCLAIM XAUTOCLAIM
void RegisterStringCommands(command::CommandTable& table);       // GET SET SETNX SETEX PSETEX GETSET GETDEL GETEX
                                                                 // MGET MSET MSETNX
void RegisterStringRangeCommands(command::CommandTable& table);  // APPEND STRLEN GETRANGE SUBSTR SETRANGE
void RegisterStringNumberCommands(command::CommandTable& table);  // INCR DECR INCRBY DECRBY INCRBYFLOAT
void RegisterAclCommands(command::CommandTable& table);          // ACL ...
void RegisterPubSubCommands(command::CommandTable& table);       // SUBSCRIBE UNSUBSCRIBE PSUBSCRIBE PUNSUBSCRIBE
                                                                 // PUBLISH SSUBSCRIBE SUNSUBSCRIBE SPUBLISH PUBSUB

}  // namespace runnel
