// Name lookups as JSON: schema "packetwalk/dns/v1" and the "dns" member of trace documents.
#include "dns_render.h"
#include "json_parts.h"

namespace packetwalk::ui::render {

using nlohmann::ordered_json;
namespace dns = model::dns;

namespace {

ordered_json records_json(const std::vector<dns::ResourceRecord>& records) {
  ordered_json out = ordered_json::array();
  for (const auto& r : records) out.push_back(r.to_string());
  return out;
}

ordered_json exchange_json(const dns::ResolverExchange& e, const model::query::ProbeResult& p) {
  const auto& q = e.query.message.questions.front();
  ordered_json j;
  j["name"] = q.name;
  j["type"] = dns::type_name(q.type);
  j["server"] = e.query.server.to_string();
  j["transport"] = e.query.tcp ? "tcp" : "udp";
  j["attempt"] = e.query.attempt;
  j["id"] = e.query.message.id;
  j["sport"] = p.tuple.sport;
  j["sent_ns"] = e.sent.count_ns();
  j["waited_ns"] = e.waited.count_ns();
  j["status"] = std::string(dns::exchange_status_name(e.reply.status));
  if (e.late) j["late"] = true;  // the reply came after waited_ns: the try had timed out
  if (e.answered_by_earlier) j["answered_by_query"] = *e.answered_by_earlier + 1;  // 1-based, as in the text
  auto path = dns::exchange_path(p);
  if (!path.dnat_node.empty()) {
    j["dnat"] = {{"node", path.dnat_node}, {"from", path.dnat_before}, {"to", path.dnat_after}, {"rule", path.dnat_rule}};
  }
  if (!path.answered_by.empty()) j["answered_by"] = path.answered_by;
  if (auto by = served_by(p.response_note); !by.empty()) j["served_by"] = by;
  if (e.reply.message) {
    const auto& m = *e.reply.message;
    j["reply"] = {{"rcode", dns::rcode_name(m.rcode)},
                  {"flags", m.flags_text()},
                  {"answer", records_json(m.answers)},
                  {"authority", records_json(m.authority)},
                  {"additional", records_json(m.additional)}};
  }
  j["reason"] = p.trace.reason;
  ordered_json legs = ordered_json::array();
  ordered_json hops = ordered_json::array();
  for (const auto& leg : p.trace.legs) {
    ordered_json lj;
    lj["name"] = leg.name;
    lj["first_hop"] = hops.size();
    for (const auto& h : leg.hops) {
      ordered_json hj = hop_json(h);
      hj["leg"] = legs.size();
      hops.push_back(std::move(hj));
    }
    lj["hop_count"] = leg.hops.size();
    legs.push_back(std::move(lj));
  }
  j["legs"] = legs;
  j["hops"] = hops;
  return j;
}

}  // namespace

ordered_json lookup_json(const dns::NameLookup& lookup) {
  const auto& r = lookup.result;
  const auto& c = lookup.resolv_conf;
  ordered_json j;
  j["source"] = lookup.source;
  j["name"] = r.name;
  ordered_json types = ordered_json::array();
  for (auto t : r.types) types.push_back(dns::type_name(t));
  j["types"] = types;
  j["resolv_conf"] = {{"policy", c.policy}, {"nameservers", c.nameservers}, {"search", c.search}, {"options", c.options},
                      {"ndots", c.ndots},   {"timeout", c.timeout},         {"attempts", c.attempts}, {"notes", c.notes}};
  j["plan"] = r.plan;
  j["candidates"] = r.candidates;
  j["status"] = std::string(dns::lookup_status_name(r.status));
  j["reason"] = r.reason;
  if (r.status == dns::LookupStatus::Success) {
    j["answered_name"] = r.answered_name;
    j["canonical_name"] = r.canonical_name;
  }
  ordered_json addresses = ordered_json::array();
  for (auto a : r.addresses) addresses.push_back(a.to_string());
  j["addresses"] = addresses;
  j["records"] = records_json(r.records);
  j["elapsed_ns"] = r.elapsed.count_ns();
  ordered_json queries = ordered_json::array();
  for (std::size_t i = 0; i < r.exchanges.size(); ++i) queries.push_back(exchange_json(r.exchanges[i], lookup.probes[i]));
  j["queries"] = queries;
  return j;
}

std::string dns_to_json(const dns::NameLookup& lookup) {
  ordered_json j;
  j["schema"] = "packetwalk/dns/v1";
  // A named object: items() of a temporary would dangle once the loop starts (C++20 range-for
  // keeps only the proxy alive, not the object it points into).
  const ordered_json body = lookup_json(lookup);
  for (const auto& [k, v] : body.items()) j[k] = v;
  return j.dump(2) + "\n";
}

}  // namespace packetwalk::ui::render
