#include "tests/integration/resp_value.h"

namespace runnel::testing {

const RespValue* RespValue::Find(std::string_view key) const {
  for (size_t i = 0; i + 1 < elements.size(); i += 2) {
    if (elements[i].str == key) return &elements[i + 1];
  }
  return nullptr;
}

std::string TypeName(RespValue::Type type) {
  switch (type) {
    case RespValue::Type::kSimple: return "simple";
    case RespValue::Type::kError: return "error";
    case RespValue::Type::kInteger: return "integer";
    case RespValue::Type::kBulk: return "bulk";
    case RespValue::Type::kNull: return "null";
    case RespValue::Type::kNullArray: return "null-array";
    case RespValue::Type::kArray: return "array";
    case RespValue::Type::kMap: return "map";
    case RespValue::Type::kSet: return "set";
    case RespValue::Type::kPush: return "push";
    case RespValue::Type::kDouble: return "double";
    case RespValue::Type::kBool: return "bool";
    case RespValue::Type::kBigNumber: return "bignumber";
    case RespValue::Type::kVerbatim: return "verbatim";
  }
  return "?";
}

std::ostream& operator<<(std::ostream& os, const RespValue& v) {
  os << TypeName(v.type);
  switch (v.type) {
    case RespValue::Type::kInteger:
    case RespValue::Type::kBool:
      return os << "(" << v.integer << ")";
    case RespValue::Type::kArray:
    case RespValue::Type::kMap:
    case RespValue::Type::kSet:
    case RespValue::Type::kPush: {
      os << "[";
      for (size_t i = 0; i < v.elements.size(); ++i) os << (i ? ", " : "") << v.elements[i];
      return os << "]";
    }
    case RespValue::Type::kNull:
    case RespValue::Type::kNullArray:
      return os;
    default:
      return os << "(\"" << v.str << "\")";
  }
}

}  // namespace runnel::testing
