// RespClient: a blocking test client over TCP. Sends commands as RESP
// multibulk (or raw bytes, for protocol tests) and reads one reply at a time
// with a deadline, so a test fails instead of hanging.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tests/integration/resp_value.h"

namespace runnel::testing {

class RespClient {
 public:
  // Connects to host:port; check connected().
  RespClient(const std::string& host, int port);
  ~RespClient();
  RespClient(const RespClient&) = delete;
  RespClient& operator=(const RespClient&) = delete;

  bool connected() const { return fd_ >= 0; }
  int fd() const { return fd_; }

  // Sends one command and reads its reply (a kError reply on I/O failure
  // carries the text "IO: ..." so a test assertion shows what went wrong).
  RespValue Run(const std::vector<std::string>& args);
  void Send(const std::vector<std::string>& args);
  void SendRaw(std::string_view bytes);
  // Reads the next reply; nullopt on timeout, EOF or a malformed reply.
  std::optional<RespValue> Read(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // True when the server closed the connection within `timeout` (after
  // discarding whatever it sent first).
  bool WaitForClose(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Reads whatever arrives within `timeout` as raw bytes.
  std::string ReadRaw(std::chrono::milliseconds timeout);

  static std::string Encode(const std::vector<std::string>& args);

 private:
  bool Fill(std::chrono::steady_clock::time_point deadline);
  std::optional<std::string> ReadLine(std::chrono::steady_clock::time_point deadline);
  std::optional<std::string> ReadExact(size_t n, std::chrono::steady_clock::time_point deadline);
  std::optional<RespValue> ReadValue(std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
  std::string buffer_;
  size_t pos_ = 0;
  bool eof_ = false;
};

}  // namespace runnel::testing
