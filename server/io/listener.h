// Listening sockets and the socket-address text both loops report.
//
// A "bind" entry is what redis.conf's `bind` takes: an IPv4 or IPv6 literal,
// "*" (every IPv4 address), "::*" (every IPv6 address, IPV6_V6ONLY so it
// can sit beside "*" on the same port), and a leading "-" marking the address
// optional: when the host lacks it (EADDRNOTAVAIL) or lacks the address family
// (EAFNOSUPPORT, no IPv6), opening it is skipped instead of failing.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "server/io/event_loop.h"

namespace runnel::io {

// What clients of a listening socket speak: RESP as is, or RESP inside TLS.
enum class Transport : uint8_t { kPlain, kTls };

// Redis's listen(2) backlog (tcp-backlog default).
inline constexpr int kListenBacklog = 511;

struct ListenSocket {
  int fd = -1;   // non-blocking, close-on-exec, listening; the caller owns it
  int port = 0;  // the bound port (the kernel's choice when asked for 0)
};

// Opens a listening socket on host:port (0 <= port <= 65535, 0 = any free
// port). Returns nullopt, after a log line, when `host` is optional and not
// available on this host; an error status for anything else that fails, with
// Redis's wording ("Could not create server TCP listening socket ...").
absl::StatusOr<std::optional<ListenSocket>> OpenListenSocket(std::string_view host, int port);

// Options every accepted socket gets: TCP_NODELAY (replies are small and
// already batched per turn, so Nagle would only add latency) and SO_KEEPALIVE.
void ConfigureAcceptedSocket(int fd);

// "1.2.3.4:5678", or "[::1]:5678" for IPv6, as Redis prints addresses;
// "?:0" for a family other than IPv4/IPv6.
std::string FormatSocketAddress(const sockaddr_storage& address);

// The PeerInfo of an accepted socket: its fd, peer and local address.
PeerInfo DescribeAcceptedSocket(int fd);

}  // namespace runnel::io
