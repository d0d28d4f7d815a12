#include "server/io/listener.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "engine/base/logging.h"
#include "engine/base/strings.h"

namespace runnel::io {
namespace {

struct BindAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;
  bool optional = false;
  std::string_view text;  // host without the "-" prefix
};

absl::StatusOr<BindAddress> ParseBindAddress(std::string_view host, int port) {
  BindAddress out;
  if (!host.empty() && host.front() == '-') {
    out.optional = true;
    host.remove_prefix(1);
  }
  out.text = host;
  if (port < 0 || port > 65535) {
    return absl::InvalidArgumentError(base::StrCat("Invalid port ", port));
  }
  // inet_pton wants a NUL-terminated string; longer input is not a literal.
  char literal[INET6_ADDRSTRLEN] = {};
  if (host.size() >= sizeof(literal)) {
    return absl::InvalidArgumentError(base::StrCat("Invalid bind address '", host, "'"));
  }
  std::memcpy(literal, host.data(), host.size());

  auto* v4 = reinterpret_cast<sockaddr_in*>(&out.storage);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&out.storage);
  if (host == "*" || inet_pton(AF_INET, literal, &v4->sin_addr) == 1) {
    if (host == "*") v4->sin_addr.s_addr = htonl(INADDR_ANY);
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<uint16_t>(port));
    out.length = sizeof(sockaddr_in);
    return out;
  }
  if (host == "::*" || inet_pton(AF_INET6, literal, &v6->sin6_addr) == 1) {
    if (host == "::*") v6->sin6_addr = in6addr_any;
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<uint16_t>(port));
    out.length = sizeof(sockaddr_in6);
    return out;
  }
  return absl::InvalidArgumentError(base::StrCat("Invalid bind address '", host, "'"));
}

// The errors that mean "this host has no such address or family".
bool IsUnavailableAddress(int err) {
  return err == EADDRNOTAVAIL || err == EAFNOSUPPORT || err == EPROTONOSUPPORT ||
         err == ESOCKTNOSUPPORT || err == EPFNOSUPPORT;
}

int SetIntOption(int fd, int level, int name, int value) {
  return setsockopt(fd, level, name, &value, sizeof(value));
}

// Creates, binds and listens; on failure returns -1 with errno set and
// `*step` naming the call that failed.
int BindAndListen(const BindAddress& address, const char** step) {
  int family = address.storage.ss_family;
  int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    *step = "socket";
    return -1;
  }
  const char* failed = nullptr;
  if (SetIntOption(fd, SOL_SOCKET, SO_REUSEADDR, 1) != 0) {
    failed = "setsockopt";
  } else if (family == AF_INET6 && SetIntOption(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1) != 0) {
    // IPv6 sockets never take IPv4 traffic, so "::*" and "*" coexist on a port.
    failed = "setsockopt";
  } else if (bind(fd, reinterpret_cast<const sockaddr*>(&address.storage), address.length) != 0) {
    failed = "bind";
  } else if (listen(fd, kListenBacklog) != 0) {
    failed = "listen";
  }
  if (failed == nullptr) return fd;
  int saved = errno;
  close(fd);
  errno = saved;
  *step = failed;
  return -1;
}

}  // namespace

absl::StatusOr<std::optional<ListenSocket>> OpenListenSocket(std::string_view host, int port) {
  auto parsed = ParseBindAddress(host, port);
  if (!parsed.ok()) return parsed.status();
  const BindAddress& address = *parsed;

  const char* step = "";
  int fd = BindAndListen(address, &step);
  if (fd < 0) {
    int err = errno;
    if (address.optional && IsUnavailableAddress(err)) {
      RUNNEL_LOG_NOTICE("Skipping optional bind address %s:%d: %s", address.text, port,
                        strerror(err));
      return std::nullopt;
    }
    return absl::UnavailableError(base::StrCat("Could not create server TCP listening socket ",
                                               address.text, ":", port, ": ", step, ": ",
                                               strerror(err)));
  }
  sockaddr_storage bound{};
  socklen_t length = sizeof(bound);
  getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &length);
  int bound_port = bound.ss_family == AF_INET6
                       ? ntohs(reinterpret_cast<const sockaddr_in6*>(&bound)->sin6_port)
                       : ntohs(reinterpret_cast<const sockaddr_in*>(&bound)->sin_port);
  return ListenSocket{fd, bound_port};
}

void ConfigureAcceptedSocket(int fd) {
  // Best effort, as in Redis: a socket without these still works.
  SetIntOption(fd, IPPROTO_TCP, TCP_NODELAY, 1);
  SetIntOption(fd, SOL_SOCKET, SO_KEEPALIVE, 1);
}

std::string FormatSocketAddress(const sockaddr_storage& address) {
  char ip[INET6_ADDRSTRLEN] = {};
  if (address.ss_family == AF_INET) {
    const auto& v4 = reinterpret_cast<const sockaddr_in&>(address);
    inet_ntop(AF_INET, &v4.sin_addr, ip, sizeof(ip));
    return base::StrCat(ip, ":", ntohs(v4.sin_port));
  }
  if (address.ss_family == AF_INET6) {
    const auto& v6 = reinterpret_cast<const sockaddr_in6&>(address);
    inet_ntop(AF_INET6, &v6.sin6_addr, ip, sizeof(ip));
    return base::StrCat("[", ip, "]:", ntohs(v6.sin6_port));
  }
  return "?:0";
}

PeerInfo DescribeAcceptedSocket(int fd) {
  PeerInfo peer;
  peer.fd = fd;
  sockaddr_storage address{};
  socklen_t length = sizeof(address);
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    peer.address = FormatSocketAddress(address);
  }
  address = {};
  length = sizeof(address);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    peer.local_address = FormatSocketAddress(address);
  }
  return peer;
}

}  // namespace runnel::io
