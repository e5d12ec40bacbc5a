// The kubernetes plugin's answers: plugin/kubernetes/handler.go (which lookup per type, NXDOMAIN vs
// NODATA, fallthrough) and the record builders of plugin/backend_lookup.go (A/AAAA with CNAME
// chasing, SRV weights and additional addresses, PTR), plus reverse.go.
#include <algorithm>
#include <cmath>
#include <set>

#include "kubernetes_parts.h"

namespace packetwalk::model::dns {

std::vector<ResourceRecord> KubernetesPlugin::address_records(const Question& q, const std::string& zone,
                                                              net::Ipv4Address local_ip, const UpstreamLookup& upstream,
                                                              std::vector<ResourceRecord> previous, Err& err) const {
  std::vector<Entry> entries;
  err = services(q, zone, local_ip, entries);
  if (err != Err::None) return {};
  std::vector<ResourceRecord> out;
  std::set<std::string> seen;
  for (const auto& e : entries) {
    if (!e.is_address) {
      if (names_equal(q.name, e.host)) continue;  // x CNAME x: a direct loop
      auto cname = ResourceRecord::make_name(rr::CNAME, q.name, e.ttl, e.host);
      if (previous.size() > 7) continue;  // CoreDNS stops chasing after 8 CNAMEs
      bool dup = std::any_of(previous.begin(), previous.end(), [&](const ResourceRecord& p) {
        return names_equal(p.name, cname.name) && names_equal(p.target, cname.target);
      });
      if (dup) continue;
      if (in_zone(e.host, zone)) {
        auto chain = previous;
        chain.push_back(cname);
        Err inner = Err::None;
        auto next = address_records(Question{e.host, q.type, q.klass}, zone, local_ip, upstream, chain, inner);
        if (inner == Err::None && !next.empty()) {
          out.push_back(cname);
          out.insert(out.end(), next.begin(), next.end());
        }
        continue;
      }
      // Outside the zone: CoreDNS asks itself (the rest of the server: forward, hosts, ...).
      out.push_back(cname);
      if (upstream) {
        Message m = upstream(e.host, q.type);
        out.insert(out.end(), m.answers.begin(), m.answers.end());
      }
      continue;
    }
    if (q.type == rr::A && seen.insert(e.host).second) out.push_back(ResourceRecord::make_a(q.name, e.ttl, e.ip));
    // AAAA: the cluster is IPv4-only, so an existing name has no AAAA records (NODATA).
  }
  return out;
}

void KubernetesPlugin::srv_records(const Question& q, const std::vector<Entry>& entries,
                                   std::vector<ResourceRecord>& answers, std::vector<ResourceRecord>& extra) {
  // Every Kubernetes SRV has priority 0 and weight 100 before normalisation, so each gets
  // floor(100 / count) where count includes entries later dropped as duplicates.
  const double total = 100.0 * static_cast<double>(entries.size());
  std::set<std::pair<std::string, int>> dup_srv;
  std::set<std::pair<std::string, std::string>> dup_addr;
  for (const auto& e : entries) {
    if (e.port == -1) continue;
    auto weight = static_cast<std::uint16_t>(std::floor(100.0 / total * 100.0));
    if (weight == 0) weight = 1;
    if (dup_srv.insert({canonical(e.owner), e.port}).second) {
      answers.push_back(ResourceRecord::make_srv(q.name, e.ttl, SrvData{0, weight, static_cast<std::uint16_t>(e.port), e.owner}));
    }
    if (dup_addr.insert({canonical(e.owner), e.host}).second) extra.push_back(ResourceRecord::make_a(e.owner, e.ttl, e.ip));
  }
}

KubernetesPlugin::Err KubernetesPlugin::reverse(const Question& q, std::vector<Entry>& out) const {
  auto ip = address_from_reverse(q.name);
  if (!ip) return Err::None;
  const std::string zone = primary_zone();
  // ClusterIPs first; only when none matches, the endpoints (of any Service).
  for (const auto& svc : data_.services->services) {
    if (svc.cluster_ip != *ip) continue;
    if (!config_.namespaces.empty() && !namespace_exposed(svc.namespace_)) continue;
    out.push_back(Entry{svc.name + "." + svc.namespace_ + ".svc." + zone, false, {}, -1, "", config_.ttl, ""});
    return Err::None;
  }
  for (const auto& [key, eps] : endpoints_) {
    if (!config_.namespaces.empty() && !namespace_exposed(key.first)) continue;
    for (const auto& e : eps) {
      if (e.ip != *ip) continue;
      out.push_back(Entry{endpoint_name(e) + "." + key.second + "." + key.first + ".svc." + zone, false, {}, -1, "",
                          config_.ttl, ""});
    }
  }
  return out.empty() ? Err::NameError : Err::None;
}

PluginResult KubernetesPlugin::serve(const Question& q, net::Ipv4Address local_ip, const UpstreamLookup& upstream) const {
  PluginResult res;
  const std::string zone_key = zone_for(q.name);
  if (zone_key.empty()) return res;  // not ours: next plugin
  // The zone as the query spelled it: CoreDNS keeps the asker's case in SOA owners and SRV targets.
  const std::string asked = absolute(q.name);
  const std::string zone = zone_key == "." ? "." : asked.substr(asked.size() - zone_key.size());

  std::vector<Entry> entries;
  Err err = Err::None;
  std::vector<ResourceRecord> answers, extra;
  switch (q.type) {
    case rr::A:
    case rr::AAAA: answers = address_records(q, zone, local_ip, upstream, {}, err); break;
    case rr::SRV:
      err = services(q, zone, local_ip, entries);
      srv_records(q, entries, answers, extra);
      break;
    case rr::PTR:
      if (address_from_reverse(q.name)) err = reverse(q, entries);
      else err = services(q, zone, local_ip, entries);
      for (const auto& e : entries) {
        if (e.is_address) continue;  // only names make PTR records
        bool dup = std::any_of(answers.begin(), answers.end(), [&](const ResourceRecord& a) { return a.target == e.host; });
        if (!dup) answers.push_back(ResourceRecord::make_name(rr::PTR, q.name, e.ttl, e.host));
      }
      break;
    case rr::CNAME:
      err = services(q, zone, local_ip, entries);
      if (!entries.empty() && !entries.front().is_address && entries.front().text.empty())
        answers.push_back(ResourceRecord::make_name(rr::CNAME, q.name, entries.front().ttl, entries.front().host));
      break;
    case rr::TXT:
      err = services(q, zone, local_ip, entries);
      for (const auto& e : entries)
        if (!e.text.empty()) answers.push_back(ResourceRecord::make_txt(q.name, e.ttl, {e.text}));
      break;
    case rr::SOA: answers.push_back(soa(zone)); break;
    case rr::NS:
      if (canonical(q.name) == zone_key) {
        err = services(q, zone, local_ip, entries);
        for (const auto& e : entries) {
          if (answers.empty()) answers.push_back(ResourceRecord::make_name(rr::NS, q.name, e.ttl, e.owner));
          extra.push_back(ResourceRecord::make_a(e.owner, e.ttl, e.ip));
        }
        break;
      }
      [[fallthrough]];
    default:
      // CoreDNS does a fake A lookup only to tell NODATA from NXDOMAIN.
      err = services(Question{q.name, rr::A, q.klass}, zone, local_ip, entries);
  }

  if (err == Err::NameError) {
    if (falls_through(config_.fallthrough, q.name)) {
      res.note = "not found in the kubernetes plugin; fallthrough";
      return res;
    }
    res.kind = PluginResult::Kind::NameError;
    res.authority.push_back(soa(zone));
    return res;
  }
  res.authority.clear();
  if (answers.empty()) {
    res.kind = PluginResult::Kind::NoData;
    res.authority.push_back(soa(zone));
    return res;
  }
  res.kind = PluginResult::Kind::Answer;
  res.answers = std::move(answers);
  res.extra = std::move(extra);
  return res;
}

}  // namespace packetwalk::model::dns
