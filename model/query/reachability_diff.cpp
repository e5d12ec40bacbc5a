#include "packetwalk/model/query/reachability_diff.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

namespace packetwalk::model::query {

namespace {

std::string name_of(const kube::PodInfo& p) { return p.namespace_ + "/" + p.name; }

// The pods compute_reach lists for `options` (same scope, placed pods only).
std::vector<const kube::PodInfo*> scoped_pods(const cluster::Cluster& c, const ReachOptions& options) {
  std::vector<const kube::PodInfo*> out;
  for (const auto& p : c.inventory().pods) {
    const bool in = !options.namespace_.empty() ? p.namespace_ == options.namespace_
                                                : options.all_namespaces || p.namespace_ != "kube-system";
    if (in && c.pod_netns(p.namespace_, p.name)) out.push_back(&p);
  }
  return out;
}

// Namespace and owner of a controller-made pod, without the pod-template-hash a ReplicaSet's name
// carries (Deployment "web" -> ReplicaSet "web-5d8f7c9b6" -> pods "web-5d8f7c9b6-xxxxx"). Empty
// for bare pods: they are paired by name only.
std::string owner_key(const kube::PodInfo& p) {
  if (p.owner_kind.empty()) return {};
  std::string owner = p.owner_name;
  auto hash = p.labels.find("pod-template-hash");
  if (hash != p.labels.end() && owner.size() > hash->second.size() + 1 &&
      owner.compare(owner.size() - hash->second.size() - 1, std::string::npos, "-" + hash->second) == 0)
    owner.resize(owner.size() - hash->second.size() - 1);
  return p.namespace_ + "|" + p.owner_kind + "|" + owner;
}

// Both versions' pods under one name each: the old name for a replaced pod.
struct PodMatch {
  std::map<std::string, const kube::PodInfo*> before, after;  // canonical name -> pod
  std::map<std::string, std::string> canonical_after;         // new name -> canonical
  std::map<std::string, std::string> display;                 // canonical -> name shown (the new one)
};

PodMatch match_pods(const std::vector<const kube::PodInfo*>& before, const std::vector<const kube::PodInfo*>& after,
                    ReachDiff& diff) {
  PodMatch m;
  std::map<std::string, const kube::PodInfo*> b, a;
  for (const auto* p : before) b[name_of(*p)] = p;
  for (const auto* p : after) a[name_of(*p)] = p;
  std::map<std::string, std::vector<std::string>> gone, born;  // owner key -> names, sorted
  for (const auto& [n, p] : b)
    if (!a.count(n)) gone[owner_key(*p)].push_back(n);
  for (const auto& [n, p] : a)
    if (!b.count(n)) born[owner_key(*p)].push_back(n);
  for (const auto& [n, p] : b) {
    m.before[n] = p;
    m.display[n] = n;
  }
  for (const auto& [n, p] : a) m.canonical_after[n] = n;
  for (auto& [key, olds] : gone) {
    auto news = born.find(key);
    const std::size_t paired = key.empty() || news == born.end() ? 0 : std::min(olds.size(), news->second.size());
    for (std::size_t i = 0; i < olds.size(); ++i) {
      if (i < paired) {
        m.canonical_after[news->second[i]] = olds[i];
        m.display[olds[i]] = news->second[i];
        diff.pods_replaced.push_back({olds[i], news->second[i]});
      } else {
        diff.pods_removed.push_back(olds[i]);
      }
    }
    if (news != born.end()) {
      for (std::size_t i = paired; i < news->second.size(); ++i) diff.pods_added.push_back(news->second[i]);
      born.erase(news);
    }
  }
  for (const auto& [key, news] : born) diff.pods_added.insert(diff.pods_added.end(), news.begin(), news.end());
  std::sort(diff.pods_added.begin(), diff.pods_added.end());
  std::sort(diff.pods_removed.begin(), diff.pods_removed.end());
  for (const auto& [n, p] : a) {
    const auto& canon = m.canonical_after[n];
    m.after[canon] = p;
    if (!m.display.count(canon)) m.display[canon] = n;
  }
  return m;
}

// Per destination of one version: the ports its counterpart declares, and the user's.
std::map<std::string, std::vector<ReachPort>> extra_ports(const std::map<std::string, const kube::PodInfo*>& mine,
                                                          const std::map<std::string, const kube::PodInfo*>& other,
                                                          const std::vector<ReachPort>& given) {
  std::map<std::string, std::vector<ReachPort>> out;
  for (const auto& [canon, pod] : mine) {
    std::set<ReachPort> ports(given.begin(), given.end());
    if (auto it = other.find(canon); it != other.end()) {
      for (const auto& p : declared_ports(*it->second)) ports.insert(p);
    }
    if (!ports.empty()) out[name_of(*pod)] = {ports.begin(), ports.end()};
  }
  return out;
}

using PodKey = std::tuple<std::string, std::string, ReachPort>;                            // from, to, port
using SvcKey = std::tuple<std::string, ReachPort, std::string, std::string>;               // service, port, from, backend

FlowSide side_of(const ReachCell& c) { return {true, c.allowed, c.listening, c.reason, {}}; }
FlowSide side_of(const ServiceReachCell& c) { return {true, c.allowed, c.listening, c.reason, c.target}; }
FlowSide absent_side(std::string why) { return {false, false, false, std::move(why), {}}; }

}  // namespace

std::size_t ReachDiff::opened() const {
  return static_cast<std::size_t>(std::count_if(changes.begin(), changes.end(), [](const FlowChange& c) { return c.opened; }));
}
std::size_t ReachDiff::closed() const { return changes.size() - opened(); }

ReachDiff compute_reach_diff(const cluster::Cluster& before, const cluster::Cluster& after, const DiffOptions& options) {
  ReachDiff diff;
  diff.cni_before = before.spec().cni;
  diff.cni_after = after.spec().cni;
  diff.enforced_before = cni_enforces_policy(diff.cni_before);
  diff.enforced_after = cni_enforces_policy(diff.cni_after);
  const auto match = match_pods(scoped_pods(before, options.reach), scoped_pods(after, options.reach), diff);
  auto canon = [&](const std::map<std::string, std::string>* rename, const std::string& n) {
    if (!rename) return n;
    auto it = rename->find(n);
    return it == rename->end() ? n : it->second;
  };
  auto shown = [&](const std::string& canonical) {
    auto it = match.display.find(canonical);
    return it == match.display.end() ? canonical : it->second;
  };

  ReachOptions ob = options.reach, oa = options.reach;
  ob.ports.clear();
  oa.ports.clear();
  ob.extra_ports = extra_ports(match.before, match.after, options.reach.ports);
  oa.extra_ports = extra_ports(match.after, match.before, options.reach.ports);
  // Progress (the CLI's bar) counts source pods over both versions, then one step per version's
  // Service flows: each compute_reach counts its own sources from 0, so they are offset here.
  const std::uint64_t total = match.before.size() + match.after.size() + (options.services ? 2 : 0);
  std::uint64_t offset = 0;
  auto report = [&](std::uint64_t done) {
    if (options.reach.progress) options.reach.progress(offset + done, total);
  };
  if (options.reach.progress) ob.progress = oa.progress = [&](std::uint64_t done, std::uint64_t) { report(done); };
  const auto mb = compute_reach(before, ob);
  offset = match.before.size();
  const auto ma = compute_reach(after, oa);
  offset += match.after.size();
  report(0);
  std::set<ReachPort> ports(mb.ports.begin(), mb.ports.end());
  ports.insert(ma.ports.begin(), ma.ports.end());
  diff.ports.assign(ports.begin(), ports.end());

  // Pod to pod.
  std::map<PodKey, std::pair<const ReachCell*, const ReachCell*>> flows;
  for (const auto& c : mb.results) flows[{c.from, c.to, c.port}].first = &c;
  for (const auto& c : ma.results) flows[{canon(&match.canonical_after, c.from), canon(&match.canonical_after, c.to), c.port}].second = &c;
  auto missing = [&](const std::map<std::string, const kube::PodInfo*>& pods, const std::string& from, const std::string& to) {
    const std::string& gone = pods.count(from) ? to : from;
    return "pod " + shown(gone) + " is not in this version";
  };
  for (const auto& [key, cells] : flows) {
    ++diff.flows_compared;
    const auto& [from, to, port] = key;
    const bool was = cells.first && cells.first->allowed, is = cells.second && cells.second->allowed;
    if (was == is) continue;
    FlowChange ch;
    ch.opened = is;
    ch.from = shown(from);
    ch.to = shown(to);
    ch.port = port;
    ch.before = cells.first ? side_of(*cells.first) : absent_side(missing(match.before, from, to));
    ch.after = cells.second ? side_of(*cells.second) : absent_side(missing(match.after, from, to));
    diff.changes.push_back(std::move(ch));
  }

  if (options.services) {
    const auto sb = compute_service_reach(before, options.reach);
    report(1);
    const auto sa = compute_service_reach(after, options.reach);
    report(2);
    std::map<SvcKey, std::pair<const ServiceReachCell*, const ServiceReachCell*>> sflows;
    std::set<std::string> svc_b, svc_a;
    std::set<std::pair<std::string, ReachPort>> sport_b, sport_a;
    std::map<std::tuple<std::string, ReachPort, std::string>, const ServiceReachCell*> none_b, none_a;  // "no backend" cells
    for (const auto& c : sb) {
      sflows[{c.service, c.port, c.from, c.backend}].first = &c;
      svc_b.insert(c.service);
      sport_b.insert({c.service, c.port});
      if (c.backend.empty()) none_b[{c.service, c.port, c.from}] = &c;
    }
    for (const auto& c : sa) {
      const auto from = canon(&match.canonical_after, c.from);
      const auto backend = c.backend.empty() ? c.backend : canon(&match.canonical_after, c.backend);
      sflows[{c.service, c.port, from, backend}].second = &c;
      svc_a.insert(c.service);
      sport_a.insert({c.service, c.port});
      if (c.backend.empty()) none_a[{c.service, c.port, from}] = &c;
    }
    std::set_difference(svc_a.begin(), svc_a.end(), svc_b.begin(), svc_b.end(), std::back_inserter(diff.services_added));
    std::set_difference(svc_b.begin(), svc_b.end(), svc_a.begin(), svc_a.end(), std::back_inserter(diff.services_removed));
    // Why a Service flow does not exist in one version, most telling first.
    auto absent = [&](const std::set<std::string>& svcs, const std::set<std::pair<std::string, ReachPort>>& sports,
                      const std::map<std::string, const kube::PodInfo*>& pods, const auto& none, const SvcKey& k) {
      const auto& [service, port, from, backend] = k;
      if (!svcs.count(service)) return "Service " + service + " is not in this version";
      if (!sports.count({service, port})) return "Service " + service + " has no port " + port.to_string();
      if (!pods.count(from)) return "pod " + shown(from) + " is not in this version";
      if (auto it = none.find(std::make_tuple(service, port, from)); it != none.end()) return it->second->reason;
      if (backend.empty()) return std::string("the Service has endpoints for this port");
      return "pod " + shown(backend) + " is not a ready endpoint of Service " + service + " " + port.to_string();
    };
    for (const auto& [key, cells] : sflows) {
      ++diff.flows_compared;
      const bool was = cells.first && cells.first->allowed, is = cells.second && cells.second->allowed;
      if (was == is) continue;
      const auto& [service, port, from, backend] = key;
      FlowChange ch;
      ch.opened = is;
      ch.from = shown(from);
      ch.to = backend.empty() ? backend : shown(backend);
      ch.service = service;
      ch.port = port;
      ch.before = cells.first ? side_of(*cells.first) : absent_side(absent(svc_b, sport_b, match.before, none_b, key));
      ch.after = cells.second ? side_of(*cells.second) : absent_side(absent(svc_a, sport_a, match.after, none_a, key));
      diff.changes.push_back(std::move(ch));
    }
  }

  std::stable_sort(diff.changes.begin(), diff.changes.end(), [](const FlowChange& x, const FlowChange& y) {
    auto key = [](const FlowChange& c) {
      return std::make_tuple(!c.service.empty(), c.service.empty() ? c.to : c.service, c.from, c.port, c.to);
    };
    return key(x) < key(y);
  });
  return diff;
}

}  // namespace packetwalk::model::query
