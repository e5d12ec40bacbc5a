// Building ingress-nginx's servers and locations from the Ingresses it serves.
#include <algorithm>
#include <charconv>
#include <set>

#include "packetwalk/model/ingress/nginx.h"
#include "packetwalk/model/ingress/http.h"
#include "packetwalk/model/ingress/match.h"

namespace packetwalk::model::ingress {

namespace {

constexpr std::string_view kPrefix = "nginx.ingress.kubernetes.io/";
constexpr std::string_view kLegacyClass = "kubernetes.io/ingress.class";

std::string key(std::string_view name) { return std::string(kPrefix) + std::string(name); }

std::optional<double> number(std::string_view s) {
  double v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

std::vector<net::Cidr> cidr_list(const Ingress& ing, std::string_view annotation, load::Diagnostics& diags) {
  std::vector<net::Cidr> out;
  std::string value = ing.annotation(annotation);
  std::size_t at = 0;
  while (at <= value.size()) {
    auto comma = value.find(',', at);
    auto item = value.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (!item.empty()) {
      if (auto c = net::Cidr::parse(item)) out.push_back(*c);
      else if (auto ip = net::Ipv4Address::parse(item)) out.push_back(net::Cidr::host(*ip));
      else
        diags.warning(ing.meta.pos_of("metadata.annotations." + std::string(annotation)), ing.ref(),
                      "metadata.annotations." + std::string(annotation) + ": \"" + item +
                          "\" is not an IPv4 CIDR; ignored");
    }
    if (comma == std::string::npos) break;
    at = comma + 1;
  }
  return out;
}

bool truthy(const std::string& v) { return v == "true" || v == "True" || v == "TRUE"; }

LocationPolicy read_policy(const Ingress& ing, load::Diagnostics& diags) {
  LocationPolicy p;
  auto warn = [&](std::string_view annotation, const std::string& text) {
    diags.warning(ing.meta.pos_of("metadata.annotations." + std::string(annotation)), ing.ref(),
                  "metadata.annotations." + std::string(annotation) + ": " + text);
  };
  p.rewrite_target = ing.annotation(key("rewrite-target"));
  p.use_regex = truthy(ing.annotation(key("use-regex")));
  if (ing.has_annotation(key("ssl-redirect"))) p.ssl_redirect = truthy(ing.annotation(key("ssl-redirect")));
  p.force_ssl_redirect = truthy(ing.annotation(key("force-ssl-redirect")));
  p.service_upstream = truthy(ing.annotation(key("service-upstream")));
  for (auto name : {"whitelist-source-range", "allowlist-source-range"}) {
    if (ing.has_annotation(key(name))) {
      auto list = cidr_list(ing, key(name), diags);
      p.allow_source.insert(p.allow_source.end(), list.begin(), list.end());
    }
  }
  p.limit_whitelist = cidr_list(ing, key("limit-whitelist"), diags);
  auto read_rate = [&](std::string_view name) -> double {
    if (!ing.has_annotation(key(name))) return 0;
    auto v = number(ing.annotation(key(name)));
    if (!v) {
      warn(key(name), "\"" + ing.annotation(key(name)) + "\" is not a number; ignored (as ingress-nginx does)");
      return 0;
    }
    return *v;
  };
  p.limit_rps = read_rate("limit-rps");
  p.limit_rpm = read_rate("limit-rpm");
  if (ing.has_annotation(key("rate-limit"))) {
    double alias = read_rate("rate-limit");
    if (p.limit_rps > 0) {
      warn(key("rate-limit"), "not an ingress-nginx annotation (ingress-nginx ignores it); limit-rps is also set and wins");
    } else {
      p.limit_rps = alias;
      warn(key("rate-limit"),
           "not an ingress-nginx annotation (ingress-nginx ignores it); packetwalk reads it as " + key("limit-rps") +
               " (requests per second per client address): write limit-rps");
    }
  }
  if (ing.has_annotation(key("limit-burst-multiplier"))) {
    auto v = number(ing.annotation(key("limit-burst-multiplier")));
    if (v && *v >= 1) p.burst_multiplier = static_cast<int>(*v);
  }
  return p;
}

// ingress-nginx orders Ingresses oldest first; without timestamps by namespace/name.
bool older(const Ingress* a, const Ingress* b) {
  return std::make_tuple(a->creation_timestamp.empty(), a->creation_timestamp, a->meta.namespace_, a->meta.name) <
         std::make_tuple(b->creation_timestamp.empty(), b->creation_timestamp, b->meta.namespace_, b->meta.name);
}

int type_rank(PathType t) {
  switch (t) {
    case PathType::Exact: return 0;
    case PathType::Prefix: return 1;
    case PathType::ImplementationSpecific: return 2;
  }
  return 3;
}

NginxServer& server_for(NginxTable& table, const std::string& host) {
  for (auto& s : table.servers)
    if (s.host == host) return s;
  table.servers.push_back(NginxServer{});
  table.servers.back().host = host;
  return table.servers.back();
}

// Which class an Ingress asks for, and whether ingress-nginx serves it; "" reason = served.
std::string class_verdict(const Ingress& ing, const RoutingObjects& objects, const std::vector<std::string>& served,
                          std::string& class_name) {
  if (ing.class_name) {
    class_name = *ing.class_name;
  } else if (ing.has_annotation(kLegacyClass)) {
    class_name = ing.annotation(kLegacyClass);
    // The annotation names the class directly; ingress-nginx answers to "nginx" (--ingress-class).
    if (class_name == "nginx" || std::find(served.begin(), served.end(), class_name) != served.end()) return "";
    return "annotation kubernetes.io/ingress.class \"" + class_name + "\" names a class ingress-nginx does not serve";
  } else {
    for (const auto& c : objects.ingress_classes) {
      if (c.is_default) {
        class_name = c.meta.name;
        break;
      }
    }
    if (class_name.empty())
      return "no spec.ingressClassName and no default IngressClass: no controller serves it (ingress-nginx only "
             "watches Ingresses without a class when started with --watch-ingress-without-class)";
  }
  const auto* cls = objects.find_ingress_class(class_name);
  if (!cls) return "IngressClass \"" + class_name + "\" does not exist: no controller serves this Ingress";
  if (cls->controller != kNginxController)
    return "IngressClass \"" + class_name + "\" belongs to controller " + cls->controller +
           ", which is not simulated (packetwalk simulates " + std::string(kNginxController) + ")";
  return "";
}

}  // namespace

const NginxServer* NginxTable::find_server(std::string_view host) const {
  for (const auto& s : servers)
    if (!s.wildcard() && s.host != "_" && s.host == host) return &s;
  for (const auto& s : servers) {
    if (!s.wildcard()) continue;
    auto suffix = std::string_view(s.host).substr(1);
    if (host.size() > suffix.size() && host.substr(host.size() - suffix.size()) == suffix &&
        host.substr(0, host.size() - suffix.size()).find('.') == std::string_view::npos)
      return &s;
  }
  for (const auto& s : servers)
    if (s.host == "_") return &s;
  return nullptr;
}

std::string certificate_text(const NginxServer& s) {
  const std::string fake = std::string("default (fake) certificate \"") + kNginxFakeCertificate + "\"";
  if (!s.tls) return fake + " (no spec.tls names this host)";
  if (s.tls_secret.empty()) return fake + " (" + s.tls_default_reason + ")";
  if (s.tls_secret_missing) return "Secret " + s.tls_secret + " NOT FOUND: the " + fake + " is served instead";
  return "Secret " + s.tls_secret;
}

std::string NginxLocation::match_text() const {
  if (regex && type != PathType::Exact) return "regex ~* ^" + path;
  return std::string(to_string(type)) + " " + path;
}

NginxTable build_nginx_table(const RoutingObjects& objects, const kube::ServiceState& services,
                             const std::map<std::string, std::string>& config, load::Diagnostics& diags) {
  NginxTable table;
  if (auto it = config.find("ssl-redirect"); it != config.end()) table.ssl_redirect = it->second != "false";
  if (auto it = config.find("limit-req-status-code"); it != config.end()) {
    if (auto v = number(it->second); v && *v >= 100 && *v < 600) table.limit_req_status = static_cast<int>(*v);
  }
  for (const auto& c : objects.ingress_classes)
    if (c.controller == kNginxController) table.classes.push_back(c.meta.name);

  std::vector<const Ingress*> main, canary;
  for (const auto& ing : objects.ingresses) {
    std::string class_name;
    auto reason = class_verdict(ing, objects, table.classes, class_name);
    if (!reason.empty()) {
      table.ignored.push_back({ing.ref(), ing.meta.pos, reason});
      continue;
    }
    if (!ing.class_name && ing.has_annotation(kLegacyClass))
      diags.warning(ing.meta.pos_of("metadata.annotations." + std::string(kLegacyClass)), ing.ref(),
                    "metadata.annotations." + std::string(kLegacyClass) +
                        ": deprecated since Kubernetes 1.18; use spec.ingressClassName");
    (truthy(ing.annotation(key("canary"))) ? canary : main).push_back(&ing);
  }
  std::sort(main.begin(), main.end(), older);
  std::sort(canary.begin(), canary.end(), older);
  table.ingress_count = static_cast<int>(main.size() + canary.size());

  for (std::size_t k = 0; k < main.size(); ++k) {
    const Ingress& ing = *main[k];
    const std::string ing_key = ing.meta.namespace_ + "/" + ing.meta.name;
    LocationPolicy policy = read_policy(ing, diags);
    auto make_location = [&](const IngressBackend& b, const std::string& path, PathType type, int rule, int index) {
      NginxLocation loc;
      loc.path = path.empty() ? "/" : path;
      loc.type = type;
      loc.ingress = ing.ref();
      loc.ingress_key = ing_key;
      loc.rule = rule;
      loc.path_index = index;
      loc.policy = policy;
      if (!b.resource.empty()) {
        loc.upstream.problem = "resource backend " + b.resource + " is not routable by ingress-nginx";
        loc.upstream.failure_status = 503;
        loc.upstream.port_text = "-";
        loc.upstream.service = b.resource;
      } else {
        loc.upstream = resolve_upstream(services, ing.meta.namespace_, b.service, b.port);
      }
      return loc;
    };
    std::set<std::string> hosts;
    for (std::size_t i = 0; i < ing.rules.size(); ++i) {
      const auto& rule = ing.rules[i];
      auto& server = server_for(table, rule.host.empty() ? "_" : rule.host);
      hosts.insert(server.host);
      for (std::size_t j = 0; j < rule.paths.size(); ++j) {
        const auto& p = rule.paths[j];
        auto loc = make_location(p.backend, p.path, p.type, static_cast<int>(i), static_cast<int>(j));
        auto dup = std::find_if(server.locations.begin(), server.locations.end(), [&](const NginxLocation& l) {
          return l.path == loc.path && l.type == loc.type;
        });
        if (dup != server.locations.end()) {
          table.ignored.push_back({ing.ref() + " rule " + std::to_string(i) + " path " + std::to_string(j),
                                   ing.meta.pos_of(p.field),
                                   "host " + server.host + " path " + loc.match_text() + " is already defined by " +
                                       dup->ingress + " (older): ingress-nginx keeps the first"});
          continue;
        }
        server.locations.push_back(std::move(loc));
      }
    }
    if (ing.default_backend) {
      if (ing.rules.empty()) hosts.insert("_");
      for (const auto& h : hosts) {
        auto& server = server_for(table, h);
        if (!server.default_location)
          server.default_location = make_location(*ing.default_backend, "/", PathType::Prefix, -1, -1);
      }
    }
    // Certificates, the way ingress-nginx's createServers assigns them: per rule host, the oldest
    // Ingress that has a tls section decides. An entry listing the host gives its Secret; else an
    // entry whose certificate covers the host (packetwalk reads no certificates: an entry's hosts,
    // with X.509's one-label wildcards, stand for its certificate's names, and its Secret must
    // exist); else the controller's default self-signed certificate. The host has a certificate
    // either way, so ssl-redirect applies to it. spec.tls hosts that no rule names make no server.
    if (!ing.tls.empty()) {
      for (const auto& rule : ing.rules) {
        auto& server = server_for(table, rule.host.empty() ? "_" : rule.host);
        if (server.tls) continue;
        server.tls = true;
        const IngressTls* listed = nullptr;
        for (const auto& t : ing.tls)
          for (const auto& h : t.hosts)
            if (!listed && normalize_host(h) == server.host) listed = &t;
        const IngressTls* covering = listed;
        for (const auto& t : ing.tls) {
          if (covering || t.secret_name.empty() || !objects.has_secret(ing.meta.namespace_, t.secret_name)) continue;
          for (const auto& h : t.hosts)
            if (h.rfind("*.", 0) == 0 && ingress_host_matches(normalize_host(h), server.host)) covering = &t;
        }
        if (!covering || covering->secret_name.empty()) {
          server.tls_default_reason = listed ? "its spec.tls entry in " + ing.ref() + " has no secretName"
                                             : "the tls section of " + ing.ref() + " does not name it";
          continue;
        }
        server.tls_secret = ing.meta.namespace_ + "/" + covering->secret_name;
        server.tls_secret_missing = !objects.has_secret(ing.meta.namespace_, covering->secret_name);
        if (server.tls_secret_missing)
          diags.warning(ing.meta.pos_of(covering->field + ".secretName"), ing.ref(),
                        covering->field + ".secretName: Secret " + server.tls_secret + " not found: ingress-nginx serves " +
                            server.host + " with its default (fake) certificate \"" + kNginxFakeCertificate + "\"");
      }
    }
  }

  for (const Ingress* ing : canary) {
    for (std::size_t i = 0; i < ing->rules.size(); ++i) {
      const auto& rule = ing->rules[i];
      const std::string host = rule.host.empty() ? "_" : rule.host;
      for (std::size_t j = 0; j < rule.paths.size(); ++j) {
        const auto& p = rule.paths[j];
        NginxLocation* target = nullptr;
        for (auto& s : table.servers) {
          if (s.host != host) continue;
          for (auto& l : s.locations)
            if (l.path == (p.path.empty() ? "/" : p.path) && l.type == p.type) target = &l;
        }
        if (!target) {
          table.ignored.push_back({ing->ref() + " rule " + std::to_string(i) + " path " + std::to_string(j),
                                   ing->meta.pos_of(p.field),
                                   "canary: no main (non-canary) Ingress defines host " + host + " path " +
                                       std::string(to_string(p.type)) + " " + p.path + "; ingress-nginx ignores it"});
          continue;
        }
        CanaryBackend c;
        c.ingress = ing->ref();
        c.upstream = resolve_upstream(services, ing->meta.namespace_, p.backend.service, p.backend.port);
        auto weight = number(ing->annotation(key("canary-weight")));
        c.weight = weight ? static_cast<int>(*weight) : 0;
        auto total = number(ing->annotation(key("canary-weight-total")));
        c.weight_total = total && *total > 100 ? static_cast<int>(*total) : 100;
        c.by_header = ing->annotation(key("canary-by-header"));
        c.by_header_value = ing->annotation(key("canary-by-header-value"));
        target->canaries.push_back(std::move(c));
      }
    }
  }

  if (std::none_of(table.servers.begin(), table.servers.end(), [](const NginxServer& s) { return s.host == "_"; }))
    server_for(table, "_");
  for (auto& s : table.servers) {
    bool regex = std::any_of(s.locations.begin(), s.locations.end(), [](const NginxLocation& l) {
      return l.policy.use_regex || !l.policy.rewrite_target.empty();
    });
    for (auto& l : s.locations) l.regex = regex && l.type != PathType::Exact;
    // Exact first, then longer paths, Prefix before ImplementationSpecific; the stable sort keeps
    // the older Ingress first on ties (locations were added oldest Ingress first).
    std::stable_sort(s.locations.begin(), s.locations.end(), [](const NginxLocation& a, const NginxLocation& b) {
      return std::make_tuple(a.type != PathType::Exact, -static_cast<long>(a.path.size()), type_rank(a.type)) <
             std::make_tuple(b.type != PathType::Exact, -static_cast<long>(b.path.size()), type_rank(b.type));
    });
  }
  std::sort(table.servers.begin(), table.servers.end(), [](const NginxServer& a, const NginxServer& b) {
    auto rank = [](const NginxServer& s) { return s.host == "_" ? 2 : s.wildcard() ? 1 : 0; };
    return std::make_tuple(rank(a), a.host) < std::make_tuple(rank(b), b.host);
  });
  return table;
}

}  // namespace packetwalk::model::ingress
