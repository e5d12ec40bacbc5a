#include "reach_data.h"

#include <map>
#include <sstream>

#include "packetwalk/model/cluster/cluster.h"

namespace packetwalk::ui::gui {

namespace {

std::string namespace_of(const std::string& pod) { return pod.substr(0, pod.find('/')); }

}  // namespace

ReachHeat compute_reach_heat(const model::cluster::Cluster& cluster) {
  ReachHeat h;
  h.matrix = model::query::compute_reach(cluster, {});
  const auto& m = h.matrix;
  std::map<std::string, std::size_t> pod_index, ns_index;
  std::vector<std::string> namespaces;
  for (std::size_t i = 0; i < m.pods.size(); ++i) {
    pod_index[m.pods[i]] = i;
    h.pod_namespace.push_back(namespace_of(m.pods[i]));
    if (ns_index.emplace(h.pod_namespace.back(), namespaces.size()).second) namespaces.push_back(h.pod_namespace.back());
  }
  std::map<model::query::ReachPort, std::size_t> port_index;
  for (std::size_t i = 0; i < m.ports.size(); ++i) {
    port_index[m.ports[i]] = i;
    HeatGrid pods{m.pods, std::vector<HeatCell>(m.pods.size() * m.pods.size())};
    HeatGrid ns{namespaces, std::vector<HeatCell>(namespaces.size() * namespaces.size())};
    h.pods.push_back(std::move(pods));
    h.namespaces.push_back(std::move(ns));
  }
  for (std::size_t r = 0; r < m.results.size(); ++r) {
    const auto& c = m.results[r];
    const std::size_t p = port_index.at(c.port);
    const std::size_t f = pod_index.at(c.from), t = pod_index.at(c.to);
    HeatCell& pod = h.pods[p].cells[f * m.pods.size() + t];
    pod.result = static_cast<std::int32_t>(r);
    (c.allowed ? pod.allowed : pod.denied) = 1;
    HeatCell& ns = h.namespaces[p].cells[ns_index.at(h.pod_namespace[f]) * namespaces.size() + ns_index.at(h.pod_namespace[t])];
    ++(c.allowed ? ns.allowed : ns.denied);
  }
  return h;
}

std::string explain_cell(const ReachHeat& h, std::size_t port, bool by_namespace, std::size_t from, std::size_t to,
                         std::size_t max_reasons) {
  if (port >= h.pods.size()) return "";
  const auto& m = h.matrix;
  const std::string port_text = m.ports[port].to_string();
  if (!by_namespace) {
    const HeatCell& c = h.pods[port].at(from, to);
    if (c.result < 0) return m.pods[from] + " -> " + m.pods[to] + " " + port_text + ": not checked (" + m.pods[to] + " declares no " + port_text + " port)";
    const auto& cell = m.results[static_cast<std::size_t>(c.result)];
    return cell.from + " -> " + cell.to + " " + port_text + "\n" + cell.reason +
           (cell.listening ? "" : "\n(nothing declares a containerPort " + port_text + " there)");
  }
  const HeatGrid& g = h.namespaces[port];
  const HeatCell& c = g.at(from, to);
  std::ostringstream out;
  out << "namespace " << g.labels[from] << " -> namespace " << g.labels[to] << " " << port_text << ": " << c.allowed
      << " allowed, " << c.denied << " denied";
  std::size_t shown = 0;
  for (const auto& cell : m.results) {
    if (cell.allowed || cell.port != m.ports[port] || namespace_of(cell.from) != g.labels[from] || namespace_of(cell.to) != g.labels[to]) continue;
    if (shown++ == max_reasons) {
      out << "\n...";
      break;
    }
    out << "\n" << cell.from << " -> " << cell.to << ": " << cell.reason;
  }
  return out.str();
}

std::string reach_view_dump(const ReachHeat& h) {
  std::ostringstream out;
  const auto& m = h.matrix;
  out << "reach view: CNI " << m.cni << (m.enforced ? " enforces NetworkPolicy" : " does not enforce NetworkPolicy") << ", "
      << m.pods.size() << " pods, " << m.ports.size() << " ports\n";
  for (std::size_t p = 0; p < m.ports.size(); ++p) {
    const HeatGrid& g = h.pods[p];
    for (std::size_t f = 0; f < g.labels.size(); ++f)
      for (std::size_t t = 0; t < g.labels.size(); ++t) {
        const HeatCell& c = g.at(f, t);
        if (c.result < 0) continue;
        out << m.ports[p].to_string() << " " << g.labels[f] << " -> " << g.labels[t] << " " << (c.allowed ? "allowed" : "denied") << "\n";
      }
  }
  return out.str();
}

}  // namespace packetwalk::ui::gui
