#include "packetwalk/model/trace/routing_loop.h"

#include <map>
#include <tuple>

namespace packetwalk::model::trace {

std::string routing_loop(const Trace& trace) {
  for (const auto& leg : trace.legs) {
    // A decision repeats when the same host routes the same destination by the same route again;
    // with TTL decremented at every host, the cycle between the two is the loop. Keyed by
    // destination too, so a packet that is legitimately routed twice by one host (a Service's
    // DNAT sends it back out) is not mistaken for one.
    std::map<std::tuple<std::string_view, std::string_view, std::uint32_t>, std::size_t> seen;
    std::vector<const Hop*> routes;
    for (const auto& hop : leg.hops) {
      if (hop.action != HopAction::Route) continue;
      const auto key = std::make_tuple(hop.netns.view(), hop.detail.view(), hop.packet.dst.value());
      auto [it, fresh] = seen.emplace(key, routes.size());
      if (fresh) {
        routes.push_back(&hop);
        continue;
      }
      std::string text = "routing loop: ";
      for (std::size_t i = it->second; i < routes.size(); ++i)
        text += routes[i]->netns + " (" + routes[i]->detail + ") -> ";
      return text + hop.netns;
    }
  }
  return {};
}

}  // namespace packetwalk::model::trace
