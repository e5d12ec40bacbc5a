// packetwalk routes: the HTTP routing tables the ingress controller and the Gateways would build,
// the routes they reject and why, and which rule answers a given request.
#include <algorithm>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "http_exec.h"
#include "options.h"
#include "packetwalk/model/ingress/match.h"
#include "packetwalk/model/ingress/runtime.h"

namespace packetwalk::ui::cli {

namespace {

namespace ing = model::ingress;

std::string pad(const std::string& s, std::size_t w) { return s.size() >= w ? s + " " : s + std::string(w - s.size(), ' '); }

std::string policy_text(const ing::NginxLocation& l) {
  std::string out;
  auto add = [&](const std::string& s) { out += (out.empty() ? "" : ", ") + s; };
  const auto& p = l.policy;
  auto num = [](double v) {
    std::string s = std::to_string(v);
    s.erase(s.find_last_not_of('0') + 1);
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s;
  };
  if (!p.rewrite_target.empty()) add("rewrite-target " + p.rewrite_target);
  if (p.limit_rps > 0) add("limit-rps " + num(p.limit_rps) + " (burst " + num(p.limit_rps * p.burst_multiplier) + ")");
  if (p.limit_rpm > 0) add("limit-rpm " + num(p.limit_rpm));
  if (!p.allow_source.empty()) {
    std::string r;
    for (const auto& c : p.allow_source) r += (r.empty() ? "" : ",") + c.to_string();
    add("allow " + r);
  }
  if (p.force_ssl_redirect) add("force-ssl-redirect");
  if (p.ssl_redirect && !*p.ssl_redirect) add("ssl-redirect false");
  if (p.service_upstream) add("service-upstream");
  for (const auto& c : l.canaries) {
    std::string s = "canary " + c.upstream.label();
    if (c.weight) s += " weight " + std::to_string(c.weight) + "/" + std::to_string(c.weight_total);
    if (!c.by_header.empty()) s += " by-header " + c.by_header + (c.by_header_value.empty() ? "" : "=" + c.by_header_value);
    add(s);
  }
  return out;
}

std::string upstream_text(const ing::Upstream& u) {
  std::string s = u.label();
  if (!u.usable()) s += " [" + std::to_string(u.failure_status) + ": " + u.problem + "]";
  else s += " (" + std::to_string(u.endpoints.size()) + " endpoint" + (u.endpoints.size() == 1 ? "" : "s") + ")";
  return s;
}

std::string source(const ing::NginxLocation& l) {
  if (l.rule < 0) return l.ingress + " spec.defaultBackend";
  return l.ingress + " rule " + std::to_string(l.rule) + " path " + std::to_string(l.path_index);
}

std::string conditions(const std::vector<ing::Condition>& cs) {
  std::string out;
  for (const auto& c : cs) {
    if (c.type == "Conflicted" && c.status == "False") continue;
    out += (out.empty() ? "" : ", ") + c.type + (c.status == "True" ? "" : "=" + c.status + " " + c.reason);
    if (c.status != "True" && !c.message.empty()) out += " (" + c.message + ")";
  }
  return out;
}

void write_nginx(std::ostream& out, const model::cluster::Cluster& c) {
  const auto& rt = c.ingress();
  const auto& t = rt.nginx();
  if (t.ingress_count == 0 && t.ignored.empty() && !rt.has_nginx_controller()) return;
  out << "ingress-nginx (controller " << ing::kNginxController << "; classes:";
  for (const auto& cls : t.classes) out << " " << cls;
  if (t.classes.empty()) out << " none";
  out << ")\n";
  std::string pods;
  for (const auto& p : rt.pods())
    if (p.gateway.empty()) pods += (pods.empty() ? "" : ", ") + p.pod + " " + p.ip.to_string();
  out << "  pods: " << (pods.empty() ? "none (nothing serves these Ingresses)" : pods) << "\n";
  out << "  address: " << (rt.nginx_address() ? rt.nginx_address()->to_string() + " (LoadBalancer)" : std::string("none")) << "\n";
  out << "  HTTPS without a usable Secret: the default (fake) certificate \"" << ing::kNginxFakeCertificate << "\"\n";
  for (const auto& line : c.installed())
    if (line.rfind("ingress-nginx", 0) == 0) out << "  installed by packetwalk: " << line << "\n";
  for (const auto& s : t.servers) {
    out << "  server " << (s.host == "_" ? "_ (every other host)" : s.host);
    // Hosts without a tls section answer HTTPS with the default certificate too (the header line
    // says so once); only servers with a certificate decision (ssl-redirect applies) show theirs.
    if (s.tls) out << "  TLS: " << ing::certificate_text(s);
    out << "\n";
    out << "    " << pad("#", 4) << pad("match", 26) << pad("backend", 44) << "from\n";
    int n = 1;
    for (const auto& l : s.locations) {
      out << "    " << pad(std::to_string(n++), 4) << pad(l.match_text(), 26) << pad(upstream_text(l.upstream), 44) << source(l) << "\n";
      auto p = policy_text(l);
      if (!p.empty()) out << "    " << std::string(30, ' ') << p << "\n";
    }
    if (s.default_location)
      out << "    " << pad("-", 4) << pad("(no path matches)", 26) << pad(upstream_text(s.default_location->upstream), 44)
          << source(*s.default_location) << "\n";
    else
      out << "    " << pad("-", 4) << pad("(no path matches)", 26) << "controller default backend: 404\n";
  }
  if (!t.ignored.empty()) {
    out << "  ignored:\n";
    for (const auto& i : t.ignored) out << "    " << i.ref << ": " << i.reason << "\n";
  }
}

void write_gateways(std::ostream& out, const model::cluster::Cluster& c) {
  const auto& g = c.ingress().gateways();
  for (const auto& gs : g.gateways) {
    out << gs.ref << " (class " << gs.class_name;
    if (!gs.controller.empty()) out << ", controller " << gs.controller;
    out << "): " << conditions(gs.conditions) << "\n";
    std::string addresses;
    for (const auto& a : gs.addresses) addresses += (addresses.empty() ? "" : ", ") + a;
    out << "  address: " << (addresses.empty() ? "none" : addresses) << "\n";
    for (std::size_t i = 0; i < gs.listeners.size(); ++i) {
      const auto& l = gs.listeners[i];
      out << "  listener " << l.name << ": " << l.protocol << " port " << l.port << " hostname "
          << (l.hostname.empty() ? "*" : l.hostname) << ": " << conditions(l.conditions) << "; attached routes "
          << l.attached_routes << "\n";
      if (gs.entries[i].empty()) continue;
      out << "    " << pad("#", 4) << pad("hostnames", 22) << pad("match", 40) << pad("backends", 40) << "from\n";
      int n = 1;
      for (const auto& e : gs.entries[i]) {
        std::string hosts;
        for (const auto& h : e.hostnames) hosts += (hosts.empty() ? "" : ",") + h;
        std::string backends;
        for (const auto& b : e.backends) {
          backends += (backends.empty() ? "" : ", ") + b.ref.to_string();
          if (e.backends.size() > 1) backends += " w" + std::to_string(b.ref.weight);
          if (!b.upstream.usable()) backends += " [" + std::to_string(b.upstream.failure_status) + "]";
        }
        for (const auto& f : e.filters) {
          if (f.type == "RequestRedirect") backends = "redirect " + std::to_string(f.status_code) + (backends.empty() ? "" : "; " + backends);
        }
        if (backends.empty()) backends = "(none: 500)";
        out << "    " << pad(std::to_string(n++), 4) << pad(hosts.empty() ? "*" : hosts, 22) << pad(e.match.to_string(), 40)
            << pad(backends, 40) << e.route << " rule " << e.rule << " match " << e.match_index << "\n";
      }
    }
  }
  if (!g.routes.empty()) {
    out << "HTTPRoutes:\n";
    for (const auto& r : g.routes) {
      for (const auto& p : r.parents) out << "  " << r.route << " -> " << p.parent << ": " << conditions(p.conditions) << "\n";
    }
  }
}

struct Answer {
  std::string router;
  ing::RouteDecision decision;
};

// Which router a request is for: a Gateway whose listener on the URL's port takes the host, else
// ingress-nginx (`--gateway` picks one explicitly).
Answer answer_request(const model::cluster::Cluster& c, const ing::HttpRequest& req, int port, model::net::Ipv4Address client,
                      const std::string& gateway) {
  const auto& rt = c.ingress();
  if (gateway.empty()) {
    if (const auto* gs = ing::gateway_for_request(rt.gateways(), port, req.host))
      return {gs->ref, ing::route_gateway(*gs, port, req, nullptr)};
  } else {
    auto slash = gateway.find('/');
    if (const auto* gs = rt.gateways().find(gateway.substr(0, slash), gateway.substr(slash + 1)))
      return {gs->ref, ing::route_gateway(*gs, port, req, nullptr)};
  }
  return {"ingress-nginx", ing::route_nginx(rt.nginx(), req, client)};
}

}  // namespace

int cmd_routes(const Args& args, std::ostream& out, std::ostream& err) {
  po::options_description d("Options");
  add_input_options(d);
  d.add_options()("scenario", po::value<std::string>(), "scenario file whose cluster to use")(
      "request", po::value<std::string>(), "a URL: which route answers it, and why the others lost")(
      "gateway", po::value<std::string>(), "with --request: ask this Gateway (NS/NAME) instead of choosing by host")(
      "client", po::value<std::string>()->default_value("203.0.113.10"), "with --request: the client address the router sees");
  add_http_options(d);
  add_output_option(d, "text | json");
  po::positional_options_description pos;
  po::variables_map vm;
  bool help = false;
  const std::string usage = "packetwalk routes -f PATH... [--scenario FILE] [--request URL [--method M] [--header K:V]...] [-o text|json]";
  if (!parse_args(args, d, pos, vm, out, err, usage, help)) return help ? kOk : kBadInput;
  const std::string format = vm["output"].as<std::string>();
  if (format != "text" && format != "json") {
    err << "packetwalk routes: unknown output format \"" << format << "\" (text, json)\n";
    return kBadInput;
  }
  std::optional<std::string> scenario;
  if (vm.count("scenario")) scenario = vm["scenario"].as<std::string>();
  if (!scenario && files_from(vm).empty()) {
    err << "packetwalk routes: give manifests with -f PATH (or --scenario FILE)\nUsage: " << usage << "\n";
    return kBadInput;
  }
  std::string error;
  auto http = http_spec_from(vm, error);
  auto client = model::net::Ipv4Address::parse(vm["client"].as<std::string>());
  if (!client) error = "--client \"" + vm["client"].as<std::string>() + "\" is not an IPv4 address";
  if (!error.empty()) {
    err << "packetwalk routes: " << error << "\n";
    return kBadInput;
  }
  auto loaded = load_cluster(scenario, files_from(vm), overrides_from(vm), err);
  if (!loaded.cluster) return loaded.exit_code;
  const auto& c = *loaded.cluster;

  if (!vm.count("request")) {
    if (format == "json") {
      err << "packetwalk routes: -o json answers a --request; the tables print as text\n";
      return kBadInput;
    }
    const auto& objects = c.ingress().objects();
    if (objects.ingresses.empty() && objects.gateways.empty() && objects.http_routes.empty()) {
      out << "no Ingress, Gateway or HTTPRoute in the input\n";
      return kOk;
    }
    write_nginx(out, c);
    write_gateways(out, c);
    return kOk;
  }

  auto url = ing::parse_url(vm["request"].as<std::string>(), error);
  if (!url) {
    err << "packetwalk routes: --request: " << error << "\n";
    return kBadInput;
  }
  ing::HttpRequest req;
  req.host = url->host;
  req.path = url->path;
  req.query = url->query;
  req.tls = url->scheme == "https";
  if (!http.method.empty()) req.method = http.method;
  if (!http.host.empty()) req.set_header("Host", http.host);
  if (!http.path.empty()) {
    auto q = http.path.find('?');
    req.path = http.path.substr(0, q);
    req.query = q == std::string::npos ? "" : http.path.substr(q + 1);
  }
  for (const auto& [k, v] : http.headers) req.set_header(k, v);
  const std::string gateway = vm.count("gateway") ? vm["gateway"].as<std::string>() : "";
  if (!gateway.empty() && gateway.find('/') == std::string::npos) {
    err << "packetwalk routes: --gateway wants NAMESPACE/NAME\n";
    return kBadInput;
  }
  auto a = answer_request(c, req, url->port, *client, gateway);
  const auto& dec = a.decision;
  // A proxied request ends with the backend's answer; packetwalk's backends are plain servers (200).
  const int status = dec.status ? dec.status : 200;
  const std::string backend = dec.upstream ? dec.upstream->label() : dec.backend_label();
  if (format == "json") {
    nlohmann::ordered_json j;
    j["schema"] = "packetwalk/routes/v1";  // docs/schemas/routes.schema.json
    j["matched"] = dec.matched;
    j["route"] = dec.route.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(dec.route);
    j["rule"] = dec.rule >= 0 ? nlohmann::ordered_json(dec.rule) : nlohmann::ordered_json(nullptr);
    j["backend"] = backend.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(backend);
    j["status"] = status;
    j["router"] = a.router;
    j["match"] = dec.match;
    j["reason"] = dec.reason;
    if (!dec.weights.empty()) {
      auto w = nlohmann::ordered_json::object();
      for (const auto& [label, weight] : dec.weights) w[label] = weight;
      j["weights"] = std::move(w);
    }
    j["lost"] = dec.lost;
    out << j.dump(2) << "\n";
    return kOk;
  }
  out << "request: " << req.method << " " << url->to_string() << " (client " << client->to_string() << ")\n";
  out << "router: " << a.router << (dec.server.empty() ? "" : ", server " + dec.server) << "\n";
  out << (dec.matched ? "matched: " : "no rule matched: ") << dec.reason << "\n";
  if (!backend.empty()) out << "backend: " << backend << "\n";
  for (const auto& [label, weight] : dec.weights) out << "  weight " << weight << ": " << label << "\n";
  for (const auto& n : dec.notes) out << "note: " << n << "\n";
  out << "status: " << status << " " << ing::reason_phrase(status)
      << (dec.status ? " (answered by the router)" : " (proxied; the backend's answer — plain servers answer 200)") << "\n";
  if (!dec.lost.empty()) {
    out << "other candidates:\n";
    for (const auto& l : dec.lost) out << "  " << l << "\n";
  }
  return kOk;
}

}  // namespace packetwalk::ui::cli
