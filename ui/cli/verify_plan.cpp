#include "verify_plan.h"

#include <algorithm>
#include <cstdio>
#include <set>
#include <sstream>

#include "packetwalk/model/query/target.h"
#include "probe_exec.h"

namespace packetwalk::ui::cli::verify {

namespace {

using model::trace::HopAction;

// The source address the answering socket saw: the first delivery to it in the trace.
std::string seen_source(const model::query::ProbeResult& r) {
  for (const auto& leg : r.trace.legs) {
    for (const auto& hop : leg.hops) {
      if (hop.action == HopAction::Deliver && hop.netns == r.answered_by) return hop.packet.src.to_string();
    }
  }
  return "";
}

Prediction predict(const model::query::ProbeResult& r) {
  Prediction p;
  p.outcome = std::string(model::trace::disposition_name(r.trace.disposition));
  p.path = model_rule_path(r.trace);
  if (p.outcome == "connected") {
    p.backend = r.answered_by;
    p.source = seen_source(r);
  }
  return p;
}

// The endpoint kube-proxy's DNAT chose ("10.244.1.5:8080"), "" when nothing was DNATed.
std::string dnat_endpoint(const model::trace::Trace& t) {
  for (const auto& leg : t.legs) {
    for (const auto& hop : leg.hops) {
      if (hop.action == HopAction::Dnat) return hop.packet.dst.to_string() + ":" + std::to_string(hop.packet.dport);
    }
    break;  // the first leg is the connection's first packet: the choice is made there
  }
  return "";
}

bool has_hop(const model::trace::Trace& t, HopAction a, model::trace::DropReason why = model::trace::DropReason::None) {
  for (const auto& leg : t.legs) {
    for (const auto& hop : leg.hops) {
      if (hop.action == a && (why == model::trace::DropReason::None || hop.drop_reason == why)) return true;
    }
  }
  return false;
}

std::vector<ProbeInput> generated_probes(const model::cluster::Cluster& c) {
  std::vector<ProbeInput> out;
  const model::kube::PodInfo* first = nullptr;
  for (const auto& p : c.inventory().pods) {
    if (!p.host_network && c.pod_netns(p.namespace_, p.name)) {
      first = &p;
      break;
    }
  }
  auto add = [&](std::string from, std::string to, model::net::Protocol proto) {
    if (proto == model::net::Protocol::Sctp || out.size() >= 40) return;
    ProbeInput in;
    in.name = "auto-" + std::to_string(out.size() + 1);
    in.from = std::move(from);
    in.to = std::move(to);
    in.protocol = std::string(model::net::kube_name(proto));
    out.push_back(in);
  };
  if (first) {
    const std::string from = first->namespace_ + "/" + first->name;
    for (const auto& svc : c.services().services) {
      if (!svc.cluster_ip) continue;
      for (const auto& port : svc.ports) add(from, svc.cluster_ip->to_string() + ":" + std::to_string(port.port), port.protocol);
    }
    for (const auto& p : c.inventory().pods) {
      for (const auto& ctr : p.containers) {
        for (const auto& port : ctr.ports) add(from, p.namespace_ + "/" + p.name + ":" + std::to_string(port.container_port), port.protocol);
      }
    }
  }
  const auto& hosts = c.spec().external_hosts;
  if (!hosts.empty() && !c.inventory().nodes.empty()) {
    for (const auto& svc : c.services().services) {
      for (const auto& port : svc.ports) {
        if (port.node_port) add("external/" + hosts.front().name, "node/" + c.inventory().nodes.front().name + ":" +
                                std::to_string(port.node_port), port.protocol);
      }
    }
  }
  return out;
}

std::string flip_address(const std::string& a) {
  auto ip = model::net::Ipv4Address::parse(a);
  if (!ip) return a + "-mutated";
  return model::net::Ipv4Address(ip->value() ^ 1u).to_string();
}

void mutate(ProbePlan& p, const std::string& what) {
  auto change = [&](Prediction& x) {
    if (what == "outcome") x.outcome = x.outcome == "connected" ? "timeout" : "connected";
    if (what == "backend" && !x.backend.empty()) x.backend += "-mutated";
    if (what == "source" && !x.source.empty()) x.source = flip_address(x.source);
    // A rule the kernel walks that the prediction leaves out: the first node's last one.
    if (what == "rules" && !x.path.empty() && !x.path.front().steps.empty()) x.path.front().steps.pop_back();
  };
  change(p.primary);
  std::map<std::string, Prediction> backends;
  for (auto [name, pred] : p.backends) {
    change(pred);
    backends[pred.backend.empty() ? name : pred.backend] = pred;
  }
  p.backends = std::move(backends);
  for (auto& [_, pred] : p.endpoints) change(pred);
  if (what == "backend") {
    for (auto& s : p.split.shares) s.backend += "-mutated";
  }
}

}  // namespace

bool plan_probes(model::cluster::Cluster& cluster, const PlanOptions& options, std::vector<ProbePlan>& plans,
                 std::string& error) {
  std::vector<ProbeInput> inputs;
  for (const auto& probe : cluster.scenario().probes) inputs.push_back(probe_input(probe));
  if (inputs.empty()) inputs = generated_probes(cluster);

  model::query::ProbeRunner runner(cluster.topology(), cluster.spec().seed);
  runner.set_applications(&cluster.applications());
  for (const auto& in : inputs) {
    auto report = execute_probe(cluster, runner, in, error);
    if (!report) {
      error = "probe " + in.name + ": " + error;
      return false;
    }
    auto src = model::query::resolve_source(cluster, in.from, in.default_namespace, error);
    if (!src) return false;
    ProbePlan p;
    p.name = in.name;
    p.from = report->from;
    p.to = report->to;
    p.from_netns = src->netns;
    const auto& r = report->result;
    p.host = r.tuple.dst.to_string();
    p.port = r.tuple.dport;
    p.primary = predict(r);
    p.timeout_s = options.timeout_s;
    if (p.primary.outcome == "unreachable" && has_hop(r.trace, HopAction::Drop, model::trace::DropReason::NoNeighbour))
      p.timeout_s = std::max(p.timeout_s, 5.0);  // ARP gives up after 3 s: wait for the kernel's verdict
    switch (r.tuple.protocol) {
      case model::net::Protocol::Tcp: p.protocol = "tcp"; break;
      case model::net::Protocol::Udp: p.protocol = "udp"; break;
      default: p.skip = "only TCP and UDP probes are checked against the kernel"; break;
    }
    if (in.size && !r.trace.legs.empty() && !r.trace.legs.front().hops.empty()) {
      // The model's first packet: its length is what the client must put on the wire.
      p.size = r.trace.legs.front().hops.front().packet.length;
      if (p.protocol == "tcp")
        p.skip = "a sized TCP probe: a socket cannot send a SYN of " + std::to_string(p.size) + " bytes";
    }
    if (cluster.spec().proxy_mode == "ipvs" && has_hop(r.trace, HopAction::Dnat))
      p.skip = "IPVS mode is not materialized: the kernel copy has no virtual servers";
    if (!options.br_netfilter && has_hop(r.trace, HopAction::Bridge))
      p.skip = "the trace crosses a Linux bridge and br_netfilter is not available here";
    p.split = model::kernel::endpoint_split(cluster.topology(), r.trace);
    if (p.split.shares.size() > 1) {
      p.runs = p.split.affinity ? std::min(options.runs, 10) : options.runs;
      // Learn what the model predicts at each endpoint: further runs of the same probe spread
      // over them (the runner's random streams go on).
      std::set<std::string> wanted;
      for (const auto& s : p.split.shares) {
        if (s.probability > 0) wanted.insert(s.endpoint);
      }
      auto learn = [&](const model::query::ProbeResult& result) {
        auto pred = predict(result);
        if (pred.outcome == "connected") p.backends.emplace(pred.backend, pred);
        p.endpoints.emplace(dnat_endpoint(result.trace), pred);
      };
      learn(r);
      for (int i = 0; i < 64 * static_cast<int>(wanted.size()) && p.endpoints.size() < wanted.size(); ++i) {
        auto again = execute_probe(cluster, runner, in, error);
        if (!again) return false;
        learn(again->result);
      }
    }
    if (!options.mutate.empty()) mutate(p, options.mutate);
    plans.push_back(std::move(p));
  }
  return true;
}

namespace {

std::string tally(const std::map<std::string, int>& counts) {
  std::string out;
  for (const auto& [value, n] : counts) out += (out.empty() ? "" : ", ") + (value.empty() ? "-" : value) + " x" + std::to_string(n);
  return out;
}

std::string fixed(double v, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

}  // namespace

Verdict compare(const ProbePlan& plan, const std::vector<Observation>& runs) {
  Verdict v;
  const bool multi = plan.split.shares.size() > 1 && !plan.endpoints.empty();
  // The outcomes the model predicts somewhere (per endpoint for a multi-endpoint Service).
  std::set<std::string> model_outcomes{plan.primary.outcome};
  for (const auto& [_, pred] : plan.endpoints) model_outcomes.insert(pred.outcome);
  std::map<std::string, int> outcomes, backends, sources;
  int wrong_outcome = 0, wrong_backend = 0, wrong_source = 0;
  for (const auto& o : runs) {
    ++outcomes[o.outcome + (o.detail.empty() || o.outcome == "refused" ? "" : " (" + o.detail + ")")];
    if (o.outcome == "connected") {
      ++backends[o.backend];
      ++sources[o.source];
    }
    Prediction want = plan.primary;
    if (multi) {
      if (!model_outcomes.count(o.outcome)) {
        ++wrong_outcome;
        continue;
      }
      if (o.outcome != "connected") continue;  // an endpoint the model says answers this way
      auto it = plan.backends.find(o.backend);
      if (it == plan.backends.end()) {
        ++wrong_backend;
        continue;
      }
      want = it->second;
    }
    if (o.outcome != want.outcome) {
      ++wrong_outcome;
      continue;
    }
    if (o.outcome != "connected") continue;
    if (o.backend != want.backend) ++wrong_backend;
    if (o.source != want.source) ++wrong_source;
  }
  const std::string n = " of " + std::to_string(runs.size()) + " runs";
  if (wrong_outcome) {
    v.agreed = false;
    std::string model;
    for (const auto& m : model_outcomes) model += (model.empty() ? "" : " or ") + m;
    v.lines.push_back("outcome: model " + model + " | kernel " + tally(outcomes) + "  (differs in " +
                      std::to_string(wrong_outcome) + n + ")");
  }
  if (wrong_backend) {
    v.agreed = false;
    std::string model = plan.primary.backend;
    if (multi) {
      model.clear();
      for (const auto& [b, _] : plan.backends) model += (model.empty() ? "" : " or ") + b;
    }
    v.lines.push_back("backend: model " + model + " | kernel " + tally(backends) + "  (differs in " +
                      std::to_string(wrong_backend) + n + ")");
  }
  if (wrong_source) {
    v.agreed = false;
    std::string model = plan.primary.source;
    if (multi) {
      std::map<std::string, int> per;
      for (const auto& [b, p] : plan.backends) per[p.source] = 0;
      model.clear();
      for (const auto& [s, _] : per) model += (model.empty() ? "" : " or ") + s;
    }
    v.lines.push_back("source seen by the server: model " + model + " | kernel " + tally(sources) + "  (differs in " +
                      std::to_string(wrong_source) + n + ")");
  }
  if (multi) {
    // One category per endpoint the model says answers (counted by the backend that answered),
    // and one per other outcome (refused, timeout: the kernel does not say which endpoint).
    struct Category {
      std::string label, endpoint;
      double probability = 0;
      int observed = 0;
    };
    std::vector<Category> cats;
    for (const auto& s : plan.split.shares) {
      auto it = plan.endpoints.find(s.endpoint);
      const std::string outcome = it == plan.endpoints.end() ? "connected" : it->second.outcome;
      const std::string label = outcome == "connected" ? s.backend : "(" + outcome + ")";
      auto c = std::find_if(cats.begin(), cats.end(), [&](const Category& x) { return x.label == label; });
      if (c == cats.end()) {
        cats.push_back({label, s.endpoint, 0, 0});
        c = cats.end() - 1;
        if (outcome == "connected") {
          c->observed = backends.count(label) ? backends.at(label) : 0;
        } else {  // "timeout (EPERM)" and the like count too
          for (const auto& [text, k] : outcomes) {
            if (text.rfind(outcome, 0) == 0) c->observed += k;
          }
        }
      } else {
        c->endpoint += "," + s.endpoint;
      }
      c->probability += s.probability;
    }
    std::vector<int> observed;
    std::vector<double> probs;
    int total = 0;
    for (const auto& c : cats) {
      observed.push_back(c.observed);
      probs.push_back(c.probability);
      total += c.observed;
    }
    if (plan.split.affinity) {
      int used = 0, connected = 0;
      for (const auto& c : cats) {
        if (c.label[0] == '(') continue;
        used += c.observed > 0 ? 1 : 0;
        connected += c.observed;
      }
      v.lines.push_back("ClientIP affinity (" + plan.split.chain + "): " + std::to_string(used) +
                        " endpoint(s) answered " + std::to_string(connected) + " connections from one client");
      if (used > 1) v.agreed = false;
    } else if (total > 0) {
      double chi2 = 0;
      v.p_value = model::kernel::chi_square_p_value(observed, probs, &chi2);
      const bool ok = v.p_value >= 0.001;
      v.lines.push_back(std::string("split over endpoints (") + plan.split.chain + " on " + plan.split.netns +
                        "): chi-square " + fixed(chi2, 2) + ", " + std::to_string(observed.size() - 1) + " df, p = " +
                        fixed(v.p_value, 4) + (ok ? "" : "  (< 0.001: the kernel's split differs)"));
      v.lines.push_back("  backend                          endpoint               model p   expected  kernel");
      for (const auto& c : cats) {
        std::ostringstream row;
        row << "  " << c.label << std::string(c.label.size() < 33 ? 33 - c.label.size() : 1, ' ') << c.endpoint
            << std::string(c.endpoint.size() < 23 ? 23 - c.endpoint.size() : 1, ' ') << fixed(c.probability, 4)
            << "    " << fixed(c.probability * total, 1) << "      " << c.observed;
        v.lines.push_back(row.str());
      }
      if (!ok) v.agreed = false;
    }
  }
  return v;
}

}  // namespace packetwalk::ui::cli::verify
