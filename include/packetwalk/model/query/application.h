#pragma once
// Applications behind listeners: what a server answers when a request reaches it. A listener
// names its application (datapath::Listener::app); "" is a plain server that accepts connections
// and echoes a short reply. CoreDNS, ingress controllers and HTTP servers register here.
//
// Contract: called once per request — a UDP datagram, or the first data segment of an
// established TCP connection — in simulated time order; must not keep references to the request.

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "packetwalk/model/datapath/topology.h"
#include "packetwalk/model/net/packet.h"
#include "packetwalk/sim/time.h"

namespace packetwalk::model::query {

struct AppRequest {
  datapath::NetnsId netns = datapath::kNone;
  std::string netns_name;   // "kube-system/coredns-5d78c9869d-abcde"
  std::string container;
  const net::Packet* packet = nullptr;  // as it arrived (after any NAT)
  sim::Time time;
};

struct AppResponse {
  bool answer = true;                 // false: the application stays silent (the client times out)
  std::vector<std::uint8_t> payload;  // the reply's bytes
  std::string note;                   // a short description for the trace ("DNS NOERROR A 10.96.0.20")
  sim::Time delay = sim::Time::us(5); // processing time before the reply leaves
};

using Application = std::function<AppResponse(const AppRequest&)>;

class ApplicationRegistry {
public:
  void add(const std::string& name, Application app) { apps_[name] = std::move(app); }
  const Application* find(const std::string& name) const {
    auto it = apps_.find(name);
    return it == apps_.end() ? nullptr : &it->second;
  }

private:
  std::map<std::string, Application> apps_;
};

}  // namespace packetwalk::model::query
