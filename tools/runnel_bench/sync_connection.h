// SyncConnection: a blocking connection for everything before the measured
// run — connect, AUTH, HELLO 3, creating groups, pre-filling streams,
// subscribing — after which its socket is handed to a ClientLoop.
//
// Errors say which command the server refused and with what text, e.g.
// "the server refused HELLO: ERR unknown command 'HELLO', ...".
// Not thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "tools/runnel_bench/reply_parser.h"

namespace runnel::bench {

struct ServerAddress {
  std::string host;
  int port = 0;
};

struct Handshake {
  std::string password;  // AUTH when not empty
  bool resp3 = false;    // HELLO 3
};

class SyncConnection {
 public:
  static absl::StatusOr<SyncConnection> Connect(const ServerAddress& address, const Handshake& handshake);
  SyncConnection(SyncConnection&& other) noexcept;
  SyncConnection& operator=(SyncConnection&& other) noexcept;
  ~SyncConnection();

  // Sends `requests` (RESP, `count` commands named `name`) and reads their
  // `count` replies; an error reply fails the call.
  absl::Status Call(std::string_view requests, std::string_view name, size_t count = 1);
  // Like Call for one command; returns the kind of its reply (errors too).
  absl::StatusOr<ReplyType> CallForType(std::string_view request, std::string_view name, std::string* error_text);

  // The socket, non-blocking from now on; the connection no longer owns it.
  int ReleaseSocket();

 private:
  explicit SyncConnection(int fd) : fd_(fd) {}
  absl::Status SendAll(std::string_view bytes);
  // Reads until one whole reply is buffered; the reply stays in parser_.
  absl::Status ReadReply();

  int fd_ = -1;
  std::string input_;
  size_t parsed_ = 0;  // bytes of input_ that earlier replies took
  ReplyParser parser_;
};

}  // namespace runnel::bench
