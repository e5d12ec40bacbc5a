#include "probe_exec.h"

#include <algorithm>

#include "packetwalk/model/dns/resolve_target.h"
#include "packetwalk/model/load/scenario.h"
#include "packetwalk/model/query/target.h"

namespace packetwalk::ui::cli {

ProbeInput probe_input(const model::load::ProbeSpec& probe) {
  ProbeInput in;
  in.name = probe.name;
  in.from = probe.from;
  in.to = probe.to;
  in.protocol = probe.protocol.empty() ? "TCP" : probe.protocol;
  in.size = probe.size;
  return in;
}

std::optional<render::ProbeReport> execute_probe(model::cluster::Cluster& cluster, model::query::ProbeRunner& runner,
                                                 const ProbeInput& in, std::string& error) {
  std::string proto = in.protocol;
  std::transform(proto.begin(), proto.end(), proto.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  auto protocol = model::net::parse_kube_protocol(proto);
  if (!protocol) {
    error = "protocol \"" + in.protocol + "\" is not one of TCP, UDP, SCTP";
    return std::nullopt;
  }
  auto src = model::query::resolve_source(cluster, in.from, in.default_namespace, error);
  if (!src) return std::nullopt;
  // A DNS name is looked up by the source's resolver first (its queries are probes of their own).
  auto resolved = model::dns::resolve_target(cluster, runner, in.to, *src, in.default_namespace, error);
  if (!resolved) return std::nullopt;
  render::ProbeReport report;
  report.name = in.name;
  report.from = src->label;
  report.to = resolved->destination ? resolved->destination->label : in.to;
  report.protocol = proto;
  report.dns = std::move(resolved->dns);
  if (!resolved->destination) {
    report.result = model::dns::unresolved_result(*report.dns);
    return report;
  }
  model::query::ProbeTarget target;
  target.from = src->netns;
  target.dst = resolved->destination->address;
  target.port = resolved->destination->port;
  target.protocol = *protocol;
  if (in.size && *in.size == model::load::kProbeSizeMtu) {
    // A full-size packet: the MTU of the device the source's route to the destination leaves by.
    const auto& topo = cluster.topology();
    const auto* route = topo.netns(src->netns).routes.lookup(target.dst);
    const std::uint32_t mtu = topo.is_local_address(src->netns, target.dst) || !route ? 65535u : topo.iface(route->dev).mtu;
    target.size = static_cast<std::uint16_t>(std::min<std::uint32_t>(mtu, 65535u));
  } else if (in.size) {
    target.size = static_cast<std::uint16_t>(*in.size);
  }
  report.result = runner.run(target);
  return report;
}

}  // namespace packetwalk::ui::cli
