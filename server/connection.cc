#include "server/connection.h"

namespace runnel {

Connection::Connection(io::ConnectionId id, uint64_t client_id, io::PeerInfo peer,
                       io::OutputBuffer* output, resp::ParserLimits limits, absl::Time now)
    : created_at(now),
      last_interaction(now),
      id_(id),
      client_id_(client_id),
      peer_(std::move(peer)),
      output_(output),
      reply_(output),
      parser_(limits) {}

Connection::InputStatus Connection::FailProtocol() {
  // Redis answers the protocol error, then closes once the reply is written.
  reply_.set_muted(false);
  reply_.Error(parser_.error());
  close_requested = true;
  input_.clear();
  return InputStatus::kProtocolError;
}

size_t Connection::RunCommands(std::string_view buffer, Executor run, InputStatus* status) {
  size_t pos = 0;
  while (!stopped_ && !close_requested && pos < buffer.size()) {
    switch (parser_.Parse(buffer.substr(pos))) {
      case resp::RespParser::Result::kNeedMore:
        return pos;
      case resp::RespParser::Result::kError:
        *status = FailProtocol();
        return buffer.size();
      case resp::RespParser::Result::kCommand: {
        // The args view `buffer`; it stays untouched while `run` executes.
        size_t used = parser_.consumed();
        if (!parser_.args().empty() && run(*this, parser_.args()) == Next::kStop) stopped_ = true;
        pos += used;
        break;
      }
    }
  }
  return pos;
}

Connection::InputStatus Connection::OnData(std::string_view data, size_t query_buffer_limit,
                                           Executor run) {
  InputStatus status = InputStatus::kOk;
  if (close_requested) return status;  // input after QUIT or an error is ignored
  if (input_.empty() && !stopped_) {
    // Fast path: parse straight from the socket's bytes; keep only the tail.
    size_t used = RunCommands(data, run, &status);
    if (status == InputStatus::kOk) input_.assign(data.substr(used));
  } else {
    // No reserve() from the bulk length a header claims: the buffer grows
    // (geometrically) only as bytes really arrive.
    input_.append(data);
    if (!stopped_) {
      size_t used = RunCommands(input_, run, &status);
      if (status == InputStatus::kOk) input_.erase(0, used);
    }
  }
  if (status == InputStatus::kOk && input_.size() > query_buffer_limit) {
    input_.clear();
    return InputStatus::kQueryBufferLimit;
  }
  return status;
}

Connection::InputStatus Connection::ResumeInput(size_t query_buffer_limit, Executor run) {
  stopped_ = false;
  return OnData(std::string_view(), query_buffer_limit, run);
}

}  // namespace runnel
