#include "tools/runnel_bench/sync_connection.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/str_format.h"
#include "tools/runnel_bench/command_template.h"

namespace runnel::bench {
namespace {

absl::Status Refused(std::string_view name, std::string_view text) {
  return absl::FailedPreconditionError(absl::StrFormat("the server refused %s: %s", name, text));
}

absl::StatusOr<int> OpenSocket(const ServerAddress& address) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(address.port);
  if (const int error = getaddrinfo(address.host.c_str(), port.c_str(), &hints, &found); error != 0) {
    return absl::UnavailableError(absl::StrFormat("cannot resolve %s: %s", address.host, gai_strerror(error)));
  }
  int last_errno = 0;
  for (addrinfo* candidate = found; candidate != nullptr; candidate = candidate->ai_next) {
    const int fd = socket(candidate->ai_family, candidate->ai_socktype | SOCK_CLOEXEC, candidate->ai_protocol);
    if (fd < 0) continue;
    if (connect(fd, candidate->ai_addr, candidate->ai_addrlen) == 0) {
      freeaddrinfo(found);
      const int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
      return fd;
    }
    last_errno = errno;
    close(fd);
  }
  freeaddrinfo(found);
  return absl::UnavailableError(
      absl::StrFormat("cannot connect to %s:%d: %s", address.host, address.port, std::strerror(last_errno)));
}

}  // namespace

absl::StatusOr<SyncConnection> SyncConnection::Connect(const ServerAddress& address, const Handshake& handshake) {
  absl::StatusOr<int> fd = OpenSocket(address);
  if (!fd.ok()) return fd.status();
  SyncConnection connection(*fd);
  if (!handshake.password.empty()) {
    if (absl::Status status = connection.Call(EncodeCommand({"AUTH", handshake.password}), "AUTH"); !status.ok()) {
      return status;
    }
  }
  if (handshake.resp3) {
    if (absl::Status status = connection.Call(EncodeCommand({"HELLO", "3"}), "HELLO 3"); !status.ok()) return status;
  }
  return connection;
}

SyncConnection::SyncConnection(SyncConnection&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), input_(std::move(other.input_)), parsed_(other.parsed_) {}

SyncConnection& SyncConnection::operator=(SyncConnection&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    input_ = std::move(other.input_);
    parsed_ = other.parsed_;
  }
  return *this;
}

SyncConnection::~SyncConnection() {
  if (fd_ >= 0) close(fd_);
}

absl::Status SyncConnection::SendAll(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return absl::UnavailableError(absl::StrFormat("send: %s", std::strerror(errno)));
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

absl::Status SyncConnection::ReadReply() {
  while (true) {
    const std::string_view pending = std::string_view(input_).substr(parsed_);
    switch (parser_.Parse(pending)) {
      case ReplyParser::Result::kReply:
        return absl::OkStatus();
      case ReplyParser::Result::kError:
        return absl::DataLossError(parser_.error());
      case ReplyParser::Result::kNeedMore:
        break;
    }
    if (parsed_ > 0) {  // keep only the unparsed bytes
      input_.erase(0, parsed_);
      parsed_ = 0;
    }
    char buffer[64 * 1024];
    const ssize_t n = recv(fd_, buffer, sizeof(buffer), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) return absl::UnavailableError("the server closed the connection");
    if (n < 0) return absl::UnavailableError(absl::StrFormat("recv: %s", std::strerror(errno)));
    input_.append(buffer, static_cast<size_t>(n));
  }
}

absl::Status SyncConnection::Call(std::string_view requests, std::string_view name, size_t count) {
  if (absl::Status status = SendAll(requests); !status.ok()) return status;
  for (size_t i = 0; i < count; ++i) {
    if (absl::Status status = ReadReply(); !status.ok()) return status;
    const Reply reply = parser_.reply();
    const bool error = reply.is_error();
    const std::string text(reply.root().text);
    parsed_ += parser_.consumed();
    if (error) return Refused(name, text);
  }
  return absl::OkStatus();
}

absl::StatusOr<ReplyType> SyncConnection::CallForType(std::string_view request, std::string_view name,
                                                      std::string* error_text) {
  if (absl::Status status = SendAll(request); !status.ok()) return status;
  if (absl::Status status = ReadReply(); !status.ok()) return status;
  const ReplyType type = parser_.reply().root().type;
  if (type == ReplyType::kError && error_text != nullptr) *error_text = std::string(parser_.reply().root().text);
  parsed_ += parser_.consumed();
  return type;
}

int SyncConnection::ReleaseSocket() {
  const int fd = std::exchange(fd_, -1);
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  return fd;
}

}  // namespace runnel::bench
