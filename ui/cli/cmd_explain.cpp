// packetwalk explain: why NetworkPolicy allows or denies one connection, for a person — which
// policies select the source and the destination, what in each rule did or did not match, and,
// for a denied connection, the smallest manifest edits that would allow it.
#include <iostream>

#include "commands.h"
#include "options.h"
#include "packetwalk/model/cni/calico.h"
#include "packetwalk/model/cni/cilium.h"
#include "packetwalk/model/policy/suggest.h"
#include "packetwalk/model/query/reachability.h"

namespace packetwalk::ui::cli {

namespace {

namespace policy = model::policy;
namespace kube = model::kube;
using policy::Direction;

// Where the connection lands after kube-proxy: a pod and the port it sees.
struct Backend {
  const kube::PodInfo* pod = nullptr;
  model::net::Port port = 0;
};

std::string proto_port(model::net::Protocol p, int port) { return std::to_string(port) + "/" + std::string(model::net::kube_name(p)); }

// Evaluation::reason() without its leading "allowed: " / "denied: ", for a sentence that already
// says which.
std::string without_verdict(const std::string& reason) {
  auto colon = reason.find(": ");
  return colon == std::string::npos ? reason : reason.substr(colon + 2);
}

std::string types_text(const kube::NetworkPolicy& p) {
  std::string t;
  if (p.affects_ingress()) t = "Ingress";
  if (p.affects_egress()) t += std::string(t.empty() ? "" : ", ") + "Egress";
  if (!p.policy_types || p.policy_types->empty())
    t += p.affects_egress() ? " (not written: defaulted to Ingress, plus Egress for its egress rules)"
                            : " (not written: defaulted to Ingress)";
  return t;
}

void print_rule(std::ostream& out, const policy::RuleCheck& r, const kube::NetworkPolicy& p, Direction d) {
  const std::string dir(policy::direction_name(d));
  const std::string peers_key = d == Direction::Ingress ? "from" : "to";
  const auto& rule = policy::rules_of(p, d)[r.index];
  out << "    " << dir << " rule " << r.index << ": "
      << (r.matched() ? "matches" : !r.peer_matched && !r.port_matched ? "neither peer nor port matches"
                                  : !r.peer_matched                      ? "the peer does not match"
                                                                         : "the port does not match")
      << "\n";
  if (r.every_peer) out << "      " << peers_key << ": (every peer) yes\n";
  for (const auto& pc : r.peers) {
    out << "      " << peers_key << "[" << pc.index << "] " << policy::describe_peer((*rule.peers)[pc.index], p.meta.namespace_)
        << ": " << (pc.result.matched ? "yes, " : "no, ") << pc.result.detail << "\n";
  }
  if (r.every_port) out << "      ports: (every port and protocol) yes\n";
  for (const auto& pc : r.ports) {
    out << "      ports[" << pc.index << "] " << policy::describe_port((*rule.ports)[pc.index]) << ": "
        << (pc.result.matched ? "yes, " : "no, ") << pc.result.detail << "\n";
  }
}

// Where Calico takes the decision: the endpoint chain on the subject's node and the rule.
std::string datapath_note(const policy::SideVerdict& s, const kube::PodInfo& subject) {
  const std::string chain = std::string(s.direction == Direction::Ingress ? "cali-tw-" : "cali-fw-") +
                            model::cni::calico_veth_name(subject.namespace_, subject.name);
  std::string out = "  In the datapath: node " + subject.node + ", filter FORWARD -> cali-FORWARD -> " +
                    (s.direction == Direction::Ingress ? "cali-to-wl-dispatch" : "cali-from-wl-dispatch") + " -> " + chain;
  if (const auto* d = s.decided_by()) {
    const auto& r = d->rules[*d->first_rule];
    out += " -> " + model::cni::calico_policy_chain(s.direction, *d->policy) + ", rule \"NetworkPolicy " +
           policy::policy_ref(*d->policy) + " " + std::string(policy::direction_name(s.direction)) + " rule " +
           std::to_string(r.index);
    if (r.first_peer) out += std::string(s.direction == Direction::Ingress ? " from[" : " to[") + std::to_string(*r.first_peer) + "]";
    if (r.first_port) out += " ports[" + std::to_string(*r.first_port) + "]";
    out += "\" sets the accept mark\n";
  } else {
    out += ": no policy chain accepts, so \"Drop if no policies passed packet\" drops it\n";
  }
  return out;
}

// Where Calico takes an admin or baseline tier's decision.
std::string admin_datapath_note(const policy::SideVerdict& s, const kube::PodInfo& subject) {
  const auto* d = s.admin_decision();
  if (!d) return {};
  const std::string chain = std::string(s.direction == Direction::Ingress ? "cali-tw-" : "cali-fw-") +
                            model::cni::calico_veth_name(subject.namespace_, subject.name);
  const auto& r = d->rules[*d->first_rule];
  std::string out = "  In the datapath: node " + subject.node + ", filter FORWARD -> cali-FORWARD -> " +
                    (s.direction == Direction::Ingress ? "cali-to-wl-dispatch" : "cali-from-wl-dispatch") + " -> " +
                    chain + " (tier " + std::string(policy::calico_tier(*d->policy)) + ") -> " +
                    model::cni::calico_admin_policy_chain(s.direction, *d->policy) + ", rule \"" +
                    d->policy->kind_name() + " " + policy::admin_rule_label(*d->policy, s.direction, r.index);
  if (r.first_peer) out += std::string(s.direction == Direction::Ingress ? " from[" : " to[") + std::to_string(*r.first_peer) + "]";
  if (r.first_port) out += " ports[" + std::to_string(*r.first_port) + "]";
  out += ": " + std::string(policy::action_word(*d->acted())) + "\" " + (s.allowed ? "sets the accept mark\n" : "drops it\n");
  return out;
}

// Where Cilium takes the decision: bpf_lxc on the subject's lxc device, in eBPF (cni/cilium.h).
std::string cilium_note(const policy::SideVerdict& s, const kube::PodInfo& subject) {
  const bool in = s.direction == Direction::Ingress;
  std::string out = "  In the datapath: node " + subject.node + ", bpf_lxc " + (in ? "cil_to_container" : "cil_from_container") +
                    " on " + model::cni::cilium_lxc_name(subject.namespace_, subject.name) + " (tc " +
                    (in ? "egress: what enters the pod, after decapsulation" : "ingress: what the pod sends") +
                    "), in eBPF with no iptables chain";
  if (const auto* d = s.decided_by()) {
    out += ": NetworkPolicy " + policy::policy_ref(*d->policy) + " " + std::string(policy::direction_name(s.direction)) +
           " rule " + std::to_string(*d->first_rule) + " allows it\n";
  } else {
    out += ": no rule allows it, so it drops the packet: \"Policy denied\" (DROP_POLICY 133)\n";
  }
  return out;
}

void print_side(std::ostream& out, const policy::SideVerdict& s, const policy::Endpoint& subject, std::string_view cni) {
  const bool calico = cni == "calico";
  const bool in = s.direction == Direction::Ingress;
  out << "\n" << (in ? "Ingress at the destination " : "Egress at the source ") << subject.label() << "\n";
  if (!s.enforced) {
    out << "  not subject to NetworkPolicy: " << s.exempt_reason << "\n";
    return;
  }
  policy::explain_admin_tiers(out, s);
  if (s.decided_in == policy::SideVerdict::Tier::Admin) {
    if (calico) out << admin_datapath_note(s, *subject.pod);
    return;
  }
  if (!s.isolated() && !s.baseline.checks.empty()) {
    out << "  no NetworkPolicy in namespace " << subject.pod->namespace_ << " selects it for "
        << policy::direction_name(s.direction) << ": the baseline tier applies\n";
    policy::explain_baseline_tiers(out, s);
    if (calico && s.decided_in == policy::SideVerdict::Tier::Baseline) out << admin_datapath_note(s, *subject.pod);
    return;
  }
  if (!s.isolated()) {
    out << "  not isolated: no NetworkPolicy in namespace " << subject.pod->namespace_ << " selects it for "
        << policy::direction_name(s.direction) << " -> allowed\n";
    return;
  }
  out << "  isolated by " << s.policies.size() << " NetworkPolicy" << (s.policies.size() == 1 ? "" : "s")
      << "; the connection needs one rule of one of them\n";
  for (const auto& pc : s.policies) {
    const auto& p = *pc.policy;
    out << "  NetworkPolicy " << policy::policy_ref(p) << " (podSelector " << policy::selector_text(p.pod_selector)
        << "; policyTypes " << types_text(p) << "): " << (pc.allowed ? "allows it" : "does not allow it") << "\n";
    if (pc.rules.empty())
      out << "    has no " << policy::direction_name(s.direction) << " rules: it allows no "
          << policy::direction_name(s.direction) << " at all to the pods it selects\n";
    for (const auto& r : pc.rules) print_rule(out, r, p, s.direction);
  }
  out << "  -> " << (s.allowed ? "allowed" : "denied") << "\n";
  if (calico) out << datapath_note(s, *subject.pod);
  if (cni == "cilium") out << cilium_note(s, *subject.pod);
}

// A side an admin or baseline rule denied: say that NetworkPolicy edits cannot allow it, and why
// (the suggestions that follow edit the admin policy instead).
void print_tier_denial(std::ostream& out, const policy::SideVerdict& s) {
  const auto rule = policy::tier_denial(s);
  if (rule.empty()) return;
  out << "  [" << policy::direction_name(s.direction) << "] " << rule;
  if (s.decided_in == policy::SideVerdict::Tier::Admin) {
    out << " denies it in the admin tier, which is evaluated before any NetworkPolicy: no NetworkPolicy edit can allow it";
    if (const auto* np = s.decided_by()) out << " (NetworkPolicy " << policy::policy_ref(*np->policy) << " already would)";
    out << ". Edit the admin policy instead:\n";
    return;
  }
  out << " denies it in the baseline tier";
  for (auto i : s.admin.passed) {
    const auto& pc = s.admin.checks[i];
    out << ", after " << pc.policy->kind_name() << " " << policy::admin_rule_label(*pc.policy, pc.direction, *pc.first_rule)
        << " passed it on";
  }
  out << ", because no NetworkPolicy selects the pod for " << policy::direction_name(s.direction)
      << ". A NetworkPolicy selecting it would take precedence, but would isolate it (denying all it does not allow); "
         "or edit the baseline:\n";
}

void print_suggestions(std::ostream& out, const std::vector<policy::Suggestion>& list, const policy::Evaluation& e) {
  out << "\nHow to allow it (smallest edit first; each was checked by re-evaluating):\n";
  if (!e.egress.allowed && !e.ingress.allowed) out << "  Both sides deny it: one edit for egress AND one for ingress are needed.\n";
  for (const auto* side : {&e.egress, &e.ingress}) print_tier_denial(out, *side);
  if (list.empty()) out << "  no single edit found; write a policy rule that selects this peer and port\n";
  int n = 0;
  for (const auto& s : list) {
    for (const auto& edit : s.edits) {
      const bool label = edit.kind == policy::Edit::Kind::LabelNamespace || edit.kind == policy::Edit::Kind::LabelPod ||
                         edit.kind == policy::Edit::Kind::AdminSetAction;
      out << "  " << ++n << ". [" << policy::direction_name(s.side) << "] " << edit.object << ", " << edit.field
          << (label ? ": set\n       " : ": add\n       ") << edit.change << "\n";
    }
    if (s.also_opens_total == 0) {
      out << "     opens nothing else among the cluster's pods\n";
    } else {
      out << "     also opens " << s.also_opens_total << " other connection" << (s.also_opens_total == 1 ? "" : "s") << ":";
      for (const auto& t : s.also_opens) out << "\n       " << t;
      if (s.also_opens_total > s.also_opens.size()) out << "\n       ... and " << s.also_opens_total - s.also_opens.size() << " more";
      out << "\n";
    }
  }
}

}  // namespace

int cmd_explain(const Args& args, std::ostream& out, std::ostream& err) {
  po::options_description d("Options");
  add_input_options(d);
  d.add_options()("scenario", po::value<std::string>(), "scenario file whose cluster to use")(
      "from", po::value<std::string>()->required(), "source pod: NS/POD or POD")(
      "to", po::value<std::string>()->required(), "destination: NS/POD or NS/SERVICE (a Service is followed to its pods)")(
      "port", po::value<std::string>()->required(), "PORT[/PROTOCOL] as the client addresses it (default TCP)");
  add_namespace_option(d, "namespace for names without one");
  po::positional_options_description pos;
  po::variables_map vm;
  bool help = false;
  const std::string usage =
      "packetwalk explain -f PATH... [--scenario F] [--cni calico] --from NS/POD --to NS/POD|NS/SERVICE --port P[/PROTO]";
  if (!parse_args(args, d, pos, vm, out, err, usage, help)) return help ? kOk : kBadInput;
  std::string error;
  auto port = model::query::parse_reach_port(vm["port"].as<std::string>(), error);
  if (!port) {
    err << "packetwalk explain: --port " << error << "\n";
    return kBadInput;
  }
  std::optional<std::string> scenario;
  if (vm.count("scenario")) scenario = vm["scenario"].as<std::string>();
  if (!scenario && files_from(vm).empty()) {
    err << "packetwalk explain: give manifests with -f PATH (or --scenario FILE)\nUsage: " << usage << "\n";
    return kBadInput;
  }
  auto loaded = load_cluster(scenario, files_from(vm), overrides_from(vm), err);
  if (!loaded.cluster) return loaded.exit_code;
  const auto& c = *loaded.cluster;
  const auto& inv = c.inventory();
  const std::string default_ns = vm["namespace"].as<std::string>();
  auto split = [&](const std::string& t) {
    auto slash = t.find('/');
    return slash == std::string::npos ? std::make_pair(default_ns, t) : std::make_pair(t.substr(0, slash), t.substr(slash + 1));
  };
  auto [from_ns, from_name] = split(vm["from"].as<std::string>());
  const auto* src = inv.find_pod(from_ns, from_name);
  if (!src) {
    err << "packetwalk explain: no pod \"" << from_name << "\" in namespace \"" << from_ns << "\"\n";
    return kBadInput;
  }
  auto [to_ns, to_name] = split(vm["to"].as<std::string>());
  std::vector<Backend> backends;
  std::string via;
  if (const auto* pod = inv.find_pod(to_ns, to_name)) {
    backends.push_back({pod, port->port});
  } else if (const auto* svc = c.services().find(to_ns, to_name)) {
    const model::kube::ServicePortInfo* sp = nullptr;
    std::string have;
    for (const auto& p : svc->ports) {
      have += (have.empty() ? "" : ", ") + proto_port(p.protocol, p.port);
      if (p.port == port->port && p.protocol == port->protocol) sp = &p;
    }
    if (!sp) {
      err << "packetwalk explain: Service " << to_ns << "/" << to_name << " has no port " << port->to_string()
          << " (ports: " << have << "); kube-proxy translates only the ports a Service declares\n";
      return kBadInput;
    }
    via = "Service " + to_ns + "/" + to_name + " port " + port->to_string();
    for (const auto& ep : sp->endpoints) {
      for (const auto& p : inv.pods) {
        if (p.ip == ep.ip && !p.host_network) backends.push_back({&p, static_cast<model::net::Port>(ep.port)});
      }
    }
    if (backends.empty()) {
      out << "Service " << to_ns << "/" << to_name << " has no endpoints on " << port->to_string()
          << ": kube-proxy rejects the connection before any NetworkPolicy is consulted\n";
      return kOk;
    }
  } else {
    err << "packetwalk explain: no pod or Service \"" << to_name << "\" in namespace \"" << to_ns << "\"\n";
    return kBadInput;
  }

  const auto& policies = c.scenario().manifests.network_policies;
  policy::PolicyIndex index(policies, inv, &c.scenario().manifests.admin_policies, policy::cni_semantics(c.spec().cni));
  const bool enforced = model::query::cni_enforces_policy(c.spec().cni);
  for (const auto& b : backends) {
    policy::Connection conn;
    conn.dst = model::query::destination_endpoint(*b.pod, inv);
    conn.src = model::query::source_endpoint(c, *src, conn.dst.ip);
    conn.protocol = port->protocol;
    conn.port = b.port;
    conn.via_service = !via.empty();
    auto e = policy::evaluate(index, conn);
    out << "Connection  " << conn.src.label() << " -> " << conn.dst.label() << " " << proto_port(conn.protocol, conn.port)
        << " (" << conn.dst.ip.to_string() << ")\n";
    if (!via.empty()) out << "            via " << via << ", which kube-proxy DNATs to this pod; policy sees the pod and its port\n";
    auto cni_drop = model::query::cni_drop_reason(c.spec().cni, conn.src, conn.protocol, conn.port);
    if (!enforced) {
      out << "Verdict     ALLOWED: CNI " << c.spec().cni << " does not enforce NetworkPolicy\n"
          << "            the policies, were they enforced (e.g. --cni calico), would " << (e.allowed ? "allow" : "deny")
          << " it: " << without_verdict(e.reason()) << "\n";
    } else if (!cni_drop.empty()) {
      out << "Verdict     DENIED: " << cni_drop.substr(8) << "\n";
    } else {
      out << "Verdict     " << (e.allowed ? "ALLOWED" : "DENIED") << ": " << e.reason().substr(e.allowed ? 9 : 8) << "\n";
    }
    if (!e.exempt_reason.empty()) {
      out << "\n";
      continue;
    }
    if (c.spec().cni == "cilium" && !c.scenario().manifests.admin_policies.empty())
      out << "            cni cilium " << model::cni::kCiliumVersion << " does not enforce AdminNetworkPolicy, "
          << "BaselineAdminNetworkPolicy or ClusterNetworkPolicy: the " << c.scenario().manifests.admin_policies.size()
          << " such object(s) have no effect here\n";
    print_side(out, e.egress, conn.src, c.spec().cni);
    print_side(out, e.ingress, conn.dst, c.spec().cni);
    if (!e.allowed) {
      print_suggestions(out, policy::suggest_fixes(policies, inv, conn, e, 3, policy::cni_semantics(c.spec().cni),
                                                   &c.scenario().manifests.admin_policies),
                        e);
    }
    out << "\n";
  }
  return kOk;
}

}  // namespace packetwalk::ui::cli
