// ReplyBuilder: encodes replies in RESP2 or RESP3 into a connection's output.
//
// Commands describe replies by shape (array, map, null, double...) and the
// builder picks the encoding for the connection's protocol: in RESP2 a map is
// a flat array of 2n, a set an array, a push frame an array, a double a bulk
// string, a boolean an integer, and every null is $-1 or *-1 as Redis 7 sends.
//
// The builder can be muted (CLIENT REPLY OFF/SKIP): replies are then dropped
// but still counted. Not thread-safe; one per connection.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string_view>

#include "server/io/output_buffer.h"

namespace runnel::resp {

// Told of every error reply, muted or not (INFO total_error_replies, errorstats).
class ErrorObserver {
 public:
  virtual ~ErrorObserver() = default;
  virtual void OnErrorReply(std::string_view text) = 0;
};

enum class Protocol : uint8_t { kResp2 = 2, kResp3 = 3 };

class ReplyBuilder {
 public:
  explicit ReplyBuilder(io::OutputBuffer* out) : out_(out) {}

  void set_protocol(Protocol p) { protocol_ = p; }
  Protocol protocol() const { return protocol_; }
  bool resp3() const { return protocol_ == Protocol::kResp3; }

  // While muted nothing is written (CLIENT REPLY OFF / SKIP).
  void set_muted(bool muted) { muted_ = muted; }
  bool muted() const { return muted_; }

  void SimpleString(std::string_view s);  // +s  (s must not hold CR or LF)
  void Ok() { SimpleString("OK"); }
  // `text` is the whole error without the leading '-', e.g. "ERR syntax error"
  // or "WRONGTYPE Operation against a key ...". CR/LF in it become spaces.
  void Error(std::string_view text);
  void Integer(int64_t v);                // :v
  void Bulk(std::string_view s);          // $len\r\ns\r\n
  // Bulk(s), but a value of kReferenceBytes or more is queued by reference,
  // not copied: `owner` must keep its bytes alive and unchanged (a segment
  // mapping holding a stream entry). Below that, copying is cheaper than the
  // extra output block and iovec.
  static constexpr size_t kReferenceBytes = 4096;
  void BulkReferenced(std::string_view s, const std::shared_ptr<const void>& owner);
  void NullBulk();                        // RESP2 $-1, RESP3 _
  void NullArray();                       // RESP2 *-1, RESP3 _
  void Array(size_t n);                   // *n, then n replies
  void Map(size_t n);                     // RESP3 %n, RESP2 *2n; then 2n replies
  void Set(size_t n);                     // RESP3 ~n, RESP2 *n
  void Push(size_t n);                    // RESP3 >n, RESP2 *n
  void Double(double v);                  // RESP3 ,v  RESP2 bulk; inf/-inf/nan as Redis
  void Bool(bool v);                      // RESP3 #t/#f, RESP2 :1/:0
  void BigNumber(std::string_view digits);  // RESP3 (n, RESP2 bulk
  // RESP3 =len\r\nfmt:text (fmt is three chars, e.g. "txt"), RESP2 bulk of text.
  void Verbatim(std::string_view format, std::string_view text);
  // Convenience: an array of bulk strings.
  void BulkArray(std::initializer_list<std::string_view> items);

  // Errors written since construction (INFO total_error_replies).
  uint64_t errors_written() const { return errors_written_; }
  // Error(text) also calls observer->OnErrorReply(text) (after CR/LF
  // replacement); the observer must outlive the builder. May be null.
  void set_error_observer(ErrorObserver* observer) { error_observer_ = observer; }

  io::OutputBuffer* output() const { return out_; }

 private:
  void Header(char type, int64_t n);

  io::OutputBuffer* out_;
  Protocol protocol_ = Protocol::kResp2;
  bool muted_ = false;
  uint64_t errors_written_ = 0;
  ErrorObserver* error_observer_ = nullptr;
};

}  // namespace runnel::resp
