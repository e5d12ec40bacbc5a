// Gateway API: listener status, route attachment and the per-listener routing entries.
#include <algorithm>
#include <map>

#include "packetwalk/model/ingress/gateway.h"
#include "packetwalk/model/ingress/match.h"

namespace packetwalk::model::ingress {

namespace {

Condition cond(std::string type, bool ok, std::string reason, std::string message = {}) {
  return {std::move(type), ok ? "True" : "False", std::move(reason), std::move(message)};
}

bool http_like(const std::string& protocol) { return protocol == "HTTP" || protocol == "HTTPS"; }

std::vector<ListenerState> listener_states(const Gateway& g, const RoutingObjects& objects) {
  std::vector<ListenerState> out;
  for (const auto& l : g.listeners) {
    ListenerState s;
    s.name = l.name;
    s.port = l.port;
    s.protocol = l.protocol;
    s.hostname = l.hostname;
    s.field = l.field;
    bool accepted = true, resolved = true, conflicted = false;
    std::string conflict_reason;
    for (const auto& other : g.listeners) {
      if (&other == &l || other.port != l.port) continue;
      if (other.protocol != l.protocol) {
        conflicted = true;
        conflict_reason = "ProtocolConflict";
      } else if (other.hostname == l.hostname) {
        conflicted = true;
        conflict_reason = "HostnameConflict";
      }
    }
    if (!http_like(l.protocol)) {
      accepted = false;
      s.conditions.push_back(cond("Accepted", false, "UnsupportedProtocol",
                                  "protocol " + l.protocol + " is valid Gateway API; packetwalk simulates HTTP and HTTPS listeners only"));
    } else {
      s.conditions.push_back(cond("Accepted", true, "Accepted"));
    }
    std::string refs_reason = "ResolvedRefs", refs_message;
    for (const auto& ref : l.certificate_refs) {
      const std::string ns = ref.namespace_.empty() ? g.meta.namespace_ : ref.namespace_;
      if (!ref.group.empty() || ref.kind != "Secret") {
        resolved = false;
        refs_reason = "InvalidCertificateRef";
        refs_message = "certificateRef kind " + ref.kind + " is not a core Secret";
      } else if (ns != g.meta.namespace_ &&
                 std::none_of(objects.reference_grants.begin(), objects.reference_grants.end(), [&](const ReferenceGrant& rg) {
                   return rg.meta.namespace_ == ns && rg.permits(kGatewayGroup, "Gateway", g.meta.namespace_, "", "Secret", ref.name);
                 })) {
        resolved = false;
        refs_reason = "RefNotPermitted";
        refs_message = "Secret " + ns + "/" + ref.name + " is in another namespace and no ReferenceGrant there allows it";
      } else if (!objects.has_secret(ns, ref.name)) {
        resolved = false;
        refs_reason = "InvalidCertificateRef";
        refs_message = "Secret " + ns + "/" + ref.name + " not found";
      }
    }
    s.conditions.push_back(cond("ResolvedRefs", resolved, refs_reason, refs_message));
    s.conditions.push_back(conflicted ? cond("Conflicted", true, conflict_reason, "another listener uses port " + std::to_string(l.port))
                                      : cond("Conflicted", false, "NoConflicts"));
    s.usable = accepted && resolved && !conflicted;
    s.conditions.push_back(cond("Programmed", s.usable, s.usable ? "Programmed" : "Invalid"));
    out.push_back(std::move(s));
  }
  return out;
}

// Why `route` may not attach to listener `l` of `g` ("" = it may), and which reason to report.
std::string allowed(const GatewayListener& l, const Gateway& g, const HttpRoute& route,
                    const std::vector<kube::Namespace>& namespaces) {
  bool kind_ok = l.kinds.empty() ? http_like(l.protocol)
                                 : std::any_of(l.kinds.begin(), l.kinds.end(), [](const RouteGroupKind& k) {
                                     return k.group == kGatewayGroup && k.kind == "HTTPRoute";
                                   });
  if (!kind_ok) return "listener " + l.name + " does not allow HTTPRoute (protocol " + l.protocol + ")";
  const auto& rns = route.meta.namespace_;
  switch (l.from) {
    case RoutesFrom::Same:
      if (rns != g.meta.namespace_)
        return "listener " + l.name + " allows routes from its own namespace (" + g.meta.namespace_ + ") only";
      break;
    case RoutesFrom::All: break;
    case RoutesFrom::Selector: {
      const kube::Namespace* ns = nullptr;
      for (const auto& n : namespaces)
        if (n.meta.name == rns) ns = &n;
      kube::Labels labels = ns ? ns->meta.labels : kube::Labels{{"kubernetes.io/metadata.name", rns}};
      if (!l.namespace_selector.matches(labels))
        return "listener " + l.name + " allows namespaces selected by " + l.namespace_selector.to_string() +
               "; namespace " + rns + " does not match";
      break;
    }
  }
  return "";
}

std::tuple<int, long, int, long, long> precedence(const HttpRouteMatch& m) {
  const int path_rank = m.path.type == PathMatchType::Exact ? 0 : m.path.type == PathMatchType::PathPrefix ? 1 : 2;
  const long length = m.path.type == PathMatchType::PathPrefix ? -static_cast<long>(m.path.value.size()) : 0;
  return {path_rank, length, m.method.empty() ? 1 : 0, -static_cast<long>(m.headers.size()),
          -static_cast<long>(m.query_params.size())};
}

WeightedBackend resolve_backend(const BackendRef& ref, const HttpRoute& route, const RoutingObjects& objects,
                                const kube::ServiceState& services, std::string& reason) {
  WeightedBackend b;
  b.ref = ref;
  const std::string& rns = route.meta.namespace_;
  if (!ref.group.empty() || ref.kind != "Service") {
    b.invalid = "backendRef kind " + (ref.group.empty() ? "" : ref.group + "/") + ref.kind + " is not supported (core Service only)";
    reason = "InvalidKind";
  } else if (ref.namespace_ != rns &&
             std::none_of(objects.reference_grants.begin(), objects.reference_grants.end(), [&](const ReferenceGrant& g) {
               return g.meta.namespace_ == ref.namespace_ &&
                      g.permits(kGatewayGroup, "HTTPRoute", rns, "", "Service", ref.name);
             })) {
    b.invalid = "Service " + ref.namespace_ + "/" + ref.name + " is in another namespace and no ReferenceGrant in " +
                ref.namespace_ + " allows HTTPRoutes from " + rns;
    reason = "RefNotPermitted";
  } else if (!services.find(ref.namespace_, ref.name)) {
    b.invalid = "Service " + ref.namespace_ + "/" + ref.name + " not found";
    reason = "BackendNotFound";
  }
  if (b.invalid.empty()) {
    b.upstream = resolve_upstream(services, ref.namespace_, ref.name, ServicePortRef{ref.port, {}});
  } else {
    b.upstream.namespace_ = ref.namespace_;
    b.upstream.service = ref.name;
    b.upstream.port_text = std::to_string(ref.port);
    b.upstream.problem = b.invalid;
    b.upstream.failure_status = 500;
  }
  return b;
}

}  // namespace

const GatewayState* GatewayTables::find(std::string_view ns, std::string_view name) const {
  for (const auto& g : gateways)
    if (g.namespace_ == ns && g.name == name) return &g;
  return nullptr;
}

GatewayTables build_gateway_tables(const RoutingObjects& objects, const kube::ServiceState& services,
                                   const std::vector<kube::Namespace>& namespaces) {
  GatewayTables t;
  for (const auto& g : objects.gateways) {
    GatewayState s;
    s.ref = g.ref();
    s.namespace_ = g.meta.namespace_;
    s.name = g.meta.name;
    s.class_name = g.class_name;
    s.addresses = g.addresses;
    const auto* cls = objects.find_gateway_class(g.class_name);
    if (!cls) {
      s.conditions.push_back({"Accepted", "Unknown", "Pending", "GatewayClass \"" + g.class_name + "\" not found: no controller reconciles this Gateway"});
    } else {
      s.controller = cls->controller_name;
      s.listeners = listener_states(g, objects);
      s.conditions.push_back(cond("Accepted", true, "Accepted"));
      bool any = std::any_of(s.listeners.begin(), s.listeners.end(), [](const ListenerState& l) { return l.usable; });
      s.conditions.push_back(cond("Programmed", any, any ? "Programmed" : "Invalid", any ? "" : "no listener is programmed"));
    }
    s.entries.resize(s.listeners.size());
    t.gateways.push_back(std::move(s));
  }

  for (const auto& route : objects.http_routes) {
    RouteStatus rs;
    rs.route = route.ref();
    rs.pos = route.meta.pos;
    // ResolvedRefs is per route: the first problem names the reason.
    std::string refs_reason, refs_message;
    std::vector<std::vector<WeightedBackend>> backends(route.rules.size());
    for (std::size_t i = 0; i < route.rules.size(); ++i) {
      for (const auto& ref : route.rules[i].backend_refs) {
        std::string reason;
        backends[i].push_back(resolve_backend(ref, route, objects, services, reason));
        if (!reason.empty() && refs_reason.empty()) {
          refs_reason = reason;
          refs_message = backends[i].back().invalid;
        }
      }
    }
    for (const auto& p : route.parent_refs) {
      ParentStatus ps;
      ps.parent = p.kind + " " + p.namespace_ + "/" + p.name + (p.section_name.empty() ? "" : " section " + p.section_name) +
                  (p.port ? " port " + std::to_string(p.port) : "");
      auto gs = std::find_if(t.gateways.begin(), t.gateways.end(),
                             [&](const GatewayState& g) { return g.namespace_ == p.namespace_ && g.name == p.name; });
      const Gateway* g = objects.find_gateway(p.namespace_, p.name);
      if (p.group != kGatewayGroup || p.kind != "Gateway") {
        ps.conditions.push_back(cond("Accepted", false, "NoMatchingParent", "parentRef " + p.group + "/" + p.kind + " is not a Gateway"));
      } else if (!g || gs == t.gateways.end()) {
        ps.conditions.push_back(cond("Accepted", false, "NoMatchingParent", "Gateway " + p.namespace_ + "/" + p.name + " not found"));
      } else if (gs->controller.empty()) {
        ps.conditions.push_back({"Accepted", "Unknown", "Pending", "GatewayClass \"" + g->class_name + "\" not found: no controller reconciles the Gateway"});
      } else {
        std::vector<std::size_t> candidates;
        for (std::size_t i = 0; i < g->listeners.size(); ++i) {
          const auto& l = g->listeners[i];
          if (!p.section_name.empty() && l.name != p.section_name) continue;
          if (p.port && l.port != p.port) continue;
          candidates.push_back(i);
        }
        std::string not_allowed, no_host;
        std::vector<std::size_t> attached;
        for (auto i : candidates) {
          const auto& l = g->listeners[i];
          if (auto why = allowed(l, *g, route, namespaces); !why.empty()) {
            if (not_allowed.empty()) not_allowed = why;
            continue;
          }
          bool host_ok = route.hostnames.empty() || l.hostname.empty() ||
                         std::any_of(route.hostnames.begin(), route.hostnames.end(),
                                     [&](const std::string& h) { return hostname_intersection(l.hostname, h).has_value(); });
          if (!host_ok) {
            if (no_host.empty()) no_host = "no route hostname intersects listener " + l.name + " hostname " + l.hostname;
            continue;
          }
          attached.push_back(i);
        }
        if (candidates.empty()) {
          ps.conditions.push_back(cond("Accepted", false, "NoMatchingParent",
                                       p.section_name.empty() ? "Gateway has no listener on port " + std::to_string(p.port)
                                                              : "Gateway has no listener named " + p.section_name));
        } else if (attached.empty()) {
          ps.conditions.push_back(!not_allowed.empty() ? cond("Accepted", false, "NotAllowedByListeners", not_allowed)
                                                       : cond("Accepted", false, "NoMatchingListenerHostname", no_host));
        } else {
          ps.conditions.push_back(cond("Accepted", true, "Accepted"));
          rs.attached = true;
          for (auto i : attached) {
            auto& ls = gs->listeners[i];
            ++ls.attached_routes;
            std::vector<std::string> hosts;
            for (const auto& h : route.hostnames) {
              if (auto x = hostname_intersection(ls.hostname, h)) hosts.push_back(*x);
            }
            if (route.hostnames.empty() && !ls.hostname.empty()) hosts.push_back(ls.hostname);
            for (std::size_t r = 0; r < route.rules.size(); ++r) {
              const auto& rule = route.rules[r];
              for (std::size_t m = 0; m < rule.matches.size(); ++m) {
                RouteEntry e;
                e.route = route.ref();
                e.route_key = route.meta.namespace_ + "/" + route.meta.name;
                e.creation_timestamp = route.creation_timestamp;
                e.rule = static_cast<int>(r);
                e.match_index = static_cast<int>(m);
                e.match = rule.matches[m];
                e.hostnames = hosts;
                e.filters = rule.filters;
                e.backends = backends[r];
                gs->entries[i].push_back(std::move(e));
              }
            }
          }
        }
      }
      ps.conditions.push_back(refs_reason.empty() ? cond("ResolvedRefs", true, "ResolvedRefs")
                                                  : cond("ResolvedRefs", false, refs_reason, refs_message));
      rs.parents.push_back(std::move(ps));
    }
    if (route.parent_refs.empty())
      rs.parents.push_back({"(none)", {cond("Accepted", false, "NoMatchingParent", "spec.parentRefs is empty: the route attaches nowhere")}});
    t.routes.push_back(std::move(rs));
  }

  for (auto& g : t.gateways) {
    for (auto& list : g.entries) {
      std::stable_sort(list.begin(), list.end(), [](const RouteEntry& a, const RouteEntry& b) {
        return std::make_tuple(precedence(a.match), a.creation_timestamp.empty(), a.creation_timestamp, a.route_key, a.rule, a.match_index) <
               std::make_tuple(precedence(b.match), b.creation_timestamp.empty(), b.creation_timestamp, b.route_key, b.rule, b.match_index);
      });
    }
  }
  return t;
}

}  // namespace packetwalk::model::ingress
