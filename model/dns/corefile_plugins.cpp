// Readers of the Corefile directives packetwalk models: kubernetes, forward, hosts, rewrite, cache.
#include <algorithm>
#include <charconv>

#include "corefile_parts.h"
#include "packetwalk/model/dns/message.h"
#include "packetwalk/model/text/regex.h"

namespace packetwalk::model::dns::detail {

namespace {

std::optional<long> number(const std::string& s) {
  long v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::vector<std::string> zones_of(const std::vector<Token>& args, std::size_t from) {
  std::vector<std::string> out;
  for (std::size_t i = from; i < args.size(); ++i) out.push_back(zone_arg(args[i].text));
  return out;
}

std::optional<std::uint32_t> read_ttl(const Directive& o, std::uint32_t max, CorefileReporter& report) {
  auto v = o.args.size() == 1 ? number(o.args[0].text) : std::nullopt;
  if (!v || *v < 0 || *v > static_cast<long>(max)) {
    report.error(o.line, o.name + " needs one number between 0 and " + std::to_string(max));
    return std::nullopt;
  }
  return static_cast<std::uint32_t>(*v);
}

// "10.0.0.1", "10.0.0.1:53", "dns://10.0.0.1"; nullopt (reported) otherwise.
std::optional<net::Ipv4Address> upstream_address(const Token& t, CorefileReporter& report) {
  std::string s = t.text;
  if (s.rfind("dns://", 0) == 0) s = s.substr(6);
  if (s.find("://") != std::string::npos) {
    report.warning(t.line, "forward to \"" + t.text + "\": only plain DNS upstreams are modelled; it is ignored");
    return std::nullopt;
  }
  if (auto colon = s.find(':'); colon != std::string::npos && s.find(':', colon + 1) == std::string::npos) {
    if (s.substr(colon + 1) != "53")
      report.warning(t.line, "forward to \"" + t.text + "\": the port is not modelled; the server is asked on 53");
    s = s.substr(0, colon);
  }
  auto ip = net::Ipv4Address::parse(s);
  if (!ip) report.warning(t.line, "forward to \"" + t.text + "\": not an IPv4 address; it is ignored");
  return ip;
}

}  // namespace

bool read_block_keys(const std::vector<Token>& keys, ServerBlock& block, CorefileReporter& report) {
  for (const auto& key : keys) {
    std::string text = key.text;
    while (!text.empty() && text.back() == ',') text.pop_back();
    if (text.empty()) continue;
    if (text.rfind("dns://", 0) == 0) text = text.substr(6);
    if (text.find("://") != std::string::npos) {
      report.warning(key.line, "server block \"" + key.text + "\": only plain DNS (dns://) is modelled; the block is ignored");
      return false;
    }
    std::string zone = text;
    if (auto colon = text.rfind(':'); colon != std::string::npos) {
      auto port = number(text.substr(colon + 1));
      if (!port || *port < 1 || *port > 65535) {
        report.error(key.line, "server block key \"" + key.text + "\" has an invalid port");
        return false;
      }
      block.port = static_cast<int>(*port);
      zone = text.substr(0, colon);
    }
    if (zone.find('/') != std::string::npos) {
      report.warning(key.line, "server block key \"" + key.text + "\": CIDR zones are not modelled; the block is ignored");
      return false;
    }
    block.zones.push_back(zone.empty() ? "." : zone_arg(zone));
  }
  return !block.zones.empty();
}

void read_kubernetes(const Directive& d, ServerBlock& block, CorefileReporter& report) {
  if (block.kubernetes) report.warning(d.line, "a second kubernetes plugin in one server block; the last one counts");
  KubernetesConfig k;
  k.line = d.line;
  k.zones = d.args.empty() ? block.zones : zones_of(d.args, 0);
  for (const auto& o : d.block) {
    if (o.name == "pods") {
      std::string mode = o.args.size() == 1 ? o.args[0].text : "";
      if (mode == "disabled") k.pods = PodsMode::Disabled;
      else if (mode == "insecure") k.pods = PodsMode::Insecure;
      else if (mode == "verified") k.pods = PodsMode::Verified;
      else report.error(o.line, "pods needs one of disabled, insecure, verified");
    } else if (o.name == "ttl") {
      if (auto ttl = read_ttl(o, 3600, report)) k.ttl = *ttl;
    } else if (o.name == "fallthrough") {
      k.fallthrough = zones_of(o.args, 0);
    } else if (o.name == "namespaces") {
      for (const auto& a : o.args) k.namespaces.push_back(a.text);
    } else if (o.name == "endpoint_pod_names") {
      k.endpoint_pod_names = true;
    } else if (o.name == "ignore") {
      if (o.args.size() == 1 && o.args[0].text == "empty_service") k.ignore_empty_service = true;
      else report.error(o.line, "ignore supports only empty_service");
    } else if (o.name == "noendpoints" || o.name == "labels" || o.name == "namespace_labels" || o.name == "multicluster") {
      report.warning(o.line, "kubernetes option \"" + o.name + "\" is not modelled; it is ignored");
    } else if (o.name == "kubeconfig" || o.name == "endpoint" || o.name == "tls" || o.name == "resyncperiod" ||
               o.name == "upstream" || o.name == "startup_timeout" || o.name == "apiserver_qps" ||
               o.name == "apiserver_burst" || o.name == "apiserver_max_inflight") {
      continue;  // how the plugin reaches the API server: no effect on answers
    } else {
      report.warning(o.line, "unknown kubernetes option \"" + o.name + "\"; it is ignored");
    }
  }
  block.kubernetes = std::move(k);
}

void read_forward(const Directive& d, ServerBlock& block, CorefileReporter& report) {
  if (d.args.size() < 2) {
    report.error(d.line, "forward needs FROM and at least one TO (e.g. \"forward . /etc/resolv.conf\")");
    return;
  }
  if (block.forward) report.warning(d.line, "a second forward plugin in one server block; the last one counts");
  ForwardConfig f;
  f.line = d.line;
  f.from = zone_arg(d.args[0].text);
  for (std::size_t i = 1; i < d.args.size(); ++i) {
    if (d.args[i].text.rfind('/', 0) == 0) {
      f.resolv_conf = true;
      continue;
    }
    if (auto ip = upstream_address(d.args[i], report)) f.to.push_back(*ip);
  }
  for (const auto& o : d.block) {
    if (o.name == "except") {
      for (const auto& a : o.args) f.except.push_back(zone_arg(a.text));
    }
    // policy, max_concurrent, health_check, force_tcp, expire, ...: transport tuning, no effect here.
  }
  block.forward = std::move(f);
}

void read_hosts(const Directive& d, ServerBlock& block, CorefileReporter& report) {
  HostsConfig h;
  h.line = d.line;
  std::string file = d.args.empty() ? "/etc/hosts" : d.args[0].text;
  h.zones = zones_of(d.args, 1);
  // The CoreDNS container's /etc/hosts is the kubelet's: localhost and the pod's own name. Other
  // files are not visible to packetwalk.
  if (file == "/etc/hosts") h.entries.push_back(HostsEntry{net::Ipv4Address::from_octets(127, 0, 0, 1), {"localhost."}});
  else report.warning(d.line, "hosts file \"" + file + "\" is not modelled; only inline entries are served");
  for (const auto& o : d.block) {
    if (auto ip = net::Ipv4Address::parse(o.name)) {
      HostsEntry e{*ip, {}};
      for (const auto& a : o.args) e.names.push_back(canonical(a.text));
      if (e.names.empty()) report.error(o.line, "hosts entry \"" + o.name + "\" has no names");
      else h.entries.push_back(std::move(e));
    } else if (o.name == "ttl") {
      if (auto ttl = read_ttl(o, 65535, report)) h.ttl = *ttl;
    } else if (o.name == "no_reverse") {
      h.no_reverse = true;
    } else if (o.name == "fallthrough") {
      h.fallthrough = zones_of(o.args, 0);
    } else if (o.name != "reload") {
      report.warning(o.line, "hosts line \"" + o.name + "\" is neither an IPv4 entry nor a known option; it is ignored");
    }
  }
  block.hosts = std::move(h);
}

namespace {

std::optional<RewriteMatch> match_of(const std::string& s) {
  if (s == "exact") return RewriteMatch::Exact;
  if (s == "prefix") return RewriteMatch::Prefix;
  if (s == "suffix") return RewriteMatch::Suffix;
  if (s == "substring") return RewriteMatch::Substring;
  if (s == "regex") return RewriteMatch::Regex;
  return std::nullopt;
}

// `name [TYPE] FROM TO [answer auto | answer name FROM TO]`, args starting after "name".
bool read_name_rule(const std::vector<Token>& a, std::size_t i, RewriteRule& r, CorefileReporter& report, int line) {
  if (i < a.size()) {
    if (auto m = match_of(a[i].text)) {
      r.match = *m;
      ++i;
    }
  }
  if (i + 2 > a.size()) {
    report.error(line, "rewrite name needs FROM and TO");
    return false;
  }
  r.from = a[i].text;
  r.to = a[i + 1].text;
  i += 2;
  if (r.match == RewriteMatch::Regex) {
    // CoreDNS compiles it with Go's regexp, whose syntax is RE2's.
    if (text::Regex re(r.from); !re.ok()) {
      report.error(line, "rewrite regex \"" + r.from + "\" does not compile: " + re.error());
      return false;
    }
  }
  if (r.match == RewriteMatch::Exact || r.match == RewriteMatch::Suffix) {
    r.from = canonical(r.from);
    r.to = canonical(r.to);
  }
  if (i < a.size() && a[i].text == "answer") {
    if (i + 1 < a.size() && a[i + 1].text == "auto") r.answer_auto = true;
    else if (i + 3 < a.size() && a[i + 1].text == "name") r.answer_name = std::make_pair(a[i + 2].text, a[i + 3].text);
    else report.warning(line, "rewrite answer form not modelled (use \"answer auto\" or \"answer name FROM TO\")");
  }
  return true;
}

}  // namespace

void read_rewrite(const Directive& d, ServerBlock& block, CorefileReporter& report) {
  RewriteRule r;
  r.line = d.line;
  std::size_t i = 0;
  if (i < d.args.size() && (d.args[i].text == "continue" || d.args[i].text == "stop")) r.stop = d.args[i++].text == "stop";
  if (d.has_block && i == d.args.size()) {
    bool have_name = false;
    for (const auto& o : d.block) {
      if (o.name == "name") have_name = read_name_rule(o.args, 0, r, report, o.line);
      else if (o.name == "answer" && o.args.size() == 3 && o.args[0].text == "name")
        r.answer_name = std::make_pair(o.args[1].text, o.args[2].text);
      else report.warning(o.line, "rewrite rule \"" + o.name + "\" is not modelled; it is ignored");
    }
    if (have_name) block.rewrites.push_back(std::move(r));
    return;
  }
  if (i >= d.args.size() || d.args[i].text != "name") {
    report.warning(d.line, "rewrite of \"" + (i < d.args.size() ? d.args[i].text : std::string("?")) +
                               "\" is not modelled (only `rewrite name`); it is ignored");
    return;
  }
  if (read_name_rule(d.args, i + 1, r, report, d.line)) block.rewrites.push_back(std::move(r));
}

void read_cache(const Directive& d, ServerBlock& block, CorefileReporter& report) {
  CacheConfig c;
  c.line = d.line;
  std::size_t i = 0;
  if (!d.args.empty()) {
    if (auto ttl = number(d.args[0].text)) {
      if (*ttl < 0) report.error(d.line, "cache TTL must not be negative");
      c.success_ttl = c.denial_ttl = static_cast<std::uint32_t>(std::max<long>(*ttl, 0));
      i = 1;
    }
  }
  c.zones = zones_of(d.args, i);
  for (const auto& o : d.block) {
    if ((o.name == "success" || o.name == "denial") && o.args.size() >= 2) {
      auto ttl = number(o.args[1].text);
      if (!ttl || *ttl < 0) report.error(o.line, o.name + " TTL must be a number");
      else (o.name == "success" ? c.success_ttl : c.denial_ttl) = static_cast<std::uint32_t>(*ttl);
    } else if (o.name == "disable" && !o.args.empty()) {
      auto zones = zones_of(o.args, 1);
      if (zones.empty()) zones.push_back(".");
      auto& list = o.args[0].text == "success" ? c.disable_success : c.disable_denial;
      if (o.args[0].text != "success" && o.args[0].text != "denial") report.error(o.line, "disable needs success or denial");
      else list.insert(list.end(), zones.begin(), zones.end());
    }
    // success/denial capacities, prefetch, serve_stale, keepttl: no effect on one fresh answer.
  }
  block.cache = std::move(c);
}

}  // namespace packetwalk::model::dns::detail
