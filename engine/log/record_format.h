// The constants of the log's on-disk format. The format itself (grammar,
// worked example, trade-offs) is documented once, in docs/storage-format.md;
// change both together, and bump kFormatVersion on any incompatible change.
#pragma once

#include <compare>
#include <cstdint>

namespace runnel::log {

// The ordered key of every record: a stream entry ID (milliseconds, sequence).
// The log only needs it to be totally ordered and strictly increasing.
struct RecordId {
  uint64_t ms = 0;
  uint64_t seq = 0;
  friend auto operator<=>(const RecordId&, const RecordId&) = default;
};
inline constexpr RecordId kMinRecordId{0, 0};
inline constexpr RecordId kMaxRecordId{UINT64_MAX, UINT64_MAX};

enum class RecordType : uint8_t {
  // Zeroed, never-written space (fallocate gives zeros): the end of a segment.
  kUnused = 0,
  // A stream entry that carries its field names.
  kEntry = 1,
  // A stream entry whose field names are those of an earlier kEntry in the
  // same segment; only the values are stored.
  kEntrySameFields = 2,
  // Meta journal records (file "meta" of a stream directory).
  kMetaState = 16,   // logical start, entries-added adjustment, last-ID floor, max deleted ID
  kMetaDelete = 17,  // one deleted entry ID (XDEL)
  kMetaExpire = 18,  // the key's expiry (EXPIRE, PERSIST): Unix ms, 0 = none
  // Consumer-group journal records (file "groups" of a stream directory),
  // one per durable group change (engine/stream/group_journal.h).
  kGroupCreate = 32,          // a group and its position; frame ID: last-delivered ID
  kGroupSetPosition = 33,     // a group's new position; frame ID: last-delivered ID
  kGroupDestroy = 34,         // a group and everything in it
  kGroupCreateConsumer = 35,  // a consumer, or an existing one's seen/active times
  kGroupDeleteConsumer = 36,  // a consumer and its pending entries
  kGroupSetPending = 37,      // entries made pending for a consumer; frame ID: the first
  kGroupAcknowledge = 38,     // entries removed from a PEL; frame ID: the first
};
inline constexpr bool IsGroupRecordType(RecordType type) {
  return type >= RecordType::kGroupCreate && type <= RecordType::kGroupAcknowledge;
}

// "RUNSEG01" / "RUNMETA1" / "RUNGRPS1" read as little-endian uint64: a file of the wrong
// kind, or one written by a future version, is refused by its first 8 bytes.
inline constexpr uint64_t kSegmentMagic = 0x31304745534e5552ULL;
inline constexpr uint64_t kMetaMagic = 0x314154454d4e5552ULL;
inline constexpr uint64_t kGroupsMagic = 0x31535052474e5552ULL;
inline constexpr uint32_t kFormatVersion = 1;

// Segment header, 64 bytes at offset 0:
//   0 magic u64 | 8 version u32 | 12 header size u32 | 16 capacity u64 |
//   24 base ID ms u64 | 32 base ID seq u64 | 40 first ordinal u64 |
//   48 reserved (zero) 8 bytes | 56 XXH3-64 of bytes [0, 56)
inline constexpr uint32_t kSegmentHeaderSize = 64;

// Meta journal header, 16 bytes: magic u64 | version u32 | reserved u32.
// The consumer-group journal's header is the same with kGroupsMagic.
inline constexpr uint32_t kMetaHeaderSize = 16;
inline constexpr uint32_t kJournalHeaderSize = 16;

// Record frame, 25 bytes, then `length` bytes of payload:
//   0 checksum u32: low 32 bits of XXH3-64 over bytes [4, 25 + length)
//   4 length u32 | 8 type u8 | 9 ID ms u64 | 17 ID seq u64
// The checksum covers the rest of the frame, so a torn or flipped length,
// type or ID is caught as surely as a torn payload.
inline constexpr uint32_t kRecordHeaderSize = 25;
// Largest payload: a record (and so a stream entry) must fit a u32 length
// with room to spare; Redis's own proto-max-bulk-len default is 512 MB.
inline constexpr uint64_t kMaxRecordPayload = 1ULL << 31;

// One sparse-index point per this many bytes of a segment: a seek is a binary
// search over the points and a parse of at most this many bytes. 16 KiB
// measured 3-4x faster seeks than 64 KiB (docs/benchmarks.md) for 0.25% of
// the data size in memory (40 bytes per point).
inline constexpr uint64_t kIndexIntervalBytes = 16 * 1024;

// The first segment of a stream is this small, and each next one twice the
// previous, up to segment-max-bytes: 100,000 one-entry streams cost one
// filesystem block of segment each.
inline constexpr uint64_t kInitialSegmentBytes = 4096;

}  // namespace runnel::log
