// ReplyParser: the client side of RESP — parses the server's replies, RESP2
// and RESP3 (server/resp/resp_parser.h parses requests, which are only
// arrays of bulks; replies have every type and nest).
//
// A parsed reply is a flat pre-order list of nodes, reused from one reply to
// the next, so parsing in steady state allocates nothing. Texts are views
// into the caller's input, valid until it changes. An aggregate's children
// follow it; `end` is the index after its last descendant:
//
//   *2\r\n$1\r\na\r\n*1\r\n:7\r\n   ->  [0] array  children=2 end=4
//                                       [1] bulk "a"          end=2
//                                       [2] array  children=1 end=4
//                                       [3] integer 7         end=4
//
// Parse() takes the input from the first byte of a reply and either returns a
// whole reply or kNeedMore, in which case it is called again from the same
// first byte once more bytes arrived (replies are re-scanned from their
// start; a bench client's replies are small next to its read buffer).
// RESP3 attributes (|) are parsed and dropped.
//
// Not thread-safe; one per thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace runnel::bench {

enum class ReplyType : uint8_t {
  kSimpleString,  // +
  kError,         // - and RESP3 blob error !
  kInteger,       // :
  kBulkString,    // $ and RESP3 verbatim =
  kNull,          // $-1, *-1, RESP3 _
  kArray,         // * and RESP3 set ~
  kMap,           // RESP3 %: children are key, value, key, value...
  kPush,          // RESP3 >
  kDouble,        // RESP3 , (text as sent)
  kBoolean,       // RESP3 # (integer 0 or 1)
  kBigNumber,     // RESP3 ( (text as sent)
};

struct ReplyNode {
  ReplyType type;
  uint32_t children = 0;  // aggregates: direct children (a map's are 2 per pair)
  uint32_t end = 0;       // index after the last node of this subtree
  int64_t integer = 0;    // kInteger, kBoolean
  std::string_view text;  // strings, errors, doubles, big numbers
};

// A view of one parsed reply; valid until the parser's next Parse().
class Reply {
 public:
  explicit Reply(std::span<const ReplyNode> nodes) : nodes_(nodes) {}
  const ReplyNode& root() const { return nodes_[0]; }
  const ReplyNode& node(size_t i) const { return nodes_[i]; }
  size_t size() const { return nodes_.size(); }
  // Index of the first child of aggregate `i`, and of the next sibling of `i`.
  static size_t FirstChild(size_t i) { return i + 1; }
  size_t NextSibling(size_t i) const { return nodes_[i].end; }
  bool is_error() const { return root().type == ReplyType::kError; }

 private:
  std::span<const ReplyNode> nodes_;
};

class ReplyParser {
 public:
  enum class Result : uint8_t { kReply, kNeedMore, kError };

  // Deeper nesting than this is a protocol error (no reply of a benchmark's
  // commands comes near it).
  static constexpr size_t kMaxDepth = 64;

  Result Parse(std::string_view input);

  // After kReply: the reply, and how many bytes of the input it took.
  Reply reply() const { return Reply(nodes_); }
  size_t consumed() const { return consumed_; }
  // After kError: what was wrong with the bytes.
  const std::string& error() const { return error_; }

 private:
  struct Frame {
    uint32_t node;       // the aggregate's node (or, for an attribute, where it started)
    int64_t remaining;   // children still to come
    bool attribute;
  };
  enum class Step : uint8_t { kValue, kOpened, kNeedMore, kError };

  Step ParseOne(std::string_view input, size_t* pos);
  Step Fail(std::string message);
  // A bulk's payload, at *next after its header: kValue (node filled, *next
  // past it), kNeedMore, or kError when no CRLF follows it.
  Step TakeBulk(char type, size_t length, std::string_view input, size_t* next, ReplyNode* node);
  // An aggregate's header: pushes its frame (or completes it when empty).
  Step OpenAggregate(char type, int64_t count, ReplyNode node);
  // A value ended at nodes_.size(): closes every aggregate it completes.
  // Returns true when the whole reply is complete.
  bool CompleteValue();

  std::vector<ReplyNode> nodes_;
  std::vector<Frame> stack_;
  size_t consumed_ = 0;
  std::string error_;
};

}  // namespace runnel::bench
