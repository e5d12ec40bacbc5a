#include "packetwalk/model/query/target.h"

#include <charconv>

namespace packetwalk::model::query {

namespace {

std::pair<std::string, std::string> split_ns(std::string_view text, std::string_view default_ns) {
  auto slash = text.find('/');
  if (slash == std::string_view::npos) return {std::string(default_ns), std::string(text)};
  return {std::string(text.substr(0, slash)), std::string(text.substr(slash + 1))};
}

std::optional<net::Port> parse_port(std::string_view s) {
  unsigned v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v == 0 || v > 65535) return std::nullopt;
  return static_cast<net::Port>(v);
}

}  // namespace

std::optional<Source> resolve_source(const cluster::Cluster& c, std::string_view text, std::string_view default_ns,
                                     std::string& error) {
  if (text.rfind("node/", 0) == 0) {
    auto name = text.substr(5);
    if (auto ns = c.node_netns(name)) return Source{*ns, "node/" + std::string(name)};
    error = "no node named \"" + std::string(name) + "\"";
    return std::nullopt;
  }
  if (text.rfind("external/", 0) == 0) {
    auto name = std::string(text.substr(9));
    auto it = c.placement().external_netns.find(name);
    if (it != c.placement().external_netns.end()) return Source{it->second, "external/" + name};
    error = "no external host named \"" + name + "\" (declare it under cluster.external.hosts)";
    return std::nullopt;
  }
  if (text.rfind("pod/", 0) == 0) text.remove_prefix(4);  // the destination's kind prefix, accepted here too
  auto [ns, name] = split_ns(text, default_ns);
  if (auto id = c.pod_netns(ns, name)) return Source{*id, ns + "/" + name};
  error = "no pod \"" + name + "\" in namespace \"" + ns + "\"";
  if (!c.inventory().pods.empty()) {
    error += " (pods:";
    std::size_t shown = 0;
    for (const auto& p : c.inventory().pods) {
      if (shown++ == 8) {
        error += " ...";
        break;
      }
      error += " " + p.namespace_ + "/" + p.name;
    }
    error += ")";
  }
  return std::nullopt;
}

std::optional<Destination> resolve_destination(const cluster::Cluster& c, std::string_view text, const Source& from,
                                               std::string_view default_ns, std::string& error) {
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    error = "destination \"" + std::string(text) + "\" needs a port (e.g. " + std::string(text) + ":80)";
    return std::nullopt;
  }
  auto host = text.substr(0, colon);
  auto port = parse_port(text.substr(colon + 1));
  if (!port) {
    error = "\"" + std::string(text.substr(colon + 1)) + "\" is not a port number (1-65535)";
    return std::nullopt;
  }
  if (auto ip = net::Ipv4Address::parse(host)) return Destination{*ip, *port, std::string(text)};
  if (host == "localhost") {
    (void)from;
    return Destination{net::Ipv4Address::from_octets(127, 0, 0, 1), *port, std::string(text)};
  }
  if (host.rfind("node/", 0) == 0) {
    auto name = host.substr(5);
    if (const auto* n = c.inventory().find_node(name)) return Destination{n->internal_ip, *port, std::string(text)};
    error = "no node named \"" + std::string(name) + "\"";
    return std::nullopt;
  }
  // A kind prefix, as kubectl's `svc/NAME`, picks the object when a Pod and a Service share a name
  // (a plain NS/NAME means the pod then): svc/[NS/]NAME:PORT, pod/[NS/]NAME:PORT.
  enum class Kind { Any, Pod, Service } kind = Kind::Any;
  if (host.rfind("svc/", 0) == 0) {
    kind = Kind::Service;
    host.remove_prefix(4);
  } else if (host.rfind("pod/", 0) == 0) {
    kind = Kind::Pod;
    host.remove_prefix(4);
  }
  auto [ns, name] = split_ns(host, default_ns);
  if (kind != Kind::Service) {
    if (const auto* p = c.inventory().find_pod(ns, name)) {
      return Destination{p->ip, *port, ns + "/" + name + ":" + std::to_string(*port)};
    }
  }
  if (kind != Kind::Pod) {
    if (const auto* svc = c.services().find(ns, name)) {
      if (!svc->cluster_ip) {
        error = "Service " + ns + "/" + name + " has no cluster IP (" +
                (svc->headless ? std::string("headless: resolve it by DNS name") : std::string("ExternalName")) + ")";
        return std::nullopt;
      }
      return Destination{*svc->cluster_ip, *port, "svc/" + ns + "/" + name + ":" + std::to_string(*port)};
    }
  }
  const char* what = kind == Kind::Pod ? "no pod \"" : kind == Kind::Service ? "no Service \"" : "no pod or Service \"";
  error = what + name + "\" in namespace \"" + ns + "\"";
  return std::nullopt;
}

}  // namespace packetwalk::model::query
