#include "probe_exec.h"

#include <algorithm>

#include "packetwalk/model/query/target.h"

namespace packetwalk::ui::cli {

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
  auto dst = model::query::resolve_destination(cluster, in.to, *src, in.default_namespace, error);
  if (!dst) return std::nullopt;
  model::query::ProbeTarget target;
  target.from = src->netns;
  target.dst = dst->address;
  target.port = dst->port;
  target.protocol = *protocol;
  render::ProbeReport report;
  report.name = in.name;
  report.from = src->label;
  report.to = dst->label;
  report.protocol = proto;
  report.result = runner.run(target);
  return report;
}

}  // namespace packetwalk::ui::cli
