// RespValue: a reply as the tests see it, with every RESP2/RESP3 type, and
// the gtest matchers the integration tests use (as Dragonfly's ArrLen,
// IntArg, ErrArg).
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "gmock/gmock.h"

namespace runnel::testing {

struct RespValue {
  enum class Type {
    kSimple, kError, kInteger, kBulk, kNull, kNullArray, kArray, kMap, kSet, kPush,
    kDouble, kBool, kBigNumber, kVerbatim,
  };
  Type type = Type::kNull;
  std::string str;     // simple, error, bulk, double, big number, verbatim text
  int64_t integer = 0; // integer, bool (0/1)
  std::vector<RespValue> elements;  // array, set, push; map as k1, v1, k2, v2...

  bool is_error() const { return type == Type::kError; }
  // For maps (RESP3) and flat key/value arrays (RESP2): the value under `key`.
  const RespValue* Find(std::string_view key) const;
};

std::string TypeName(RespValue::Type type);
std::ostream& operator<<(std::ostream& os, const RespValue& v);

MATCHER_P(IsSimple, text, "") { return arg.type == RespValue::Type::kSimple && arg.str == text; }
MATCHER_P(IsBulk, text, "") { return arg.type == RespValue::Type::kBulk && arg.str == text; }
MATCHER_P(IsInt, value, "") { return arg.type == RespValue::Type::kInteger && arg.integer == value; }
MATCHER_P(IsError, text, "") { return arg.type == RespValue::Type::kError && arg.str == text; }
MATCHER_P(ErrorStartsWith, prefix, "") {
  return arg.type == RespValue::Type::kError && arg.str.rfind(prefix, 0) == 0;
}
MATCHER(IsNull, "") { return arg.type == RespValue::Type::kNull; }
MATCHER(IsNullArray, "") { return arg.type == RespValue::Type::kNullArray; }
MATCHER_P(ArrLen, n, "") {
  return arg.type == RespValue::Type::kArray && arg.elements.size() == static_cast<size_t>(n);
}
MATCHER_P(MapLen, n, "") {
  return arg.type == RespValue::Type::kMap && arg.elements.size() == 2 * static_cast<size_t>(n);
}

}  // namespace runnel::testing
