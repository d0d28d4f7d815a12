// SHA-256 (FIPS 180-4), for ACL passwords: Redis stores and prints a user's
// passwords as the lower-case hex of their SHA-256, so the plain text never
// stays in memory or in an aclfile. Small and self-contained so the server
// needs no crypto library for it; not constant-time and not meant for
// anything beyond hashing passwords.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace runnel::acl {

// The 32-byte digest of `data`.
std::array<uint8_t, 32> Sha256(std::string_view data);

// The digest as 64 lower-case hex characters (Redis's ACLHashPassword).
std::string Sha256Hex(std::string_view data);

}  // namespace runnel::acl
