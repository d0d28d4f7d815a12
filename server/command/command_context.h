// CommandContext: what a handler gets — the server, the calling connection,
// the arguments (views valid for the duration of the call) and the resolved
// command. Handlers parse options, call the engine, then reply through
// reply(); they never see sockets.
#pragma once

#include <span>
#include <string_view>

#include "server/command/command_table.h"
#include "server/resp/resp_writer.h"

namespace runnel {
class Server;
class Connection;
}  // namespace runnel

namespace runnel::command {

class CommandContext {
 public:
  CommandContext(Server& server, Connection& conn, std::span<const std::string_view> args,
                 const ResolvedCommand& command, resp::ReplyBuilder& reply)
      : server(server), conn(conn), args(args), command(command), reply_(reply) {}

  Server& server;
  Connection& conn;
  std::span<const std::string_view> args;
  const ResolvedCommand& command;

  resp::ReplyBuilder& reply() { return reply_; }
  size_t argc() const { return args.size(); }
  std::string_view arg(size_t i) const { return args[i]; }

 private:
  resp::ReplyBuilder& reply_;
};

}  // namespace runnel::command
