#pragma once
// What a test needs to wire a few network namespaces by hand and run packets through them with a
// PacketEngine: the topology, a simulator, seeded random streams, and address helpers.
#include <gtest/gtest.h>

#include "packetwalk/model/datapath/engine.h"
#include "packetwalk/model/trace/recorder.h"
#include "packetwalk/sim/random.h"
#include "packetwalk/sim/simulator.h"

namespace packetwalk::model::datapath::test {

inline net::Ipv4Address ip(const char* s) { return *net::Ipv4Address::parse(s); }
inline net::Cidr cidr(const char* s) { return *net::Cidr::parse(s); }

struct EngineFixture : ::testing::Test {
  Topology topo;
  sim::Simulator simulator;
  sim::RandomStreams random{1};

  // One DNS-sized UDP datagram (port 40000 to 53) sent from `from`, run to the end; its trace.
  trace::Trace send_udp(NetnsId from, const char* src, const char* dst) {
    trace::Recorder recorder;
    PacketEngine engine(topo, simulator, random);
    engine.record_into(&recorder);
    net::Packet p;
    p.id = engine.new_packet_id();
    p.protocol = net::Protocol::Udp;
    p.src = ip(src);
    p.dst = ip(dst);
    p.sport = 40000;
    p.dport = 53;
    p.length = 60;
    engine.send(from, p, sim::Time::zero());
    simulator.run();
    simulator.restart();  // the next send starts again at time zero
    trace::Trace t;
    t.legs = recorder.take_legs();
    return t;
  }
};

}  // namespace packetwalk::model::datapath::test
