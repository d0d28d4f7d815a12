// Keyspace notification classes: the flag letters of Redis's
// `notify-keyspace-events` and the channels events are published on.
//
//   K  __keyspace@<db>__:<key>   carrying the event name
//   E  __keyevent@<db>__:<event> carrying the key
//   g generic (del, expire, rename_from, ...)   $ string    t stream
//   x expired   e evicted   n new key   m key miss
//   l s h z d   list, set, hash, sorted set, module: accepted for redis.conf
//               compatibility; Runnel has no such values, so none are sent
//   A  alias of g$lshzxetd (not m, not n, as in Redis 7)
//
// An event is published when its class is enabled and K or E (or both) is.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace runnel::pubsub {

enum KeyspaceEventClass : uint32_t {
  kNotifyKeyspace = 1u << 0,  // K
  kNotifyKeyevent = 1u << 1,  // E
  kNotifyGeneric = 1u << 2,   // g
  kNotifyString = 1u << 3,    // $
  kNotifyList = 1u << 4,      // l
  kNotifySet = 1u << 5,       // s
  kNotifyHash = 1u << 6,      // h
  kNotifyZset = 1u << 7,      // z
  kNotifyExpired = 1u << 8,   // x
  kNotifyEvicted = 1u << 9,   // e
  kNotifyStream = 1u << 10,   // t
  kNotifyKeyMiss = 1u << 11,  // m
  kNotifyModule = 1u << 12,   // d
  kNotifyNew = 1u << 13,      // n
  kNotifyAll = kNotifyGeneric | kNotifyString | kNotifyList | kNotifySet | kNotifyHash | kNotifyZset |
               kNotifyExpired | kNotifyEvicted | kNotifyStream | kNotifyModule,  // A
};

// Parses a flag string ("KEA", "Kx", ""); an unknown letter is an error with
// Redis's text.
absl::StatusOr<uint32_t> ParseKeyspaceEventFlags(std::string_view text);
// The canonical string CONFIG GET prints: "A" for every class of A, else the
// class letters in Redis's order, then K, E and m ("AKE", "g$xtK").
std::string FormatKeyspaceEventFlags(uint32_t flags);

// "__keyspace@0__:key" and "__keyevent@0__:xadd".
std::string KeyspaceChannel(int db, std::string_view key);
std::string KeyeventChannel(int db, std::string_view event);

}  // namespace runnel::pubsub
