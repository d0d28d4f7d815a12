#include "tools/runnel_bench/reply_parser.h"

#include <cstring>

namespace runnel::bench {
namespace {

// A RESP length or integer line: optional '-', then digits; false otherwise.
bool ParseInteger(std::string_view text, int64_t* value) {
  if (text.empty()) return false;
  const bool negative = text[0] == '-';
  if (negative) text.remove_prefix(1);
  if (text.empty() || text.size() > 19) return false;
  int64_t result = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    result = result * 10 + (c - '0');
  }
  *value = negative ? -result : result;
  return true;
}

}  // namespace

ReplyParser::Result ReplyParser::Parse(std::string_view input) {
  nodes_.clear();
  stack_.clear();
  size_t pos = 0;
  while (true) {
    switch (ParseOne(input, &pos)) {
      case Step::kNeedMore:
        return Result::kNeedMore;
      case Step::kError:
        return Result::kError;
      case Step::kOpened:
        break;
      case Step::kValue:
        if (CompleteValue()) {
          consumed_ = pos;
          return Result::kReply;
        }
        break;
    }
  }
}

ReplyParser::Step ReplyParser::ParseOne(std::string_view input, size_t* pos) {
  if (*pos >= input.size()) return Step::kNeedMore;
  const char* start = input.data() + *pos;
  const void* newline = std::memchr(start, '\n', input.size() - *pos);
  if (newline == nullptr) return Step::kNeedMore;
  const size_t line_end = static_cast<size_t>(static_cast<const char*>(newline) - input.data());
  if (line_end < *pos + 1 || input[line_end - 1] != '\r') return Fail("line without CRLF");
  const char type = input[*pos];
  const std::string_view line = input.substr(*pos + 1, line_end - 1 - (*pos + 1));
  size_t next = line_end + 1;
  ReplyNode node{.type = ReplyType::kSimpleString, .end = static_cast<uint32_t>(nodes_.size() + 1)};
  int64_t number = 0;
  switch (type) {
    case '+':
    case '-':
    case ',':
    case '(':
      node.type = type == '+' ? ReplyType::kSimpleString
                  : type == '-' ? ReplyType::kError
                  : type == ',' ? ReplyType::kDouble
                                : ReplyType::kBigNumber;
      node.text = line;
      break;
    case ':':
      if (!ParseInteger(line, &node.integer)) return Fail("bad integer");
      node.type = ReplyType::kInteger;
      break;
    case '#':
      if (line != "t" && line != "f") return Fail("bad boolean");
      node.type = ReplyType::kBoolean;
      node.integer = line == "t" ? 1 : 0;
      break;
    case '_':
      node.type = ReplyType::kNull;
      break;
    case '$':
    case '!':
    case '=':
    case '*':
    case '~':
    case '>':
    case '%':
    case '|': {
      if (!ParseInteger(line, &number) || number < -1) return Fail("bad length");
      if (number == -1) {  // RESP2's null bulk and null array
        node.type = ReplyType::kNull;
        break;
      }
      if (type == '$' || type == '!' || type == '=') {
        const Step step = TakeBulk(type, static_cast<size_t>(number), input, &next, &node);
        if (step != Step::kValue) return step;
        break;
      }
      *pos = next;
      return OpenAggregate(type, number, node);
    }
    default:
      return Fail(std::string("unexpected reply type byte '") + type + "'");
  }
  nodes_.push_back(node);
  *pos = next;
  return Step::kValue;
}

ReplyParser::Step ReplyParser::TakeBulk(char type, size_t length, std::string_view input, size_t* next,
                                        ReplyNode* node) {
  if (input.size() - *next < length + 2) return Step::kNeedMore;
  if (input[*next + length] != '\r' || input[*next + length + 1] != '\n') return Fail("bulk without CRLF");
  node->type = type == '!' ? ReplyType::kError : ReplyType::kBulkString;
  node->text = input.substr(*next, length);
  if (type == '=' && node->text.size() >= 4) node->text.remove_prefix(4);  // "txt:"
  *next += length + 2;
  return Step::kValue;
}

ReplyParser::Step ReplyParser::OpenAggregate(char type, int64_t count, ReplyNode node) {
  const int64_t children = (type == '%' || type == '|') ? 2 * count : count;
  if (type == '|') {  // an attribute: parsed, then dropped
    if (children == 0) return Step::kOpened;
    if (stack_.size() >= kMaxDepth) return Fail("nesting too deep");
    stack_.push_back({static_cast<uint32_t>(nodes_.size()), children, true});
    return Step::kOpened;
  }
  node.type = type == '%' ? ReplyType::kMap : type == '>' ? ReplyType::kPush : ReplyType::kArray;
  node.children = static_cast<uint32_t>(children);
  nodes_.push_back(node);
  if (children == 0) return Step::kValue;
  if (stack_.size() >= kMaxDepth) return Fail("nesting too deep");
  stack_.push_back({static_cast<uint32_t>(nodes_.size() - 1), children, false});
  return Step::kOpened;
}

bool ReplyParser::CompleteValue() {
  while (!stack_.empty()) {
    Frame& top = stack_.back();
    if (--top.remaining > 0) return false;
    const Frame done = top;
    stack_.pop_back();
    if (done.attribute) {
      nodes_.resize(done.node);  // the value it annotates is still to come
      return false;
    }
    nodes_[done.node].end = static_cast<uint32_t>(nodes_.size());
  }
  return true;
}

ReplyParser::Step ReplyParser::Fail(std::string message) {
  error_ = "protocol error in reply: " + std::move(message);
  return Step::kError;
}

}  // namespace runnel::bench
