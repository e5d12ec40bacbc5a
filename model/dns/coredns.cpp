// CoreDNS's request path over the modelled plugins: server block selection, the plugin chain in
// plugin.cfg order, cache's TTL cap, rewrite's restoring of the question, UDP truncation.
#include "packetwalk/model/dns/coredns.h"

#include <algorithm>

#include "packetwalk/model/text/regex.h"

namespace packetwalk::model::dns {

namespace {

constexpr int kMaxDepth = 8;               // nested self-lookups (ExternalName targets)
constexpr std::size_t kUdpPayloadMax = 512;  // without EDNS0 (RFC 1035 4.2.1)

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// CoreDNS writes a regex rewrite's groups as {1}, {2}...: one left-to-right pass, so a group whose
// text itself reads "{1}" is copied, not expanded again.
std::string substitute_groups(const std::string& pattern, const std::vector<std::string>& groups) {
  auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  std::string out;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '{') {
      const auto close = pattern.find('}', i + 1);
      const auto digits = close == std::string::npos ? std::string() : pattern.substr(i + 1, close - i - 1);
      if (!digits.empty() && digits.size() <= 2 && std::all_of(digits.begin(), digits.end(), is_digit)) {
        const auto g = static_cast<std::size_t>(std::stoi(digits));
        if (g < groups.size()) {
          out += groups[g];
          i = close;
          continue;
        }
      }
    }
    out += pattern[i];
  }
  return out;
}

// The rewritten name, or nullopt when `rule` does not match `name` (canonical).
std::optional<std::string> apply_rewrite(const RewriteRule& rule, const std::string& name) {
  switch (rule.match) {
    case RewriteMatch::Exact:
      if (name == rule.from) return rule.to;
      return std::nullopt;
    case RewriteMatch::Prefix: {
      std::string from = lower(rule.from);
      if (name.rfind(from, 0) != 0) return std::nullopt;
      return canonical(lower(rule.to) + name.substr(from.size()));
    }
    case RewriteMatch::Suffix:
      if (name.size() < rule.from.size() || name.compare(name.size() - rule.from.size(), rule.from.size(), rule.from) != 0)
        return std::nullopt;
      return canonical(name.substr(0, name.size() - rule.from.size()) + rule.to);
    case RewriteMatch::Substring: {
      std::string from = lower(rule.from);
      if (from.empty() || name.find(from) == std::string::npos) return std::nullopt;
      std::string out = name;
      for (std::size_t at = out.find(from); at != std::string::npos; at = out.find(from, at + rule.to.size()))
        out.replace(at, from.size(), lower(rule.to));
      return canonical(out);
    }
    case RewriteMatch::Regex: {
      // CoreDNS matches the pattern as written against request.Name(), which is lower-cased: a
      // pattern with capitals never matches unless it says (?i).
      const auto m = text::Regex::compiled(rule.from).search(name);
      if (!m) return std::nullopt;
      return canonical(substitute_groups(rule.to, *m));
    }
  }
  return std::nullopt;
}

void cap_ttls(std::vector<ResourceRecord>& records, std::uint32_t cap) {
  for (auto& r : records) r.ttl = std::min(r.ttl, cap);
}

}  // namespace

struct CoreDnsServer::Outcome {
  Rcode rcode = Rcode::ServFail;
  bool aa = false, ra = false;
  std::vector<ResourceRecord> answers, authority, additional;
  std::string note;
};

CoreDnsServer::CoreDnsServer(Corefile corefile, KubeData data, const UpstreamServers* upstreams,
                             std::vector<net::Ipv4Address> resolv_conf)
    : corefile_(std::move(corefile)), upstreams_(upstreams), resolv_conf_(std::move(resolv_conf)) {
  for (const auto& b : corefile_.blocks) {
    if (b.kubernetes) kubernetes_.emplace_back(KubernetesPlugin(*b.kubernetes, data));
    else kubernetes_.emplace_back(std::nullopt);
  }
}

CoreDnsServer::Outcome CoreDnsServer::forward(const ForwardConfig& f, const Question& q) const {
  std::vector<net::Ipv4Address> targets = f.to;
  if (f.resolv_conf) targets.insert(targets.end(), resolv_conf_.begin(), resolv_conf_.end());
  Outcome o;
  std::string tried;
  for (auto t : targets) {
    const load::DnsServerSpec* server = upstreams_ ? upstreams_->find(t) : nullptr;
    if (!server) {
      tried += (tried.empty() ? "" : ", ") + t.to_string();
      continue;
    }
    Message m = upstreams_->answer(*server, make_query(0, q.name, q.type));
    o.rcode = m.rcode;
    o.ra = true;
    o.answers = std::move(m.answers);
    o.authority = std::move(m.authority);
    o.additional = std::move(m.additional);
    o.note = "forward to " + t.to_string() + " (modelled upstream)";
    return o;
  }
  o.rcode = Rcode::ServFail;
  o.note = targets.empty() ? "forward: no upstream (empty resolv.conf)"
                           : "forward: no DNS server modelled at " + tried + " (list it under cluster.dns.servers)";
  return o;
}

CoreDnsServer::Outcome CoreDnsServer::serve(const Question& q, net::Ipv4Address local_ip, int depth) const {
  for (std::size_t i = 0; i < corefile_.blocks.size(); ++i) {
    if (&corefile_.blocks[i] == corefile_.block_for(q.name)) return serve_block(corefile_.blocks[i], i, q, local_ip, depth);
  }
  Outcome o;
  o.rcode = Rcode::Refused;
  o.note = "no server block of the Corefile serves " + canonical(q.name);
  return o;
}

CoreDnsServer::Outcome CoreDnsServer::serve_block(const ServerBlock& block, std::size_t index, const Question& asked,
                                                  net::Ipv4Address local_ip, int depth) const {
  Question q = asked;
  std::vector<std::pair<const RewriteRule*, std::string>> applied;  // rule, name it produced
  for (const auto& rule : block.rewrites) {
    if (auto to = apply_rewrite(rule, canonical(q.name))) {
      q.name = *to;
      applied.emplace_back(&rule, *to);
      if (rule.stop) break;
    }
  }
  std::string rewrite_note;
  if (!applied.empty()) rewrite_note = "rewrite " + canonical(asked.name) + " -> " + canonical(q.name) + ", then ";

  Outcome o;
  bool answered = false;
  auto in_any = [&](const std::vector<std::string>& zones) {
    const auto& list = zones.empty() ? block.zones : zones;
    return std::any_of(list.begin(), list.end(), [&](const std::string& z) { return in_zone(q.name, z); });
  };

  if (block.hosts && in_any(block.hosts->zones)) {
    const auto& h = *block.hosts;
    bool name_known = false;
    for (const auto& e : h.entries) {
      for (const auto& n : e.names) {
        if (n != canonical(q.name)) continue;
        name_known = true;
        if (q.type == rr::A) o.answers.push_back(ResourceRecord::make_a(q.name, h.ttl, e.address));
      }
      if (q.type == rr::PTR && !h.no_reverse && address_from_reverse(q.name) == e.address) {
        for (const auto& n : e.names) o.answers.push_back(ResourceRecord::make_name(rr::PTR, q.name, h.ttl, n));
      }
    }
    if (!o.answers.empty() || !falls_through(h.fallthrough, q.name)) {
      answered = true;
      o.aa = true;
      // No SOA in a hosts file: an unknown name becomes SERVFAIL, a known one of another type NODATA.
      o.rcode = o.answers.empty() && !name_known ? Rcode::ServFail : Rcode::NoError;
      o.note = "hosts";
    }
  }

  if (!answered && kubernetes_[index]) {
    UpstreamLookup upstream = [&](const std::string& name, std::uint16_t type) {
      Message m;
      if (depth < kMaxDepth) m.answers = serve(Question{name, type, kClassIn}, local_ip, depth + 1).answers;
      return m;
    };
    PluginResult r = kubernetes_[index]->serve(q, local_ip, upstream);
    if (r.kind != PluginResult::Kind::Next) {
      answered = true;
      o.aa = r.authoritative;
      o.rcode = r.kind == PluginResult::Kind::NameError ? Rcode::NxDomain
                : r.kind == PluginResult::Kind::ServerFailure ? Rcode::ServFail
                                                               : Rcode::NoError;
      o.answers = std::move(r.answers);
      o.authority = std::move(r.authority);
      o.additional = std::move(r.extra);
      o.note = "kubernetes";
    } else if (!r.note.empty()) {
      rewrite_note += "kubernetes: not found, fallthrough, then ";
    }
  }

  if (!answered && block.forward && in_zone(q.name, block.forward->from)) {
    const auto& ex = block.forward->except;
    if (std::none_of(ex.begin(), ex.end(), [&](const std::string& z) { return in_zone(q.name, z); })) {
      o = forward(*block.forward, q);
      answered = true;
    }
  }
  if (!answered) {
    o.rcode = Rcode::ServFail;
    o.note = "no plugin of the server block answers " + canonical(q.name);
  }
  o.note = rewrite_note + o.note;

  // cache runs before rewrite in CoreDNS, so it sees (and keys on) the name as asked.
  if (block.cache) {
    const auto& c = *block.cache;
    const auto& zones = c.zones.empty() ? block.zones : c.zones;
    auto listed = [&](const std::vector<std::string>& list) {
      return std::any_of(list.begin(), list.end(), [&](const std::string& z) { return in_zone(asked.name, z); });
    };
    bool cached_zone = listed(zones);
    bool positive = o.rcode == Rcode::NoError && !o.answers.empty();
    bool negative = o.rcode == Rcode::NxDomain || (o.rcode == Rcode::NoError && o.answers.empty());
    if (cached_zone && positive && !listed(c.disable_success)) {
      cap_ttls(o.answers, c.success_ttl);
      cap_ttls(o.additional, c.success_ttl);
    } else if (cached_zone && negative && !listed(c.disable_denial)) {
      cap_ttls(o.authority, c.denial_ttl);
    }
  }

  // rewrite: answers named after the rewritten name go back to what was asked when told to.
  for (const auto& [rule, produced] : applied) {
    for (auto& r : o.answers) {
      if (rule->answer_auto && names_equal(r.name, produced)) r.name = asked.name;
      if (rule->answer_name) {
        const std::string owner = canonical(r.name);
        if (const auto m = text::Regex::compiled(rule->answer_name->first).search(owner))
          r.name = canonical(substitute_groups(rule->answer_name->second, *m));
      }
    }
  }
  return o;
}

Message CoreDnsServer::handle(const Message& query, net::Ipv4Address local_ip, bool over_tcp, std::string& note) const {
  Message reply = make_reply(query, Rcode::NoError);
  if (query.qr || query.opcode != 0) {
    reply.rcode = Rcode::NotImp;
    note = "not a standard query";
    return reply;
  }
  if (query.questions.size() != 1) {
    reply.rcode = Rcode::FormErr;
    note = "a query must hold exactly one question";
    return reply;
  }
  Outcome o = serve(query.questions.front(), local_ip, 0);
  reply.rcode = o.rcode;
  reply.aa = o.aa;
  reply.ra = o.ra;
  reply.answers = std::move(o.answers);
  reply.authority = std::move(o.authority);
  reply.additional = std::move(o.additional);
  note = o.note;
  if (!over_tcp && encode(reply).size() > kUdpPayloadMax) {
    reply.tc = true;
    reply.answers.clear();
    reply.authority.clear();
    reply.additional.clear();
    note += "; truncated (over 512 bytes without EDNS0)";
  }
  return reply;
}

}  // namespace packetwalk::model::dns
