// DNS servers outside the cluster, answering from the records a scenario lists.
#include <algorithm>

#include "packetwalk/model/dns/coredns.h"

namespace packetwalk::model::dns {

const load::DnsServerSpec* UpstreamServers::find(net::Ipv4Address address) const {
  for (const auto& s : servers_)
    if (s.address == address) return &s;
  return nullptr;
}

Message UpstreamServers::answer(const load::DnsServerSpec& server, const Message& query) const {
  Message reply = make_reply(query, Rcode::NoError);
  reply.ra = true;  // a recursive resolver, unlike CoreDNS's authoritative kubernetes answers
  if (query.questions.size() != 1) {
    reply.rcode = Rcode::FormErr;
    return reply;
  }
  const Question& q = query.questions.front();

  if (q.type == rr::PTR) {
    // Reverse lookups: the names whose A records hold the address.
    if (auto ip = address_from_reverse(q.name)) {
      for (const auto& [name, values] : server.records) {
        if (std::find(values.begin(), values.end(), ip->to_string()) != values.end())
          reply.answers.push_back(ResourceRecord::make_name(rr::PTR, q.name, kUpstreamTtl, name));
      }
    }
    if (reply.answers.empty()) reply.rcode = Rcode::NxDomain;
    return reply;
  }

  std::string owner = q.name;
  std::string key = canonical(q.name);
  for (int hops = 0; hops < 8; ++hops) {
    auto it = server.records.find(key);
    if (it == server.records.end()) {
      // Unknown name (or a CNAME pointing at one): NXDOMAIN, with whatever chain led here.
      reply.rcode = Rcode::NxDomain;
      return reply;
    }
    const auto& values = it->second;
    bool is_name = values.size() == 1 && !net::Ipv4Address::parse(values.front());
    if (is_name) {
      reply.answers.push_back(ResourceRecord::make_name(rr::CNAME, owner, kUpstreamTtl, values.front()));
      if (q.type == rr::CNAME) return reply;
      owner = values.front();
      key = canonical(values.front());
      continue;
    }
    if (q.type == rr::A || q.type == rr::ANY) {
      for (const auto& v : values) reply.answers.push_back(ResourceRecord::make_a(owner, kUpstreamTtl, *net::Ipv4Address::parse(v)));
    }
    return reply;  // other types of an existing name: NODATA (NOERROR, no records)
  }
  reply.rcode = Rcode::ServFail;  // a CNAME loop
  return reply;
}

}  // namespace packetwalk::model::dns
