#include "packetwalk/model/datapath/ipvs.h"

#include <algorithm>
#include <cstdio>
#include <tuple>

namespace packetwalk::model::datapath {

namespace {

auto key_of(const IpvsVirtualServer& v) { return std::make_tuple(static_cast<int>(v.protocol), v.address, v.port); }

std::string proto_name(net::Protocol p) { return std::string(net::kube_name(p)); }

// A virtual server as `ipvsadm -Ln` heads it: "TCP  10.96.0.10:53 rr" (+ " persistent 10800").
std::string virtual_server_line(const IpvsVirtualServer& vs) {
  return vs.name() + " " + vs.scheduler + (vs.persistent ? " persistent " + std::to_string(vs.timeout_seconds) : "");
}

std::string endpoint_text(const IpvsRealServer& rs) { return rs.address.to_string() + ":" + std::to_string(rs.port); }

}  // namespace

std::string IpvsVirtualServer::name() const {
  return proto_name(protocol) + "  " + address.to_string() + ":" + std::to_string(port);
}

void Ipvs::add(IpvsVirtualServer vs) {
  std::sort(vs.real_servers.begin(), vs.real_servers.end());
  auto it = std::lower_bound(services_.begin(), services_.end(), vs,
                             [](const IpvsVirtualServer& a, const IpvsVirtualServer& b) { return key_of(a) < key_of(b); });
  if (it != services_.end() && key_of(*it) == key_of(vs)) {
    *it = std::move(vs);
    trace_texts_.clear();
    return;
  }
  services_.insert(it, std::move(vs));
  trace_texts_.clear();
  // Positions after the insertion point moved: run-time state refers to positions, so a
  // configuration change starts it afresh (kube-proxy programs before any traffic here).
  rr_next_.clear();
  clear_connections();
}

void Ipvs::assign(std::vector<IpvsVirtualServer> all) {
  for (auto& vs : all) std::sort(vs.real_servers.begin(), vs.real_servers.end());
  std::stable_sort(all.begin(), all.end(),
                   [](const IpvsVirtualServer& a, const IpvsVirtualServer& b) { return key_of(a) < key_of(b); });
  // Later duplicates replace earlier ones, as repeated add() calls would.
  std::vector<IpvsVirtualServer> unique;
  for (auto& vs : all) {
    if (!unique.empty() && key_of(unique.back()) == key_of(vs)) unique.back() = std::move(vs);
    else unique.push_back(std::move(vs));
  }
  services_ = std::move(unique);
  trace_texts_.clear();
  rr_next_.clear();
  clear_connections();
}

const Ipvs::TraceTexts& Ipvs::trace_texts(std::uint32_t service) const {
  if (trace_texts_.size() != services_.size()) trace_texts_.assign(services_.size(), TraceTexts{});
  TraceTexts& t = trace_texts_[service];
  if (!t.service.empty()) return t;
  const IpvsVirtualServer& vs = services_[service];
  const std::string vs_text = virtual_server_line(vs);
  t.service = text::SharedText::interned(vs_text);
  static const text::SharedText kIpvsTable = text::SharedText::interned("ipvs");
  for (const auto& rs : vs.real_servers) {
    const std::string endpoint = endpoint_text(rs);
    t.real_servers.push_back(text::SharedText::interned("-> " + endpoint + " Masq " + std::to_string(rs.weight)));
    t.chosen.push_back({{kIpvsTable, t.service, t.real_servers.size(), t.real_servers.back()}});
    const std::string dnat = "IPVS " + vs_text + " -> " + endpoint + " Masq (";
    t.dnat.push_back({text::SharedText::interned(dnat + "connection table)"),
                      text::SharedText::interned(dnat + "persistence template)"),
                      text::SharedText::interned(dnat + vs.scheduler + ")")});
  }
  return t;
}

std::optional<std::uint32_t> Ipvs::find(net::Protocol p, net::Ipv4Address a, net::Port port) const {
  const auto key = std::make_tuple(static_cast<int>(p), a, port);
  auto it = std::lower_bound(services_.begin(), services_.end(), key,
                             [](const IpvsVirtualServer& v, const auto& k) { return key_of(v) < k; });
  if (it == services_.end() || key_of(*it) != key) return std::nullopt;
  return static_cast<std::uint32_t>(it - services_.begin());
}

std::optional<IpvsChoice> Ipvs::in(const net::Packet& p, sim::Time now) {
  if (auto c = conns_.find(p.tuple()); c != conns_.end()) {
    return IpvsChoice{c->second.service, c->second.real_server, true, false};
  }
  auto svc = find(p.protocol, p.dst, p.dport);
  if (!svc) return std::nullopt;
  const IpvsVirtualServer& vs = services_[*svc];
  IpvsChoice choice{*svc, std::nullopt, false, false};
  auto usable = [&](std::uint32_t i) { return i < vs.real_servers.size() && vs.real_servers[i].weight > 0; };
  if (vs.persistent) {
    auto t = templates_.find({*svc, p.src});
    if (t != templates_.end() && now - t->second.second <= sim::Time::s(vs.timeout_seconds) && usable(t->second.first)) {
      t->second.second = now;  // a template's timer restarts with each new connection
      choice.real_server = t->second.first;
      choice.persistence_hit = true;
      return choice;
    }
  }
  // rr: the next usable real server after the last one used, wrapping around.
  const auto n = static_cast<std::uint32_t>(vs.real_servers.size());
  std::uint32_t& next = rr_next_[*svc];
  for (std::uint32_t k = 0; k < n; ++k) {
    const std::uint32_t i = (next + k) % n;
    if (!usable(i)) continue;
    choice.real_server = i;
    next = (i + 1) % n;
    break;
  }
  if (choice.real_server && vs.persistent) templates_[{*svc, p.src}] = {*choice.real_server, now};
  return choice;
}

void Ipvs::bind(const net::FiveTuple& original, const net::FiveTuple& translated, std::uint32_t service) {
  const auto& vs = services_[service];
  std::uint32_t rs = 0;
  for (std::uint32_t i = 0; i < vs.real_servers.size(); ++i)
    if (vs.real_servers[i].address == translated.dst && vs.real_servers[i].port == translated.dport) rs = i;
  conns_[original] = Conn{service, rs};
  replies_[translated.reversed()] = original;
}

std::optional<std::pair<net::Ipv4Address, net::Port>> Ipvs::out(const net::Packet& p) const {
  auto it = replies_.find(p.tuple());
  if (it == replies_.end()) return std::nullopt;
  return std::make_pair(it->second.dst, it->second.dport);
}

void Ipvs::clear_connections() {
  if (templates_.empty() && conns_.empty() && replies_.empty()) return;  // most namespaces have none
  templates_.clear();
  conns_.clear();
  replies_.clear();
}

std::string ipvsadm_list_text(const Ipvs& ipvs) {
  std::string out =
      "IP Virtual Server version 1.2.1 (size=4096)\n"
      "Prot LocalAddress:Port Scheduler Flags\n"
      "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n";
  char buf[160];
  for (const auto& vs : ipvs.services()) {
    out += virtual_server_line(vs) + "\n";
    for (const auto& rs : vs.real_servers) {
      const std::string dest = endpoint_text(rs);
      std::snprintf(buf, sizeof buf, "  -> %-28s %-7s %-6u %-10u %-10u\n", dest.c_str(), "Masq", rs.weight, 0u, 0u);
      out += buf;
    }
  }
  return out;
}

}  // namespace packetwalk::model::datapath
