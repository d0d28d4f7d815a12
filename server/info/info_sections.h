// INFO: one function per section, each appending "# Title\r\nfield:value\r\n"
// lines with Redis's field names wherever the meaning is the same.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace runnel {
class Server;
}

namespace runnel::info {

// The INFO text for the requested sections (none or "default": the default
// set; "all"; "everything"; or section names, case-insensitive; unknown
// names contribute nothing, as in Redis).
std::string RenderInfo(Server& server, std::span<const std::string_view> sections);

}  // namespace runnel::info
