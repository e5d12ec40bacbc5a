#pragma once
// What a test needs to wire a few network namespaces by hand and run packets through them with a
// PacketEngine: the topology, a simulator, seeded random streams, and address helpers.
#include <gtest/gtest.h>

#include "packetwalk/model/datapath/engine.h"
#include "packetwalk/sim/random.h"
#include "packetwalk/sim/simulator.h"

namespace packetwalk::model::datapath::test {

inline net::Ipv4Address ip(const char* s) { return *net::Ipv4Address::parse(s); }
inline net::Cidr cidr(const char* s) { return *net::Cidr::parse(s); }

struct EngineFixture : ::testing::Test {
  Topology topo;
  sim::Simulator simulator;
  sim::RandomStreams random{1};
};

}  // namespace packetwalk::model::datapath::test
