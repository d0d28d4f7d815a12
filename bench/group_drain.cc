// group_drain: the consumer-group drain benchmark's client (issue #5,
// bench/compare/group_drain_vs_redis.sh). C consumers, one thread and one
// connection each, drain a pre-filled stream through one group:
//
//   loop: XACK s g <the ids of the last batch> ; XREADGROUP GROUP g c<i> COUNT k STREAMS s >
//
// the acknowledgement of one batch pipelined with the read of the next (one
// round trip per batch, as a careful consumer does), until a read returns
// nothing. Prints one line: consumers, entries drained, seconds, entries/s.
// With MODE "pend" nothing is acknowledged: every entry ends in the PEL
// (for measuring the memory a pending entry costs).
//
//   group_drain PORT CONSUMERS [COUNT=100] [MODE=ack|pend]   (stream s, group g)
//
// The RESP reader here is deliberately minimal (RESP2 arrays, bulks,
// integers, errors, nulls): enough for these two replies, nothing more.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

[[noreturn]] void Fail(const std::string& why) {
  std::fprintf(stderr, "group_drain: %s\n", why.c_str());
  std::exit(1);
}

class Connection {
 public:
  explicit Connection(int port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) Fail("connect");
    int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  }
  ~Connection() { close(fd_); }

  static void Append(std::string* out, const std::vector<std::string_view>& args) {
    out->push_back('*');
    out->append(std::to_string(args.size())).append("\r\n");
    for (std::string_view arg : args) {
      out->push_back('$');
      out->append(std::to_string(arg.size())).append("\r\n");
      out->append(arg);
      *out += "\r\n";
    }
  }

  void Send(const std::string& bytes) {
    for (size_t sent = 0; sent < bytes.size();) {
      ssize_t n = write(fd_, bytes.data() + sent, bytes.size() - sent);
      if (n <= 0) Fail("write");
      sent += static_cast<size_t>(n);
    }
  }

  // Reads one reply. Collects into `ids` the first bulk of every array found
  // at depth `id_depth` (an XREADGROUP reply's entry IDs sit at depth 3:
  // [[key, [[id, fields], ...]]]); returns the integer of an integer reply.
  long long ReadReply(std::vector<std::string>* ids, int id_depth) { return ReadValue(ids, id_depth, 0, false); }

 private:
  long long ReadValue(std::vector<std::string>* ids, int id_depth, int depth, bool first_in_array) {
    const std::string line = ReadLine();
    const char type = line[0];
    const long long number = std::atoll(line.c_str() + 1);
    switch (type) {
      case '-':
        Fail("server error: " + line);
      case ':':
        return number;
      case '+':
        return 0;
      case '$': {
        if (number < 0) return 0;
        const size_t length = static_cast<size_t>(number);
        while (buffer_.size() - start_ < length + 2) Fill();
        if (ids != nullptr && first_in_array && depth == id_depth + 1) ids->emplace_back(buffer_, start_, length);
        start_ += length + 2;
        return 0;
      }
      case '*':
        for (long long i = 0; i < number; ++i) ReadValue(ids, id_depth, depth + 1, i == 0);
        return number;
      default:
        Fail("unexpected reply: " + line);
    }
  }

  void Fill() {
    // Keep the unread bytes only, so the buffer stays the size of a reply.
    buffer_.erase(0, start_);
    start_ = 0;
    char chunk[65536];
    ssize_t n = read(fd_, chunk, sizeof(chunk));
    if (n <= 0) Fail("connection closed");
    buffer_.append(chunk, static_cast<size_t>(n));
  }
  std::string ReadLine() {
    for (;;) {
      size_t end = buffer_.find("\r\n", start_);
      if (end != std::string::npos) {
        std::string line = buffer_.substr(start_, end - start_);
        start_ = end + 2;
        return line;
      }
      Fill();
    }
  }

  int fd_ = -1;
  std::string buffer_;
  size_t start_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) Fail("usage: group_drain PORT CONSUMERS [COUNT=100] [MODE=ack|pend]");
  const int port = std::atoi(argv[1]);
  const int consumers = std::atoi(argv[2]);
  const std::string count = argc > 3 ? argv[3] : "100";
  const bool acknowledge = argc <= 4 || std::string_view(argv[4]) != "pend";
  const std::string key = "s";
  const std::string group = "g";

  std::atomic<uint64_t> drained{0};
  const auto started = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < consumers; ++c) {
    threads.emplace_back([&, c] {
      Connection connection(port);
      const std::string name = std::string("c").append(std::to_string(c));
      std::vector<std::string> ids;
      for (;;) {
        std::string request;
        const bool ack_now = acknowledge && !ids.empty();
        if (ack_now) {
          std::vector<std::string_view> ack = {"XACK", key, group};
          ack.insert(ack.end(), ids.begin(), ids.end());
          Connection::Append(&request, ack);
        }
        Connection::Append(&request, {"XREADGROUP", "GROUP", group, name, "COUNT", count, "STREAMS", key, ">"});
        connection.Send(request);
        if (ack_now && connection.ReadReply(nullptr, 0) != static_cast<long long>(ids.size())) {
          Fail("XACK acknowledged fewer entries than were delivered");
        }
        drained += ids.size();
        ids.clear();
        connection.ReadReply(&ids, 3);
        if (ids.empty()) return;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("%d %llu %.3f %.0f\n", consumers, static_cast<unsigned long long>(drained.load()), seconds,
              static_cast<double>(drained.load()) / seconds);
  return 0;
}
