// The one-line description of a client that CLIENT LIST and CLIENT INFO
// print, field for field as Redis 7.2 prints it:
//   id=5 addr=127.0.0.1:50188 laddr=127.0.0.1:6379 fd=8 name= age=0 idle=0 flags=N db=0
//   sub=0 psub=0 ssub=0 multi=-1 qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0
//   obl=0 oll=0 omem=0 tot-mem=0 events=r cmd=client|list user=default redir=-1 resp=2
//   lib-name= lib-ver=
#pragma once

#include <string>

#include "absl/time/time.h"

namespace runnel {

class Connection;
namespace pubsub {
class PubSub;
}  // namespace pubsub

// `pubsub` gives the sub=, psub= and ssub= counts and the P flag.
void AppendClientDescription(const Connection& conn, const pubsub::PubSub& pubsub, absl::Time now,
                             std::string& out);

}  // namespace runnel
