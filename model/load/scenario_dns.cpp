// The `cluster.dns` section of scenario files (load/dns_spec.h).
#include <algorithm>
#include <cctype>

#include "scenario_parts.h"

namespace packetwalk::model::load::detail {

namespace {

// Record names are host names as a resolver sees them; lower-cased so lookups are
// case-insensitive like DNS itself. "" when fine, else why not.
std::string record_name_error(std::string_view name) {
  if (name.empty() || name == ".") return "must be a domain name like example.com";
  std::string_view body = name.back() == '.' ? name.substr(0, name.size() - 1) : name;
  std::size_t start = 0;
  while (start <= body.size()) {
    auto dot = body.find('.', start);
    if (dot == std::string_view::npos) dot = body.size();
    if (dot == start) return "has an empty label";
    if (dot - start > 63) return "has a label longer than 63 characters";
    start = dot + 1;
  }
  for (char c : body) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'))
      return "may hold only letters, digits, '-', '_' and '.'";
  }
  return "";
}

std::string canonical_record_name(std::string_view name) {
  std::string out(name);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (out.back() != '.') out += '.';
  return out;
}

std::optional<net::Ipv4Address> read_address(ParseContext& ctx, const Field& f) {
  auto text = read_string(ctx, f);
  if (!text) return std::nullopt;
  auto ip = net::Ipv4Address::parse(*text);
  if (!ip) ctx.error(f.pos, f.path, "must be an IPv4 address (e.g. 192.168.0.1), got \"" + *text + "\"");
  return ip;
}

// `records: {name: IP | name | [IP, ...]}`.
std::map<std::string, std::vector<std::string>> read_records(ParseContext& ctx, const Field& f) {
  std::map<std::string, std::vector<std::string>> out;
  MapReader m(ctx, f, {"*"});
  if (!m.is_map()) return out;
  for (auto it = f.node.begin(); it != f.node.end(); ++it) {
    if (!it->first.IsScalar()) continue;  // reported by MapReader
    const std::string key = it->first.Scalar();
    auto value = m.get(key);
    if (!value) {
      ctx.error(m.pos(), child_path(f.path, key), "needs an address or a name");
      continue;
    }
    if (auto e = record_name_error(key); !e.empty()) {
      ctx.error(value->key_pos, child_path(f.path, key), "\"" + key + "\" " + e);
      continue;
    }
    std::vector<std::string> values;
    if (value->node.IsSequence()) {
      read_list(ctx, *value, [&](const Field& item) {
        auto ip = read_address(ctx, item);
        if (ip) values.push_back(ip->to_string());
      });
    } else if (auto text = read_string(ctx, *value)) {
      if (net::Ipv4Address::parse(*text)) values.push_back(*text);
      else if (auto e = record_name_error(*text); e.empty()) values.push_back(canonical_record_name(*text));
      else ctx.error(value->pos, value->path, "must be an IPv4 address or a name (a CNAME), got \"" + *text + "\"");
    }
    if (!values.empty()) out[canonical_record_name(key)] = std::move(values);
  }
  return out;
}

void read_upstream(ParseContext& ctx, const Field& f, const ClusterSpec& spec, DnsSpec& dns) {
  MapReader m(ctx, f, {"nameserver", "search", "options", "records"});
  if (!m.is_map()) return;
  if (auto v = m.get("nameserver")) {
    if (v->node.IsSequence()) {
      read_list(ctx, *v, [&](const Field& item) {
        if (auto ip = read_address(ctx, item)) dns.node_nameservers.push_back(*ip);
      });
    } else if (auto ip = read_address(ctx, *v)) {
      dns.node_nameservers.push_back(*ip);
    }
  }
  if (auto v = m.get("search")) {
    for (const auto& s : read_string_list(ctx, *v)) {
      if (auto e = record_name_error(s); !e.empty()) ctx.error(v->pos, v->path, "search domain \"" + s + "\" " + e);
      else dns.node_search.push_back(s.back() == '.' ? s.substr(0, s.size() - 1) : s);
    }
  }
  if (auto v = m.get("options")) dns.node_options = read_string_list(ctx, *v);
  DnsServerSpec server;
  server.pos = f.pos;
  if (auto v = m.get("records")) server.records = read_records(ctx, *v);
  // The records belong to the first nameserver; without one, to the default: the router.
  server.address = dns.node_nameservers.empty() ? spec.node_network.nth(1) : dns.node_nameservers.front();
  dns.servers.insert(dns.servers.begin(), std::move(server));
}

}  // namespace

void parse_dns(ParseContext& ctx, const Field& f, ClusterSpec& spec) {
  DnsSpec& dns = spec.dns;
  dns.pos = f.pos;
  MapReader m(ctx, f, {"enabled", "clusterDNS", "upstream", "servers"});
  if (!m.is_map()) return;
  if (auto v = m.get("enabled")) dns.enabled = read_bool(ctx, *v).value_or(true);
  if (auto v = m.get("clusterDNS")) {
    auto text = read_string(ctx, *v);
    if (text && text->empty()) {
      dns.cluster_dns_none = true;
    } else if (text) {
      auto ip = net::Ipv4Address::parse(*text);
      if (!ip) ctx.error(v->pos, v->path, "must be an IPv4 address or \"\" (none), got \"" + *text + "\"");
      else if (dns.enabled && !spec.service_cidr.contains(*ip))
        ctx.error(v->pos, v->path, *text + " is outside the serviceCIDR " + spec.service_cidr.to_string() +
                                       ": the kube-dns Service takes this address");
      else dns.cluster_dns = ip;
    }
  }
  bool upstream_written = false;
  if (auto v = m.get("upstream")) {
    upstream_written = true;
    read_upstream(ctx, *v, spec, dns);
  }
  if (auto v = m.get("servers")) {
    read_list(ctx, *v, [&](const Field& item) {
      MapReader s(ctx, item, {"address", "records"});
      if (!s.is_map()) return;
      DnsServerSpec server;
      server.pos = item.pos;
      auto address = s.get("address");
      if (!address) {
        ctx.missing(item.pos, child_path(item.path, "address"));
        return;
      }
      auto ip = read_address(ctx, *address);
      if (!ip) return;
      server.address = *ip;
      if (auto r = s.get("records")) server.records = read_records(ctx, *r);
      for (std::size_t i = 0; i < dns.servers.size(); ++i) {
        bool is_upstream = upstream_written && i == 0;
        if (dns.servers[i].address == *ip)
          ctx.error(address->pos, address->path,
                    ip->to_string() + " is listed twice (" + (is_upstream ? "upstream is that server" : "see above") + ")");
      }
      dns.servers.push_back(std::move(server));
    });
  }
}

}  // namespace packetwalk::model::load::detail
