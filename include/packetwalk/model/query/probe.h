#pragma once
// Runs one probe — a TCP connection attempt or a UDP request — through the datapath and returns
// its trace. TCP is a real three-way handshake (SYN, SYN-ACK, ACK) with every reply traced; a port
// without a listener answers RST; UDP gets an answer from a listener or ICMP port unreachable.

#include <optional>
#include <string>

#include "packetwalk/model/datapath/engine.h"
#include "packetwalk/model/datapath/topology.h"
#include "packetwalk/model/query/application.h"
#include "packetwalk/model/trace/trace.h"

namespace packetwalk::model::query {

struct ProbeTarget {
  datapath::NetnsId from = datapath::kNone;
  net::Ipv4Address dst;
  net::Port port = 0;
  net::Port sport = 0;  // the client's source port; 0: an ephemeral port picked at random
  net::Protocol protocol = net::Protocol::Tcp;
  std::uint16_t size = 60;  // IP total length of the first packet (SYN or datagram)
  bool dont_fragment = true;
  // Application data: for UDP the datagram's payload; for TCP a data segment sent right after the
  // handshake. Empty: a bare connection attempt.
  std::vector<std::uint8_t> payload;
  std::string payload_note;  // how the trace names the request ("DNS query A api-server.default.svc...")
};

struct ProbeResult {
  trace::Trace trace;
  net::FiveTuple tuple;        // the connection as the client opened it
  std::string answered_by;     // netns name of the socket that accepted it ("default/api-0"), if any
  std::string answered_container;
  std::vector<std::uint8_t> response;  // the server's reply payload, when it sent one
  std::string response_note;
};

// Owns the simulator, random streams and engine for a sequence of probes over one topology.
// Each run() starts from empty conntrack tables, so a probe's result never depends on the
// probes before it; the random streams continue, so repeated runs spread over endpoints.
class ProbeRunner {
public:
  ProbeRunner(datapath::Topology& topology, std::uint64_t seed, datapath::EngineCosts costs = {});
  // Applications that answer on listeners with an `app` (must outlive the runner).
  void set_applications(const ApplicationRegistry* apps) { apps_ = apps; }
  ~ProbeRunner();
  ProbeResult run(const ProbeTarget& target);
  // Keeps conntrack (and `recent` lists) between runs: for session affinity and reuse scenarios.
  void keep_state(bool keep) { keep_state_ = keep; }
  bool keeps_state() const { return keep_state_; }

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  bool keep_state_ = false;
  const ApplicationRegistry* apps_ = nullptr;
};

}  // namespace packetwalk::model::query
