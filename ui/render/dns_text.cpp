// Name lookups as text: `packetwalk dns` and the DNS part of traces.
#include <cstdio>

#include "dns_render.h"
#include "packetwalk/model/dns/resolve_target.h"
#include "trace_render.h"

namespace packetwalk::ui::render {

namespace dns = model::dns;

namespace {

std::string types_text(const std::vector<std::uint16_t>& types) {
  std::string out;
  for (auto t : types) out += (out.empty() ? "" : ", ") + dns::type_name(t);
  return out;
}

std::string hex_id(std::uint16_t id) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%04x", id);
  return buf;
}

// getaddrinfo's words for a failed lookup, as `getent ahosts` or an application would report it.
std::string libc_words(dns::LookupStatus s) {
  switch (s) {
    case dns::LookupStatus::NxDomain: return "getaddrinfo: Name or service not known (EAI_NONAME)";
    case dns::LookupStatus::NoData: return "getaddrinfo: No address associated with hostname (EAI_NODATA)";
    case dns::LookupStatus::ServFail:
    case dns::LookupStatus::Timeout:
    case dns::LookupStatus::Refused: return "getaddrinfo: Temporary failure in name resolution (EAI_AGAIN)";
    case dns::LookupStatus::Success: return "";
  }
  return "";
}

// One line on how an exchange ended.
std::string exchange_line(const dns::ResolverExchange& e, const model::query::ProbeResult& p) {
  auto path = dns::exchange_path(p);
  std::string out;
  if (e.reply.status == dns::ExchangeStatus::Answered && e.reply.message) {
    out = dns::summarize(*e.reply.message);
    if (!path.answered_by.empty()) out += " from " + path.answered_by;
  } else {
    out = std::string(dns::exchange_status_name(e.reply.status)) + " (" + p.trace.reason + ")";
  }
  if (!path.dnat_node.empty()) out += ", DNAT on " + path.dnat_node + " by " + path.dnat_rule;
  if (e.late && !e.answered_by_earlier) out += "; after " + human_time(e.reply.elapsed) + ", too late for this try (timeout " + human_time(e.waited) + ")";
  if (e.answered_by_earlier)
    out += "; the late reply to DNS " + std::to_string(*e.answered_by_earlier + 1) + " ended this try";
  return out;
}

// "  label      value": labels padded to one column, as dig's sections line up.
std::ostream& field(std::ostream& out, const std::string& label) {
  return out << "  " << label << std::string(label.size() < 11 ? 11 - label.size() : 1, ' ');
}

void write_records(std::ostream& out, const char* label, const std::vector<dns::ResourceRecord>& records) {
  for (const auto& r : records) field(out, label) << r.to_string() << "\n";
}

std::string result_line(const dns::LookupResult& r) {
  if (r.status == dns::LookupStatus::Success) {
    std::string out = r.name;
    if (!r.addresses.empty()) {
      out += " has address";
      for (std::size_t i = 0; i < r.addresses.size(); ++i) out += (i ? ", " : " ") + r.addresses[i].to_string();
    } else {
      out += " has " + std::to_string(r.records.size()) + " record" + (r.records.size() == 1 ? "" : "s");
    }
    if (!dns::names_equal(r.canonical_name, r.answered_name)) out += " (canonical name " + r.canonical_name + ")";
    return out;
  }
  return std::string(dns::lookup_status_name(r.status)) + ": " + r.reason;
}

}  // namespace

std::string human_time(sim::Time t) {
  const std::int64_t ns = t.count_ns();
  char buf[48];
  if (ns < 1'000'000) return sim::format_time(t);
  if (ns < 1'000'000'000) {
    std::snprintf(buf, sizeof buf, "%lld.%03lldms", static_cast<long long>(ns / 1'000'000),
                  static_cast<long long>((ns / 1'000) % 1000));
    return buf;
  }
  std::snprintf(buf, sizeof buf, "%lld.%03llds", static_cast<long long>(ns / 1'000'000'000),
                static_cast<long long>((ns / 1'000'000) % 1000));
  return buf;
}

std::string served_by(const std::string& note) {
  auto at = note.find(" via ");
  return at == std::string::npos ? "" : note.substr(at + 5);
}

void write_dns_text(std::ostream& out, const dns::NameLookup& lookup, bool verbose) {
  const auto& r = lookup.result;
  const auto& conf = lookup.resolv_conf;
  out << "resolver of " << lookup.source << " (" << (conf.policy == "node" ? "the node's resolv.conf" : "dnsPolicy " + conf.policy)
      << ") looks up " << r.name << " " << types_text(r.types) << "\n";
  std::string file = conf.text();
  for (std::size_t start = 0; start < file.size();) {
    auto end = file.find('\n', start);
    out << "  " << file.substr(start, end - start) << "\n";
    start = end + 1;
  }
  if (conf.nameservers.empty()) out << "  (no nameserver line: glibc asks 127.0.0.1)\n";
  for (const auto& n : conf.notes) out << "  note: " << n << "\n";
  out << "  " << r.plan << "\n";

  for (std::size_t i = 0; i < r.exchanges.size(); ++i) {
    const auto& e = r.exchanges[i];
    const auto& p = lookup.probes[i];
    const auto& q = e.query.message.questions.front();
    out << "\nquery " << i + 1 << "  " << dns::type_name(q.type) << " " << q.name;
    if (e.query.attempt > 1) out << "  (attempt " << e.query.attempt << ")";
    out << "\n";
    field(out, "sent") << "+" << human_time(e.sent) << " " << (e.query.tcp ? "TCP " : "UDP ") << p.tuple.src.to_string() << ":"
        << p.tuple.sport << " -> " << e.query.server.to_string() << ":53, id " << hex_id(e.query.message.id) << "\n";
    auto path = dns::exchange_path(p);
    if (!path.dnat_node.empty())
      field(out, "path") << "DNAT on " << path.dnat_node << ": " << path.dnat_before << " -> " << path.dnat_after << " ("
          << path.dnat_rule << ")\n";
    if (e.answered_by_earlier) {
      // Its own reply is as slow; the one that ends the try is the earlier try's (same id, socket).
      field(out, "answered") << "by the late reply to query " << *e.answered_by_earlier + 1 << ", "
          << human_time(e.waited) << " into this try (same id, same socket: glibc takes it)\n";
      if (const auto& m = r.exchanges[*e.answered_by_earlier].reply.message) {
        field(out, "reply") << dns::rcode_name(m->rcode) << ", flags " << m->flags_text() << "\n";
        write_records(out, "answer", m->answers);
      }
    } else if (e.late) {
      std::string by = served_by(p.response_note);
      field(out, "late reply") << "by " << (path.answered_by.empty() ? "?" : path.answered_by) << (by.empty() ? "" : " (" + by + ")")
          << " after " << human_time(e.reply.elapsed) << ", but the try timed out after " << human_time(e.waited) << "\n";
    } else if (e.reply.status == dns::ExchangeStatus::Answered && e.reply.message) {
      const auto& m = *e.reply.message;
      std::string by = served_by(p.response_note);
      field(out, "answered") << "by " << (path.answered_by.empty() ? "?" : path.answered_by) << (by.empty() ? "" : " (" + by + ")")
          << " after " << human_time(e.waited) << "\n";
      field(out, "reply") << dns::rcode_name(m.rcode) << ", flags " << m.flags_text() << "\n";
      write_records(out, "answer", m.answers);
      write_records(out, "authority", m.authority);
      write_records(out, "additional", m.additional);
    } else if (e.reply.status == dns::ExchangeStatus::Answered) {
      field(out, "reply") << "undecodable: " << e.reply.decode_error << "\n";
    } else {
      field(out, "no reply") << dns::exchange_status_name(e.reply.status) << " after " << human_time(e.waited) << ": "
          << p.trace.reason << "\n";
    }
    if (verbose) write_legs(out, p.trace.legs, true, false);
  }

  out << "\nresult: " << result_line(r) << "\n";
  out << "  " << r.exchanges.size() << " quer" << (r.exchanges.size() == 1 ? "y" : "ies") << " for "
      << r.candidates.size() << " name" << (r.candidates.size() == 1 ? "" : "s") << " tried, " << human_time(r.elapsed);
  if (r.status == dns::LookupStatus::Success) out << "; answered for " << r.answered_name;
  out << "\n";
  if (auto words = libc_words(r.status); !words.empty()) out << "  " << words << "\n";
}

void write_dns_legs(std::ostream& out, const dns::NameLookup& lookup, bool verbose) {
  const auto& r = lookup.result;
  out << "\n  DNS  " << lookup.source << " resolves " << r.name << " (" << types_text(r.types) << ") with nameserver";
  for (const auto& s : lookup.resolv_conf.servers()) out << " " << s.to_string();
  out << ": " << r.plan << "\n";
  for (std::size_t i = 0; i < r.exchanges.size(); ++i) {
    const auto& e = r.exchanges[i];
    const auto& q = e.query.message.questions.front();
    out << "\n  DNS " << i + 1 << "/" << r.exchanges.size() << "  " << dns::type_name(q.type) << " " << q.name << " -> "
        << exchange_line(e, lookup.probes[i]) << "\n";
    write_legs(out, lookup.probes[i].trace.legs, verbose, !verbose);
  }
  out << "\n  DNS  result: " << result_line(r) << " (" << human_time(r.elapsed) << ")\n";
}

}  // namespace packetwalk::ui::render
