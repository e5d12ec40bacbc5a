// Grouped reach (reach_groups.h): atoms, profiles, classes, then bitset arithmetic per pair.
#include "packetwalk/model/query/reach_groups.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <set>
#include <thread>
#include <unordered_map>

#include "packetwalk/model/policy/admin.h"
#include "packetwalk/model/policy/footprint.h"

namespace packetwalk::model::query {

namespace {

using policy::Direction;

class Bits {
public:
  Bits() = default;
  explicit Bits(std::size_t n, bool all = false) : n_(n), w_((n + 63) / 64, all ? ~std::uint64_t{0} : 0) {
    if (all && n % 64) w_.back() = (std::uint64_t{1} << (n % 64)) - 1;
  }
  void set(std::size_t i) { w_[i / 64] |= std::uint64_t{1} << (i % 64); }
  bool test(std::size_t i) const { return (w_[i / 64] >> (i % 64)) & 1; }
  std::size_t size() const { return n_; }
  bool none() const {
    for (auto x : w_)
      if (x) return false;
    return true;
  }
  // First set bit, or n.
  std::size_t first() const {
    for (std::size_t i = 0; i < w_.size(); ++i)
      if (w_[i]) return i * 64 + static_cast<std::size_t>(__builtin_ctzll(w_[i]));
    return n_;
  }
  Bits operator&(const Bits& o) const {
    Bits r = *this;
    for (std::size_t i = 0; i < w_.size(); ++i) r.w_[i] &= o.w_[i];
    return r;
  }
  Bits minus(const Bits& o) const {
    Bits r = *this;
    for (std::size_t i = 0; i < w_.size(); ++i) r.w_[i] &= ~o.w_[i];
    return r;
  }
  Bits& operator|=(const Bits& o) {
    for (std::size_t i = 0; i < w_.size(); ++i) w_[i] |= o.w_[i];
    return *this;
  }
  template <class F>
  void each(F f) const {
    for (std::size_t i = 0; i < w_.size(); ++i)
      for (auto x = w_[i]; x; x &= x - 1) f(i * 64 + static_cast<std::size_t>(__builtin_ctzll(x)));
  }

private:
  std::size_t n_ = 0;
  std::vector<std::uint64_t> w_;
};

struct Atom {
  std::size_t ns = 0;         // index into namespaces
  std::size_t rep = 0;        // index into pods
  std::uint64_t weight = 0;   // pods in it
  std::size_t port_sig = 0;   // which container-port list
  std::vector<std::size_t> ports;  // indices into the port universe, checked towards it
  std::size_t in_profile = 0, eg_profile = 0;
};

struct Profile {
  bool open = true;                // nothing selects the subject: every counterpart allowed
  std::size_t rep_atom = 0;        // a subject of this profile
  std::vector<Bits> allowed;       // per port index (empty Bits: not computed)
};

std::string port_signature(const kube::PodInfo& p) {
  std::vector<std::string> items;
  for (const auto& c : p.containers)
    for (const auto& port : c.ports)
      items.push_back(port.name + ":" + std::to_string(port.container_port) + "/" + std::string(net::kube_name(port.protocol)));
  std::sort(items.begin(), items.end());
  std::string out;
  for (const auto& i : items) out += i + ",";
  return out;
}

std::vector<ReachPort> ports_for(const kube::PodInfo& dst, const ReachOptions& options) {
  auto ports = options.ports.empty() ? declared_ports(dst) : options.ports;
  auto extra = options.extra_ports.find(dst.namespace_ + "/" + dst.name);
  if (extra != options.extra_ports.end()) ports.insert(ports.end(), extra->second.begin(), extra->second.end());
  std::sort(ports.begin(), ports.end());
  ports.erase(std::unique(ports.begin(), ports.end()), ports.end());
  return ports;
}

}  // namespace

struct GroupedReach::Impl {
  ReachInputs in;
  ReachOptions options;
  std::unique_ptr<policy::PolicyIndex> index;
  policy::Footprint fp;
  std::vector<const kube::PodInfo*> pods;
  std::vector<std::string> namespaces;
  std::vector<std::size_t> pod_ns;
  std::vector<ReachPort> ports;
  std::vector<long> atom_of;  // per pod; -1: hostNetwork
  std::vector<Atom> atoms;
  std::vector<std::pair<std::size_t, std::size_t>> ns_atoms;  // per namespace: [first, last) atoms
  std::vector<Profile> profiles[2];                          // [Ingress, Egress]
  std::vector<bool> dropped;                                 // per port: the CNI drops it from workloads
  bool enforced = false;
  std::size_t port_sigs = 0;  // distinct container-port lists among atoms
  std::size_t evaluations = 0;
  std::map<std::string, Bits> peer_cache;

  std::size_t port_index(const ReachPort& p) const {
    return static_cast<std::size_t>(std::lower_bound(ports.begin(), ports.end(), p) - ports.begin());
  }
  policy::Endpoint endpoint(std::size_t atom) const {
    const auto* p = pods[atoms[atom].rep];
    return {p, p->ip, p->node};
  }

  void build_atoms();
  Bits np_peer(const kube::NetworkPolicyPeer& peer, const std::string& policy_ns);
  Bits admin_peer(const kube::AdminPeer& peer, const kube::AdminRule& rule);
  void build_profiles(Direction d, const ReachProgress& progress);
  bool judge(std::size_t src_atom, std::size_t dst_atom, std::size_t port) const;
};

void GroupedReach::Impl::build_atoms() {
  std::unordered_map<std::string, std::size_t> by_key, sigs;
  std::map<std::string, std::size_t> ns_index;
  std::set<ReachPort> universe;
  for (std::size_t i = 0; i < pods.size(); ++i) {
    const auto& p = *pods[i];
    auto [nit, fresh] = ns_index.emplace(p.namespace_, namespaces.size());
    if (fresh) namespaces.push_back(p.namespace_);
    pod_ns.push_back(nit->second);
    const auto towards = ports_for(p, options);
    universe.insert(towards.begin(), towards.end());
    if (p.host_network) {
      atom_of.push_back(-1);
      continue;
    }
    const std::string psig = port_signature(p);
    std::string extra;
    if (auto e = options.extra_ports.find(p.namespace_ + "/" + p.name); e != options.extra_ports.end())
      for (const auto& x : e->second) extra += x.to_string() + ",";
    std::string key = p.namespace_ + '\x1f' + policy::projected_labels(fp, p.labels) + '\x1f' + psig + '\x1f' +
                      std::to_string(policy::address_interval(fp, p.ip)) + '\x1f' + extra;
    auto [it, added] = by_key.emplace(std::move(key), atoms.size());
    if (added) {
      Atom a;
      a.ns = nit->second;
      a.rep = i;
      a.port_sig = sigs.emplace(psig, sigs.size()).first->second;
      atoms.push_back(a);
    }
    atoms[it->second].weight++;
    atom_of.push_back(static_cast<long>(it->second));
  }
  ports.assign(universe.begin(), universe.end());
  port_sigs = sigs.size();
  for (auto& a : atoms)
    for (const auto& p : ports_for(*pods[a.rep], options)) a.ports.push_back(port_index(p));
  // Pods come in (namespace, name) order, so each namespace's atoms are contiguous.
  ns_atoms.assign(namespaces.size(), {0, 0});
  for (std::size_t i = atoms.size(); i-- > 0;) ns_atoms[atoms[i].ns].first = i;
  for (std::size_t i = 0; i < atoms.size(); ++i) ns_atoms[atoms[i].ns].second = i + 1;
}

// A NetworkPolicy peer entry over atoms, by match.h's rules: an ipBlock compares the address; a
// namespaceSelector the namespace's labels (else the policy's own namespace); a podSelector the
// labels. Checked against match_peer by reach_groups_test.
Bits GroupedReach::Impl::np_peer(const kube::NetworkPolicyPeer& peer, const std::string& policy_ns) {
  std::string key = peer.namespace_selector ? "N" + peer.namespace_selector->to_string() : "P" + policy_ns;
  key += peer.pod_selector ? "|S" + peer.pod_selector->to_string() : std::string("|-");
  if (peer.ip_block) {
    key = "I" + peer.ip_block->cidr;
    for (const auto& e : peer.ip_block->except) key += "," + e;
  }
  if (auto it = peer_cache.find(key); it != peer_cache.end()) return it->second;
  Bits b(atoms.size());
  if (peer.ip_block) {
    if (auto r = policy::parse_ip_block(*peer.ip_block)) {
      for (std::size_t a = 0; a < atoms.size(); ++a) {
        const auto ip = pods[atoms[a].rep]->ip;
        if (!r->cidr.contains(ip)) continue;
        if (std::any_of(r->except.begin(), r->except.end(), [&](const net::Cidr& c) { return c.contains(ip); })) continue;
        b.set(a);
      }
    }
  } else {
    for (std::size_t n = 0; n < namespaces.size(); ++n) {
      if (peer.namespace_selector ? !peer.namespace_selector->matches(index->namespace_labels(namespaces[n]))
                                  : namespaces[n] != policy_ns)
        continue;
      for (std::size_t a = ns_atoms[n].first; a < ns_atoms[n].second; ++a)
        if (!peer.pod_selector || peer.pod_selector->matches(pods[atoms[a].rep]->labels)) b.set(a);
    }
  }
  return peer_cache.emplace(std::move(key), std::move(b)).first->second;
}

// Admin peers are few (cluster-scoped policies): ask the evaluator's own matcher for every atom.
Bits GroupedReach::Impl::admin_peer(const kube::AdminPeer& peer, const kube::AdminRule& rule) {
  Bits b(atoms.size());
  for (std::size_t a = 0; a < atoms.size(); ++a)
    if (policy::match_admin_peer(peer, rule, endpoint(a), *index).matched) b.set(a);
  return b;
}

void GroupedReach::Impl::build_profiles(Direction d, const ReachProgress& progress) {
  const bool ingress = d == Direction::Ingress;
  const auto& all = index->all();
  std::map<std::string, std::size_t> keys;
  auto& out = profiles[ingress ? 0 : 1];
  struct Subject {
    std::vector<const kube::NetworkPolicy*> np;
    std::vector<const kube::AdminNetworkPolicy*> admin;
  };
  std::vector<Subject> subjects;
  for (std::size_t a = 0; a < atoms.size(); ++a) {
    const auto& pod = *pods[atoms[a].rep];
    Subject s;
    // index.all() is sorted by (namespace, name): the pod's namespace is one run of it.
    auto lo = std::lower_bound(all.begin(), all.end(), pod.namespace_,
                               [](const kube::NetworkPolicy* p, const std::string& ns) { return p->meta.namespace_ < ns; });
    for (auto it = lo; it != all.end() && (*it)->meta.namespace_ == pod.namespace_; ++it)
      if (policy::has_direction(**it, d) && policy::policy_selects(**it, pod)) s.np.push_back(*it);
    for (const auto* p : index->admin())
      if (!policy::admin_rules(*p, d).empty() && policy::admin_selects(*p, pod, *index)) s.admin.push_back(p);
    std::string key;
    for (const auto* p : s.np) key += std::to_string(reinterpret_cast<std::uintptr_t>(p)) + ",";
    key += "|";
    for (const auto* p : s.admin) key += std::to_string(reinterpret_cast<std::uintptr_t>(p)) + ",";
    if (ingress) key += "|" + std::to_string(atoms[a].port_sig);
    auto [it, added] = keys.emplace(key, out.size());
    if (added) {
      Profile pr;
      pr.rep_atom = a;
      pr.open = s.np.empty() && s.admin.empty();
      out.push_back(std::move(pr));
      subjects.push_back(std::move(s));
    }
    (ingress ? atoms[a].in_profile : atoms[a].eg_profile) = it->second;
  }

  // Per port: the atoms towards which some egress subject checks it (any atom for ingress: the subject's own).
  for (std::size_t pi = 0; pi < out.size(); ++pi) {
    if (progress) progress(pi, out.size());
    auto& pr = out[pi];
    if (pr.open) continue;
    const auto& s = subjects[pi];
    std::vector<Bits> classes{Bits(atoms.size(), true)};
    auto refine = [&](const Bits& by) {
      std::vector<Bits> next;
      for (const auto& c : classes) {
        Bits in = c & by, outside = c.minus(by);
        if (!in.none()) next.push_back(std::move(in));
        if (!outside.none()) next.push_back(std::move(outside));
      }
      classes.swap(next);
    };
    bool named = false;
    for (const auto* p : s.np) {
      for (const auto& rule : policy::rules_of(*p, d)) {
        if (rule.peers)
          for (const auto& peer : *rule.peers) refine(np_peer(peer, p->meta.namespace_));
        if (rule.ports)
          for (const auto& port : *rule.ports) named |= port.port && port.port->is_string;
      }
    }
    for (const auto* p : s.admin) {
      for (const auto& rule : policy::admin_rules(*p, d)) {
        for (const auto& peer : rule.peers) refine(admin_peer(peer, rule));
        if (rule.ports)
          for (const auto& port : *rule.ports) named |= !port.named_port.empty();
      }
    }
    if (!ingress && named) {
      // Named ports resolve against the destination: keep destinations with other port lists apart.
      std::vector<Bits> next;
      for (const auto& c : classes) {
        std::map<std::size_t, Bits> by_sig;
        c.each([&](std::size_t a) {
          auto [it, fresh] = by_sig.try_emplace(atoms[a].port_sig, atoms.size());
          it->second.set(a);
        });
        for (auto& [sig, b] : by_sig) next.push_back(std::move(b));
      }
      classes.swap(next);
    }
    pr.allowed.assign(ports.size(), Bits());
    const auto subject = endpoint(pr.rep_atom);
    for (const auto& c : classes) {
      const std::size_t rep = c.first();
      std::set<std::size_t> port_set;
      if (ingress) {
        port_set.insert(atoms[pr.rep_atom].ports.begin(), atoms[pr.rep_atom].ports.end());
      } else {
        // Atoms with one port list check the same ports: look at each list once.
        std::vector<char> seen(port_sigs, 0);
        c.each([&](std::size_t a) {
          if (seen[atoms[a].port_sig]) return;
          seen[atoms[a].port_sig] = 1;
          port_set.insert(atoms[a].ports.begin(), atoms[a].ports.end());
        });
      }
      for (auto port : port_set) {
        policy::Connection conn;
        conn.src = ingress ? endpoint(rep) : subject;
        conn.dst = ingress ? subject : endpoint(rep);
        conn.protocol = ports[port].protocol;
        conn.port = ports[port].port;
        ++evaluations;
        if (!policy::evaluate_side(*index, conn, d).allowed) continue;
        auto& bits = pr.allowed[port];
        if (!bits.size()) bits = Bits(atoms.size());
        bits |= c;
      }
    }
  }
}

bool GroupedReach::Impl::judge(std::size_t s, std::size_t d, std::size_t port) const {
  const auto& in = profiles[0][atoms[d].in_profile];
  const auto& eg = profiles[1][atoms[s].eg_profile];
  auto ok = [&](const Profile& p, std::size_t who) {
    if (p.open) return true;
    const auto& b = p.allowed[port];
    return b.size() > 0 && b.test(who);
  };
  return ok(in, s) && ok(eg, d);
}

GroupedReach::GroupedReach(const ReachInputs& inputs, const ReachOptions& options, const ReachProgress& progress)
    : impl_(std::make_unique<Impl>()) {
  auto& m = *impl_;
  m.in = inputs;
  m.options = options;
  m.index = std::make_unique<policy::PolicyIndex>(*inputs.policies, *inputs.inventory, inputs.admin,
                                                 policy::cni_semantics(inputs.cni));
  m.fp = policy::footprint(*m.index);
  m.pods = reach_pods(*inputs.inventory, options);
  m.build_atoms();
  m.enforced = cni_enforces_policy(inputs.cni);
  for (const auto& p : m.ports) {
    policy::Endpoint workload;
    kube::PodInfo probe;
    workload.pod = &probe;
    m.dropped.push_back(!cni_drop_reason(inputs.cni, workload, p.protocol, p.port).empty());
  }
  if (m.enforced) {
    m.build_profiles(Direction::Ingress, progress);
    m.build_profiles(Direction::Egress, progress);
  }
}

GroupedReach::~GroupedReach() = default;

const std::vector<const kube::PodInfo*>& GroupedReach::pods() const { return impl_->pods; }
const std::vector<ReachPort>& GroupedReach::ports() const { return impl_->ports; }
std::size_t GroupedReach::atoms() const { return impl_->atoms.size(); }
std::vector<ReachPort> GroupedReach::ports_towards(std::size_t dst) const { return ports_for(*impl_->pods[dst], impl_->options); }

bool GroupedReach::allowed(std::size_t src, std::size_t dst, const ReachPort& port) const {
  const auto& m = *impl_;
  const auto pi = m.port_index(port);
  const long sa = m.atom_of[src], da = m.atom_of[dst];
  if (sa < 0 || da < 0 || src == dst || pi >= m.ports.size() || !(m.ports[pi] == port))
    return pair_allowed(m.in, *m.index, *m.pods[src], *m.pods[dst], port);
  if (m.dropped[pi]) return false;
  if (!m.enforced) return true;
  return m.judge(static_cast<std::size_t>(sa), static_cast<std::size_t>(da), pi);
}

ReachSummary GroupedReach::summarize(unsigned threads, const ReachProgress& progress) const {
  const auto& m = *impl_;
  ReachSummary s;
  s.cni = m.in.cni;
  s.enforced = m.enforced;
  s.ports = m.ports;
  s.pods = m.pods.size();
  s.atoms = m.atoms.size();
  s.ingress_profiles = m.profiles[0].size();
  s.egress_profiles = m.profiles[1].size();
  s.evaluations = m.evaluations;
  const std::size_t nns = m.namespaces.size(), np = m.ports.size();
  // Counts keyed by (from ns, to ns, port), accumulated per source namespace row.
  using Counts = std::map<std::tuple<std::size_t, std::size_t, std::size_t>, std::pair<std::uint64_t, std::uint64_t>>;

  auto flush = [&](std::vector<std::pair<std::uint64_t, std::uint64_t>>& row, std::size_t from, Counts& into) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (!row[i].first && !row[i].second) continue;
      auto& c = into[{from, i / np, i % np}];
      c.first += row[i].first;
      c.second += row[i].second;
      row[i] = {0, 0};
    }
  };
  std::atomic<std::uint64_t> done{0};
  const std::uint64_t total = m.atoms.size();
  auto work = [&](std::size_t begin, std::size_t end, Counts& into, bool report) {
    std::vector<std::pair<std::uint64_t, std::uint64_t>> row(nns * np);
    std::size_t row_ns = begin < end ? m.atoms[begin].ns : 0;
    for (std::size_t sa = begin; sa < end; ++sa) {
      const auto& src = m.atoms[sa];
      if (src.ns != row_ns) {
        flush(row, row_ns, into);
        row_ns = src.ns;
      }
      for (std::size_t da = 0; da < m.atoms.size(); ++da) {
        const auto& dst = m.atoms[da];
        const std::uint64_t pairs = src.weight * dst.weight, self = sa == da ? src.weight : 0;
        for (auto pi : dst.ports) {
          auto& cell = row[dst.ns * np + pi];
          if (m.dropped[pi]) {
            cell.second += pairs;
          } else if (!m.enforced || m.judge(sa, da, pi)) {
            cell.first += pairs;
          } else {
            cell.second += pairs - self;  // a pod reaching itself is always delivered
            cell.first += self;
          }
        }
      }
      ++done;
      if (report && progress) progress(done.load(), total);
    }
    flush(row, row_ns, into);
  };
  Counts merged;
  threads = std::max(1u, threads);
  std::vector<Counts> parts(threads);
  std::vector<std::thread> workers;
  const std::size_t chunk = (m.atoms.size() + threads - 1) / threads;
  for (unsigned t = 1; t < threads; ++t) {
    const std::size_t b = std::min(m.atoms.size(), chunk * t), e = std::min(m.atoms.size(), chunk * (t + 1));
    workers.emplace_back(work, b, e, std::ref(parts[t]), false);
  }
  work(0, std::min(m.atoms.size(), chunk), parts[0], true);
  for (auto& w : workers) w.join();
  for (auto& part : parts)
    for (auto& [k, v] : part) {
      auto& c = merged[k];
      c.first += v.first;
      c.second += v.second;
    }
  // hostNetwork pods: pair by pair, as compute_reach judges them.
  for (std::size_t i = 0; i < m.pods.size(); ++i) {
    if (m.atom_of[i] >= 0) continue;
    ++s.host_network_pods;
    for (std::size_t j = 0; j < m.pods.size(); ++j) {
      for (int dir = 0; dir < 2; ++dir) {
        const std::size_t from = dir ? j : i, to = dir ? i : j;
        if (dir && m.atom_of[j] < 0) continue;  // both hostNetwork: counted once, from i's side
        for (const auto& port : ports_for(*m.pods[to], m.options)) {
          ++s.evaluations;
          const bool ok = pair_allowed(m.in, *m.index, *m.pods[from], *m.pods[to], port);
          auto& c = merged[{m.pod_ns[from], m.pod_ns[to], m.port_index(port)}];
          (ok ? c.first : c.second) += 1;
        }
      }
    }
  }
  for (const auto& [k, v] : merged) {
    ReachNamespaceCount c;
    c.from = m.namespaces[std::get<0>(k)];
    c.to = m.namespaces[std::get<1>(k)];
    c.port = m.ports[std::get<2>(k)];
    c.allowed = v.first;
    c.denied = v.second;
    s.allowed += c.allowed;
    s.denied += c.denied;
    s.namespaces.push_back(std::move(c));
  }
  std::sort(s.namespaces.begin(), s.namespaces.end(), [](const auto& a, const auto& b) {
    return std::tie(a.from, a.to, a.port) < std::tie(b.from, b.to, b.port);
  });
  return s;
}

}  // namespace packetwalk::model::query
