// The cluster's DNS: the Corefile in effect, the CoreDNS and upstream applications on listeners.
#include "packetwalk/model/dns/cluster_dns.h"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace packetwalk::model::dns {

namespace {

// Line k of the Corefile text sits at line `first + k - 1` of the file: after the line of a block
// scalar's `|` indicator, or on the line of a quoted string.
int corefile_first_line(const load::SourcePos& value) {
  if (value.line <= 0) return 0;
  std::ifstream in(value.file);
  std::string line;
  for (int i = 1; i <= value.line && std::getline(in, line); ++i) {
  }
  auto col = static_cast<std::size_t>(value.column > 0 ? value.column - 1 : 0);
  bool block = !in || (col < line.size() && (line[col] == '|' || line[col] == '>'));
  return block ? value.line + 1 : value.line;
}

std::vector<std::uint8_t> payload_of(const net::Packet& p) {
  std::vector<std::uint8_t> bytes = p.payload;
  // DNS over TCP prefixes each message with its 2-byte length (RFC 1035 4.2.2).
  if (p.protocol == net::Protocol::Tcp && bytes.size() >= 2) bytes.erase(bytes.begin(), bytes.begin() + 2);
  return bytes;
}

query::AppResponse respond(const Message& reply, const net::Packet& request, std::string how) {
  query::AppResponse r;
  r.payload = encode(reply);
  if (request.protocol == net::Protocol::Tcp) {
    auto n = static_cast<std::uint16_t>(r.payload.size());
    r.payload.insert(r.payload.begin(), {static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n & 0xff)});
  }
  r.note = "DNS reply " + summarize(reply) + (how.empty() ? "" : " via " + how);
  r.delay = sim::Time::us(20);  // a cache-miss lookup in CoreDNS's informer cache
  return r;
}

}  // namespace

std::unique_ptr<ClusterDns> ClusterDns::build(const load::ClusterSpec& spec, const load::ManifestSet& manifests,
                                              const kube::Inventory& inventory, const kube::ServiceState& services,
                                              load::Diagnostics& diags) {
  std::unique_ptr<ClusterDns> d(new ClusterDns());
  d->inventory_ = &inventory;
  d->env_ = resolver_environment(spec);

  // Every modelled server; the nodes' nameservers exist even when nothing lists their records.
  std::vector<load::DnsServerSpec> servers = spec.dns.servers;
  for (const auto& ns : d->env_.node.servers()) {
    bool listed = std::any_of(servers.begin(), servers.end(), [&](const load::DnsServerSpec& s) { return s.address == ns; });
    if (!listed) servers.push_back(load::DnsServerSpec{ns, {}, {}});
  }
  d->upstreams_ = UpstreamServers(std::move(servers));

  std::string text;
  CorefileSource source;
  for (const auto& cm : manifests.config_maps) {
    if (cm.meta.namespace_ != "kube-system" || cm.meta.name != "coredns") continue;
    auto it = cm.data.find("Corefile");
    if (it == cm.data.end()) {
      diags.warning(cm.meta.pos, cm.ref(), "data.Corefile: missing; CoreDNS runs with kubeadm's default Corefile");
      break;
    }
    text = it->second;
    auto pos = cm.meta.pos_of("data.Corefile");
    source = CorefileSource{pos.file, corefile_first_line(pos), cm.ref()};
  }
  if (text.empty()) text = kubeadm_corefile(spec.cluster_domain);
  Corefile corefile = parse_corefile(text, source, diags);

  // The CoreDNS pods run with dnsPolicy Default: their resolv.conf is the nodes'.
  KubeData data{&services, &inventory, &manifests};
  d->server_ = std::make_unique<CoreDnsServer>(std::move(corefile), data, &d->upstreams_, d->env_.node.servers());
  return d;
}

query::AppResponse ClusterDns::answer_coredns(const query::AppRequest& req) const {
  const net::Packet& p = *req.packet;
  std::string error;
  auto bytes = payload_of(p);
  auto query = decode(bytes, error);
  if (!query) {
    query::AppResponse silent;
    silent.answer = false;
    silent.note = "not a DNS message (" + error + ")";
    return silent;
  }
  std::string how;
  Message reply = server_->handle(*query, p.dst, p.protocol == net::Protocol::Tcp, how);
  query::AppResponse r = respond(reply, p, how);
  if (extra_delay_ > sim::Time{}) {
    r.delay = r.delay + extra_delay_;
    const std::int64_t ms = extra_delay_.count_ns() / 1'000'000;
    const std::string late = extra_delay_.count_ns() % 1'000'000'000 == 0 ? std::to_string(ms / 1000) + "s"
                             : extra_delay_.count_ns() % 1'000'000 == 0   ? std::to_string(ms) + "ms"
                                                                          : sim::format_time(extra_delay_);
    r.note += "; coreDnsSlow: +" + late;
  }
  return r;
}

query::AppResponse ClusterDns::answer_upstream(const query::AppRequest& req) const {
  const net::Packet& p = *req.packet;
  std::string error;
  auto bytes = payload_of(p);
  auto query = decode(bytes, error);
  const load::DnsServerSpec* server = upstreams_.find(p.dst);
  if (!query || !server) {
    query::AppResponse silent;
    silent.answer = false;
    silent.note = query ? "no modelled DNS server at " + p.dst.to_string() : "not a DNS message (" + error + ")";
    return silent;
  }
  return respond(upstreams_.answer(*server, *query), p, "upstream resolver " + p.dst.to_string() + " (modelled records)");
}

void ClusterDns::assign_applications(const cni::Placement& placement, datapath::Topology& topology,
                                     query::ApplicationRegistry& apps) const {
  apps.add(kCoreDnsApp, [this](const query::AppRequest& r) { return answer_coredns(r); });
  apps.add(kUpstreamDnsApp, [this](const query::AppRequest& r) { return answer_upstream(r); });
  const std::pair<net::Protocol, net::Port> dns_ports[] = {{net::Protocol::Udp, 53}, {net::Protocol::Tcp, 53}};
  for (const auto& pod : inventory_->pods) {
    if (!is_coredns_pod(pod)) continue;
    auto it = placement.pod_netns.find(pod.namespace_ + "/" + pod.name);
    if (it == placement.pod_netns.end()) continue;
    auto& listeners = topology.netns(it->second).listeners;
    for (const auto& key : dns_ports) {
      if (auto l = listeners.find(key); l != listeners.end()) l->second.app = kCoreDnsApp;
    }
  }
  // Upstream servers answer where a namespace outside the cluster owns their address.
  for (const auto& server : upstreams_.all()) {
    for (const auto& ns : topology.all_netns()) {
      if (ns.kind != datapath::NetnsKind::External || !topology.is_local_address(ns.id, server.address)) continue;
      auto& listeners = topology.netns(ns.id).listeners;
      for (const auto& key : dns_ports) {
        auto [l, fresh] = listeners.try_emplace(key, datapath::Listener{"dns", "dns", kUpstreamDnsApp});
        if (!fresh) l->second.app = kUpstreamDnsApp;
      }
    }
  }
}

}  // namespace packetwalk::model::dns
