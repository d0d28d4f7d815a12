// Numbers kept in string values, as Redis reads and writes them for
// INCRBYFLOAT (util.c's string2ld and ld2string). Integers use
// base::ParseInt64 (string2ll).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace runnel::cache {

// string2ld: all of `text` as a long double through strtold (so "1.5",
// "1e3", "0x10" and "inf" are numbers); refuses empty text, text of 5 KiB
// or more, a leading space, trailing bytes, NaN, and values that overflow
// or underflow to zero.
std::optional<long double> ParseLongDouble(std::string_view text);

// ld2string in LD_STR_HUMAN mode: "%.17Lf" with trailing zeros (and a
// trailing '.') removed, "-0" as "0", infinities as "inf" / "-inf".
std::string FormatLongDouble(long double value);

}  // namespace runnel::cache
