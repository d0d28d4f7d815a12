#include "tests/integration/resp_client.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace runnel::testing {
namespace {

using Clock = std::chrono::steady_clock;

RespValue IoError(std::string_view what) {
  RespValue v;
  v.type = RespValue::Type::kError;
  v.str = "IO: " + std::string(what);
  return v;
}

}  // namespace

RespClient::RespClient(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* result = nullptr;
  if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &result) != 0) return;
  for (addrinfo* ai = result; ai != nullptr; ai = ai->ai_next) {
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) continue;
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
      int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
      fd_ = fd;
      break;
    }
    close(fd);
  }
  freeaddrinfo(result);
}

RespClient::~RespClient() {
  if (fd_ >= 0) close(fd_);
}

std::string RespClient::Encode(const std::vector<std::string>& args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (const std::string& arg : args) {
    out += "$" + std::to_string(arg.size()) + "\r\n";
    out += arg;
    out += "\r\n";
  }
  return out;
}

void RespClient::SendRaw(std::string_view bytes) {
  while (!bytes.empty() && fd_ >= 0) {
    ssize_t n = send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
}

void RespClient::Send(const std::vector<std::string>& args) { SendRaw(Encode(args)); }

RespValue RespClient::Run(const std::vector<std::string>& args) {
  Send(args);
  std::optional<RespValue> reply = Read();
  return reply ? *reply : IoError(eof_ ? "connection closed" : "timeout or malformed reply");
}

bool RespClient::Fill(Clock::time_point deadline) {
  if (eof_ || fd_ < 0) return false;
  auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  if (remaining.count() < 0) return false;
  pollfd p{fd_, POLLIN, 0};
  int ready = poll(&p, 1, static_cast<int>(remaining.count()));
  if (ready <= 0) return false;
  char chunk[64 * 1024];
  ssize_t n = recv(fd_, chunk, sizeof(chunk), 0);
  if (n <= 0) {
    eof_ = true;
    return false;
  }
  if (pos_ > 0 && pos_ == buffer_.size()) {
    buffer_.clear();
    pos_ = 0;
  }
  buffer_.append(chunk, static_cast<size_t>(n));
  return true;
}

std::optional<std::string> RespClient::ReadLine(Clock::time_point deadline) {
  while (true) {
    size_t end = buffer_.find("\r\n", pos_);
    if (end != std::string::npos) {
      std::string line = buffer_.substr(pos_, end - pos_);
      pos_ = end + 2;
      return line;
    }
    if (!Fill(deadline)) return std::nullopt;
  }
}

std::optional<std::string> RespClient::ReadExact(size_t n, Clock::time_point deadline) {
  while (buffer_.size() - pos_ < n + 2) {
    if (!Fill(deadline)) return std::nullopt;
  }
  std::string out = buffer_.substr(pos_, n);
  pos_ += n + 2;
  return out;
}

std::optional<RespValue> RespClient::ReadValue(Clock::time_point deadline) {
  std::optional<std::string> line = ReadLine(deadline);
  if (!line || line->empty()) return std::nullopt;
  RespValue v;
  char kind = (*line)[0];
  std::string rest = line->substr(1);
  auto aggregate = [&](RespValue::Type type, int64_t count) -> std::optional<RespValue> {
    v.type = type;
    for (int64_t i = 0; i < count; ++i) {
      std::optional<RespValue> e = ReadValue(deadline);
      if (!e) return std::nullopt;
      v.elements.push_back(std::move(*e));
    }
    return v;
  };
  switch (kind) {
    case '+': v.type = RespValue::Type::kSimple; v.str = rest; return v;
    case '-': v.type = RespValue::Type::kError; v.str = rest; return v;
    case ':': v.type = RespValue::Type::kInteger; v.integer = std::stoll(rest); return v;
    case ',': v.type = RespValue::Type::kDouble; v.str = rest; return v;
    case '(': v.type = RespValue::Type::kBigNumber; v.str = rest; return v;
    case '#': v.type = RespValue::Type::kBool; v.integer = rest == "t"; return v;
    case '_': v.type = RespValue::Type::kNull; return v;
    case '$':
    case '=': {
      int64_t n = std::stoll(rest);
      if (n < 0) {
        v.type = RespValue::Type::kNull;
        return v;
      }
      std::optional<std::string> body = ReadExact(static_cast<size_t>(n), deadline);
      if (!body) return std::nullopt;
      v.type = kind == '$' ? RespValue::Type::kBulk : RespValue::Type::kVerbatim;
      v.str = kind == '$' ? *body : body->substr(4);  // drop "txt:"
      return v;
    }
    case '*': {
      int64_t n = std::stoll(rest);
      if (n < 0) {
        v.type = RespValue::Type::kNullArray;
        return v;
      }
      return aggregate(RespValue::Type::kArray, n);
    }
    case '%': return aggregate(RespValue::Type::kMap, 2 * std::stoll(rest));
    case '~': return aggregate(RespValue::Type::kSet, std::stoll(rest));
    case '>': return aggregate(RespValue::Type::kPush, std::stoll(rest));
    default: return std::nullopt;
  }
}

std::optional<RespValue> RespClient::Read(std::chrono::milliseconds timeout) {
  return ReadValue(Clock::now() + timeout);
}

bool RespClient::WaitForClose(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (!eof_) {
    if (!Fill(deadline) && !eof_) return false;
  }
  return true;
}

std::string RespClient::ReadRaw(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (Fill(deadline)) {
  }
  std::string out = buffer_.substr(pos_);
  pos_ = buffer_.size();
  return out;
}

}  // namespace runnel::testing
