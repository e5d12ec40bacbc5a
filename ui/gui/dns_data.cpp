#include "dns_data.h"

#include <sstream>

#include "../render/dns_render.h"
#include "packetwalk/model/dns/resolve_target.h"

namespace packetwalk::ui::gui {

namespace dns = model::dns;

DnsViewData dns_view_data(const dns::NameLookup& lookup) {
  DnsViewData v;
  const auto& r = lookup.result;
  std::string types;
  for (auto t : r.types) types += (types.empty() ? "" : ", ") + dns::type_name(t);
  v.title = lookup.source + " looks up " + r.name + " (" + types + ")";
  const std::string file = lookup.resolv_conf.text();
  for (std::size_t start = 0; start < file.size();) {
    auto end = file.find('\n', start);
    if (end == std::string::npos) end = file.size();
    v.resolv_conf.push_back(file.substr(start, end - start));
    start = end + 1;
  }
  v.resolv_conf.push_back(r.plan);
  for (std::size_t i = 0; i < r.exchanges.size(); ++i) {
    const auto& e = r.exchanges[i];
    const auto& p = lookup.probes[i];
    const auto& q = e.query.message.questions.front();
    DnsTry t;
    t.number = static_cast<int>(i + 1);
    t.type = dns::type_name(q.type);
    t.name = q.name;
    t.attempt = e.query.attempt;
    t.server = e.query.server.to_string() + ":53 " + (e.query.tcp ? "TCP" : "UDP");
    t.sent = "+" + render::human_time(e.sent);
    t.waited = render::human_time(e.waited);
    const auto path = dns::exchange_path(p);
    if (!path.dnat_node.empty()) t.path = "DNAT on " + path.dnat_node + " to " + path.dnat_after;
    if (!path.answered_by.empty()) t.path += (t.path.empty() ? "" : ", ") + std::string("answered by ") + path.answered_by;
    if (e.reply.status == dns::ExchangeStatus::Answered && e.reply.message) {
      const auto& m = *e.reply.message;
      t.answered = true;
      t.outcome = dns::rcode_name(m.rcode);
      t.records_found = !m.answers.empty();
      for (const auto& rec : m.answers) t.records.push_back(rec.to_string());
    } else if (e.reply.status == dns::ExchangeStatus::Answered) {
      t.outcome = "undecodable: " + e.reply.decode_error;
    } else {
      t.outcome = std::string(dns::exchange_status_name(e.reply.status)) + ": " + p.trace.reason;
    }
    v.tries.push_back(std::move(t));
  }
  v.success = r.status == dns::LookupStatus::Success;
  v.result = std::string(dns::lookup_status_name(r.status));
  if (!r.reason.empty()) v.result += ": " + r.reason;
  v.result += ", " + render::human_time(r.elapsed);
  std::ostringstream text;
  render::write_dns_text(text, lookup, false);
  v.text = text.str();
  return v;
}

std::string dns_view_dump(const DnsViewData& v) {
  std::ostringstream out;
  out << "DNS view: " << v.title << "\n";
  for (const auto& t : v.tries) {
    out << "try " << t.number << "  " << t.type << " " << t.name << "  attempt " << t.attempt << "  to " << t.server << "  sent "
        << t.sent << "  waited " << t.waited << "  " << t.outcome;
    for (const auto& r : t.records) out << "  | " << r;
    if (!t.path.empty()) out << "  (" << t.path << ")";
    out << "\n";
  }
  out << "result: " << v.result << "\n\n" << v.text;
  return out.str();
}

}  // namespace packetwalk::ui::gui
