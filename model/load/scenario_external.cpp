// The `cluster.external` section: the network outside the cluster and the hosts on it.
#include <charconv>

#include "scenario_parts.h"

namespace packetwalk::model::load::detail {

namespace {

// "80/TCP", "53/UDP", "8080" (TCP).
std::optional<std::pair<net::Protocol, net::Port>> parse_port_spec(std::string_view text) {
  auto slash = text.find('/');
  std::string_view number = text.substr(0, slash);
  net::Protocol proto = net::Protocol::Tcp;
  if (slash != std::string_view::npos) {
    auto p = net::parse_kube_protocol(text.substr(slash + 1));
    if (!p) return std::nullopt;
    proto = *p;
  }
  unsigned v = 0;
  auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), v);
  if (ec != std::errc() || end != number.data() + number.size() || v == 0 || v > 65535) return std::nullopt;
  return std::make_pair(proto, static_cast<net::Port>(v));
}

}  // namespace

void parse_external(ParseContext& ctx, const Field& f, ClusterSpec& spec) {
  spec.set.external = true;
  MapReader m(ctx, f, {"network", "hosts"});
  if (auto v = m.get("network")) spec.external_network = read_cidr(ctx, *v, "203.0.113.0/24").value_or(spec.external_network);
  auto hosts = m.get("hosts");
  if (!hosts) return;
  spec.external_hosts.clear();
  read_list(ctx, *hosts, [&](const Field& item) {
    MapReader h(ctx, item, {"name", "ip", "listen"});
    ExternalHost host;
    host.pos = item.pos;
    if (auto name = h.string("name")) host.name = *name;
    if (host.name.empty()) ctx.error(item.pos, item.path, "an external host needs a name");
    if (auto ipf = h.get("ip")) {
      if (auto text = read_string(ctx, *ipf)) {
        auto ip = net::Ipv4Address::parse(*text);
        if (!ip) ctx.error(ipf->pos, ipf->path, "must be an IPv4 address, got \"" + *text + "\"");
        else if (!spec.external_network.contains(*ip))
          ctx.error(ipf->pos, ipf->path, *text + " is outside the external network " + spec.external_network.to_string());
        else host.ip = *ip;
      }
    } else {
      host.ip = spec.external_network.nth(static_cast<std::uint32_t>(10 + spec.external_hosts.size()));
    }
    if (auto lf = h.get("listen")) {
      read_list(ctx, *lf, [&](const Field& port) {
        auto text = read_string(ctx, port);
        if (!text) return;
        auto spec_port = parse_port_spec(*text);
        if (!spec_port) ctx.error(port.pos, port.path, "must be PORT or PORT/PROTOCOL like 80/TCP, got \"" + *text + "\"");
        else host.listen.push_back(*spec_port);
      });
    }
    spec.external_hosts.push_back(std::move(host));
  });
}

}  // namespace packetwalk::model::load::detail
