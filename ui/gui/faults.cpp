#include "faults.h"

#include <algorithm>
#include <cstdio>
#include <memory>

#include "packetwalk/model/cluster/cluster.h"
#include "packetwalk/model/dns/cluster_dns.h"
#include "packetwalk/model/load/timeline.h"

namespace packetwalk::ui::gui {

namespace load = model::load;

namespace {

// Diagnostics about a fault planted from the GUI point here rather than into the scenario file.
const char* const kWhere = "(fault panel)";
constexpr double kLinkDelaySeconds = 0.05, kCoreDnsSlowSeconds = 2.0, kLinkLossPercent = 30;

}  // namespace

bool FaultSet::has(load::FaultKind kind, const std::string& node) const {
  return std::any_of(faults.begin(), faults.end(), [&](const load::FaultSpec& f) { return f.kind == kind && f.node == node; });
}

bool fault_takes_value(load::FaultKind kind) {
  return kind == load::FaultKind::LinkDelay || kind == load::FaultKind::CoreDnsSlow || kind == load::FaultKind::LinkLoss;
}

double default_fault_value(load::FaultKind kind) {
  switch (kind) {
    case load::FaultKind::LinkDelay: return kLinkDelaySeconds;
    case load::FaultKind::CoreDnsSlow: return kCoreDnsSlowSeconds;
    case load::FaultKind::LinkLoss: return kLinkLossPercent;
    default: return 0;
  }
}

std::string fault_value_text(load::FaultKind kind, double value) {
  if (kind == load::FaultKind::LinkLoss) {
    char b[32];
    std::snprintf(b, sizeof b, "%g%%", value);
    return b;
  }
  return load::format_seconds(value);
}

std::optional<double> FaultSet::value_of(load::FaultKind kind, const std::string& node) const {
  for (const auto& f : faults)
    if (f.kind == kind && f.node == node) return kind == load::FaultKind::LinkLoss ? f.percent : f.seconds;
  return std::nullopt;
}

bool FaultSet::set_value(load::FaultKind kind, const std::string& node, double value) {
  for (auto& f : faults) {
    if (f.kind != kind || f.node != node) continue;
    if (kind == load::FaultKind::LinkLoss) f.percent = value;
    else f.seconds = value;
    return true;
  }
  return false;
}

void FaultSet::toggle(load::FaultKind kind, const std::string& node, const model::cluster::Cluster& cluster,
                      std::optional<double> value) {
  auto same = [&](const load::FaultSpec& f) { return f.kind == kind && f.node == node; };
  if (std::erase_if(faults, same) > 0) return;
  load::FaultSpec f;
  f.kind = kind;
  f.node = node;
  f.pos.file = kWhere;
  // Stopping kube-proxy freezes its rules as the Services and endpoints stand now; later changes
  // (CoreDNS scaled, files edited) do not reach that node (model/cluster/timeline.h).
  if (kind == load::FaultKind::KubeProxyStale) f.synced = std::make_shared<const model::kube::ServiceState>(cluster.services());
  // netem and CoreDNS values a room notices without a timeout: a 50 ms wire, a 2 s answer, 30% loss.
  faults.push_back(std::move(f));
  if (fault_takes_value(kind)) set_value(kind, node, value.value_or(default_fault_value(kind)));
}

std::vector<std::string> FaultSet::describe() const {
  std::vector<std::string> out;
  for (const auto& f : faults) out.push_back(load::fault_text(f));
  if (coredns_replicas) out.push_back("scale: kube-system/coredns replicas " + std::to_string(*coredns_replicas));
  return out;
}

cli::ScenarioAdjust fault_adjust(const FaultSet& set) {
  if (set.empty()) return {};
  return [set](load::Scenario& s, load::Diagnostics& diags) {
    for (const auto& f : set.faults) s.faults.push_back(f);
    if (set.coredns_replicas) {
      // kubeadm's CoreDNS joins the manifests only in Cluster::build; add it now (the same
      // objects: build then finds them defined) so the timeline's scale finds the Deployment.
      model::dns::add_coredns_addon(s.cluster, s.manifests);
      load::TimelineEntry e;
      e.action = load::TimelineAction::Scale;
      e.kind = "Deployment";
      e.namespace_ = "kube-system";
      e.name = "coredns";
      e.replicas = *set.coredns_replicas;
      e.pos.file = kWhere;
      load::apply_object_change(s, e, diags);
    }
  };
}

bool parse_fault_action(const std::string& action, FaultSet& into, const model::cluster::Cluster& cluster, std::string& error) {
  // KEY[:ARG][=VALUE]
  const auto eq = action.find('=');
  const std::string text = action.substr(0, eq);
  const std::optional<std::string> value_text = eq == std::string::npos ? std::nullopt : std::optional<std::string>(action.substr(eq + 1));
  const auto colon = text.find(':');
  const std::string key = text.substr(0, colon);
  const std::string arg = colon == std::string::npos ? std::string() : text.substr(colon + 1);
  if (key == "corednsReplicas") {
    if (value_text || arg.empty() || arg.find_first_not_of("0123456789") != std::string::npos || arg.size() > 4) {
      error = "corednsReplicas takes a replica count, e.g. corednsReplicas:0";
      return false;
    }
    into.coredns_replicas = std::stoi(arg);
    return true;
  }
  load::FaultKind kind;
  if (key == "kubeProxyDown") kind = load::FaultKind::KubeProxyDown;
  else if (key == "stopKubeProxy") kind = load::FaultKind::KubeProxyStale;
  else if (key == "linkDown") kind = load::FaultKind::LinkDown;
  else if (key == "linkDelay") kind = load::FaultKind::LinkDelay;
  else if (key == "linkLoss") kind = load::FaultKind::LinkLoss;
  else if (key == "coreDnsDown") kind = load::FaultKind::CoreDnsDown;
  else if (key == "coreDnsSlow") kind = load::FaultKind::CoreDnsSlow;
  else {
    error = "unknown fault \"" + key +
            "\" (kubeProxyDown:NODE, stopKubeProxy:NODE, linkDown:NODE, linkDelay:NODE[=LATENCY], linkLoss:NODE[=PERCENT], "
            "coreDnsDown, coreDnsSlow[=LATENCY], corednsReplicas:N)";
    return false;
  }
  std::optional<double> value;
  if (value_text) {
    if (!fault_takes_value(kind)) {
      error = key + " takes no value (only linkDelay, linkLoss and coreDnsSlow do)";
      return false;
    }
    value = load::parse_fault_value(kind, *value_text, error);  // the scenario's own units and bounds
    if (!value) return false;
  }
  const std::string node = load::fault_has_node(kind) ? arg : std::string();
  if (load::fault_has_node(kind) && !cluster.inventory().find_node(arg)) {
    error = "no node \"" + arg + "\" in the cluster";
    return false;
  }
  if (!into.has(kind, node)) into.toggle(kind, node, cluster, value);
  else if (value) into.set_value(kind, node, *value);
  return true;
}

}  // namespace packetwalk::ui::gui
