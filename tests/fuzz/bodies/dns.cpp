// Target "dns": what the model's DNS code parses. The first byte picks the form of the rest:
//  0  a DNS message on the wire: decoded, re-encoded and decoded again; a query is answered by
//     CoreDNS with kubeadm's Corefile (an empty cluster), as a pod's query reaches it
//  1  names: line 1 a name to look up, then resolv.conf lines (search, options, nameserver):
//     name validation, search-list expansion and a whole glibc lookup against servers that answer
//     NXDOMAIN or time out
//  2  a query name line, then a Corefile (the coredns ConfigMap's data) that answers it
#include <algorithm>
#include <sstream>

#include "fuzz_bodies.h"
#include "packetwalk/model/dns/coredns.h"
#include "packetwalk/model/dns/corefile.h"
#include "packetwalk/model/dns/message.h"
#include "packetwalk/model/dns/resolver.h"

namespace packetwalk::fuzz {

namespace {

using namespace model::dns;
namespace net = model::net;

// CoreDNS of a cluster with no Services or pods, answering `query` over UDP: the reply must decode.
void answer(const Corefile& corefile, const Message& query) {
  static const model::kube::ServiceState services;
  static const model::kube::Inventory inventory;
  static const model::load::ManifestSet manifests;
  static const UpstreamServers upstreams;
  CoreDnsServer server(corefile, KubeData{&services, &inventory, &manifests}, &upstreams,
                       {net::Ipv4Address::from_octets(192, 168, 0, 1)});
  std::string note;
  const auto reply = server.handle(query, net::Ipv4Address::from_octets(10, 244, 0, 2), false, note);
  std::string error;
  const auto bytes = encode(reply);
  check(bytes.size() <= 512 || reply.tc, "a UDP reply over 512 bytes without TC");
  auto decoded = decode(bytes, error);
  check(decoded.has_value(), "CoreDNS's reply does not decode: " + error + " (" + summarize(reply) + ")");
  check(decoded->id == query.id && decoded->qr, "CoreDNS's reply has another id or no QR bit");
}

const Corefile& kubeadm() {
  static const Corefile corefile = [] {
    model::load::Diagnostics diags;
    return parse_corefile(kubeadm_corefile("cluster.local"), {}, diags);
  }();
  return corefile;
}

void wire(Bytes data) {
  std::string error;
  auto message = decode(data, error);
  if (!message) {
    check(!error.empty(), "decode failed without saying why");
    return;
  }
  (void)summarize(*message);
  (void)message->flags_text();
  for (const auto* section : {&message->answers, &message->authority, &message->additional})
    for (const auto& r : *section) (void)r.to_string();
  auto again = decode(encode(*message), error);
  check(again.has_value(), "a decoded message does not decode after encoding: " + error);
  check(*again == *message, "a message changes when encoded and decoded again: " + summarize(*message));
  if (!message->qr && message->questions.size() == 1) answer(kubeadm(), *message);
}

void names(const std::vector<std::string>& lines) {
  const std::string& name = lines[0];
  const std::string why = name_error(name);
  const std::string abs = absolute(name);
  check(!abs.empty() && abs.back() == '.', "absolute() without a trailing dot: " + abs);
  check(canonical(abs) == canonical(name), "canonical differs between a name and its absolute form");
  check(names_equal(name, abs), "a name differs from its absolute form");
  (void)labels(name);
  if (auto a = address_from_reverse(name)) check(address_from_reverse(reverse_name(*a)) == a, "reverse names do not round-trip");

  ResolvConf conf;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    std::istringstream words(lines[i]);
    std::string key, word;
    words >> key;
    while (words >> word) {
      if (key == "search") conf.search.push_back(word);
      else if (key == "options") conf.options.push_back(word);
      else if (key == "nameserver") conf.nameservers.push_back(word);
    }
  }
  apply_options(conf);
  check(conf.ndots >= 0 && conf.ndots <= 15 && conf.timeout >= 0 && conf.timeout <= 30 && conf.attempts >= 0 &&
            conf.attempts <= 5,
        "resolv.conf options outside glibc's limits");
  for (const auto& s : conf.search) (void)in_zone(abs, absolute(s));
  (void)conf.text();
  const auto servers = conf.servers();
  check(!servers.empty() && servers.size() <= 3, "glibc queries between 1 and 3 nameservers");
  const auto candidates = search_candidates(name, conf);
  for (const auto& c : candidates) check(!c.empty() && c.back() == '.', "a search candidate is not absolute: " + c);
  if (!why.empty()) return;  // an application gets EAI_NONAME before any query

  // A whole lookup: servers answer NXDOMAIN, except the first which times out when the name's
  // length is odd (exercises the retry and give-up rules). It must end, with a bounded number
  // of queries: attempts x servers x (candidates) x (A and AAAA, TCP retries).
  const bool first_times_out = name.size() % 2 == 1;
  std::size_t queries = 0;
  auto transport = [&](const ResolverQuery& q) {
    ++queries;
    ResolverReply r;
    if (first_times_out && q.server == servers.front()) return r;
    r.status = ExchangeStatus::Answered;
    r.message = make_reply(q.message, Rcode::NxDomain);
    r.elapsed = sim::Time::us(100);
    return r;
  };
  auto result = resolve(name, {rr::A, rr::AAAA}, conf, transport);
  const std::size_t bound = static_cast<std::size_t>(std::max(conf.attempts, 1)) * servers.size() * (candidates.size() + 1) * 4;
  check(queries <= bound, "a lookup sent " + std::to_string(queries) + " queries, more than " + std::to_string(bound));
  check(result.status != LookupStatus::Success, "a lookup succeeded against servers that only say NXDOMAIN");
}

void corefile(const std::vector<std::string>& lines) {
  model::load::Diagnostics diags;
  const std::string text = lines.size() > 1 ? lines[1] : "";
  auto parsed = parse_corefile(text, {"Corefile", 1, "ConfigMap kube-system/coredns"}, diags);
  check_diagnostics(diags);
  if (diags.has_errors() || name_error(lines[0]) != "") return;
  (void)parsed.block_for(absolute(lines[0]));
  answer(parsed, make_query(0x1234, absolute(lines[0]), rr::A));
  answer(parsed, make_query(0x1235, absolute(lines[0]), rr::SRV));
}

}  // namespace

void fuzz_dns(Bytes data) {
  if (data.empty()) return;
  const auto rest = data.subspan(1);
  switch (data[0] % 3) {
    case 0: wire(rest); break;
    case 1: names(split_lines(as_text(rest), 12)); break;
    default: corefile(split_lines(as_text(rest), 2)); break;
  }
}

}  // namespace packetwalk::fuzz
