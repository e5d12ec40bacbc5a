// Presentation forms (as dig prints them) and name helpers.
#include <algorithm>
#include <cctype>
#include <charconv>

#include "packetwalk/model/dns/message.h"

namespace packetwalk::model::dns {

namespace {

struct TypeName {
  std::uint16_t type;
  const char* name;
};
constexpr TypeName kTypes[] = {{rr::A, "A"},     {rr::NS, "NS"},   {rr::CNAME, "CNAME"}, {rr::SOA, "SOA"},
                               {rr::PTR, "PTR"}, {rr::MX, "MX"},   {rr::TXT, "TXT"},     {rr::AAAA, "AAAA"},
                               {rr::SRV, "SRV"}, {rr::ANY, "ANY"}};

std::string upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

std::string hex16(const std::array<std::uint8_t, 16>& a) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < a.size(); i += 2) {
    if (i) out += ':';
    unsigned v = static_cast<unsigned>(a[i] << 8 | a[i + 1]);
    std::string group;
    do {
      group.insert(group.begin(), digits[v & 0xf]);
      v >>= 4;
    } while (v);
    out += group;
  }
  return out;
}

}  // namespace

std::string type_name(std::uint16_t type) {
  for (const auto& t : kTypes)
    if (t.type == type) return t.name;
  return "TYPE" + std::to_string(type);
}

std::optional<std::uint16_t> parse_type(std::string_view s) {
  std::string u = upper(s);
  for (const auto& t : kTypes)
    if (u == t.name) return t.type;
  if (u.rfind("TYPE", 0) == 0 && u.size() > 4) {
    unsigned v = 0;
    auto [end, ec] = std::from_chars(u.data() + 4, u.data() + u.size(), v);
    if (ec == std::errc() && end == u.data() + u.size() && v <= 0xffff) return static_cast<std::uint16_t>(v);
  }
  return std::nullopt;
}

std::optional<std::vector<std::uint16_t>> parse_type_list(std::string_view s, std::string* bad) {
  std::vector<std::uint16_t> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    auto comma = s.find(',', start);
    if (comma == std::string_view::npos) comma = s.size();
    const auto item = s.substr(start, comma - start);
    auto t = parse_type(item);
    if (!t) {
      if (bad) *bad = std::string(item);
      return std::nullopt;
    }
    out.push_back(*t);
    start = comma + 1;
  }
  return out;
}

std::string rcode_name(Rcode r) {
  switch (r) {
    case Rcode::NoError: return "NOERROR";
    case Rcode::FormErr: return "FORMERR";
    case Rcode::ServFail: return "SERVFAIL";
    case Rcode::NxDomain: return "NXDOMAIN";
    case Rcode::NotImp: return "NOTIMP";
    case Rcode::Refused: return "REFUSED";
  }
  return "RCODE" + std::to_string(static_cast<int>(r));
}

ResourceRecord ResourceRecord::make_a(std::string name, std::uint32_t ttl, net::Ipv4Address a) {
  ResourceRecord r;
  r.name = std::move(name);
  r.type = rr::A;
  r.ttl = ttl;
  r.address = a;
  return r;
}

ResourceRecord ResourceRecord::make_name(std::uint16_t type, std::string name, std::uint32_t ttl, std::string target) {
  ResourceRecord r;
  r.name = std::move(name);
  r.type = type;
  r.ttl = ttl;
  r.target = std::move(target);
  return r;
}

ResourceRecord ResourceRecord::make_srv(std::string name, std::uint32_t ttl, SrvData srv) {
  ResourceRecord r;
  r.name = std::move(name);
  r.type = rr::SRV;
  r.ttl = ttl;
  r.srv = std::move(srv);
  return r;
}

ResourceRecord ResourceRecord::make_soa(std::string name, std::uint32_t ttl, SoaData soa) {
  ResourceRecord r;
  r.name = std::move(name);
  r.type = rr::SOA;
  r.ttl = ttl;
  r.soa = std::move(soa);
  return r;
}

ResourceRecord ResourceRecord::make_txt(std::string name, std::uint32_t ttl, std::vector<std::string> texts) {
  ResourceRecord r;
  r.name = std::move(name);
  r.type = rr::TXT;
  r.ttl = ttl;
  r.texts = std::move(texts);
  return r;
}

std::string ResourceRecord::rdata_text() const {
  switch (type) {
    case rr::A: return address.to_string();
    case rr::AAAA: return hex16(address6);
    case rr::CNAME:
    case rr::PTR:
    case rr::NS: return target;
    case rr::SRV:
      return std::to_string(srv.priority) + " " + std::to_string(srv.weight) + " " + std::to_string(srv.port) + " " +
             srv.target;
    case rr::SOA:
      return soa.mname + " " + soa.rname + " " + std::to_string(soa.serial) + " " + std::to_string(soa.refresh) + " " +
             std::to_string(soa.retry) + " " + std::to_string(soa.expire) + " " + std::to_string(soa.minimum);
    case rr::TXT: {
      std::string out;
      for (const auto& t : texts) out += (out.empty() ? "\"" : " \"") + t + "\"";
      return out;
    }
    default: return "\\# " + std::to_string(raw.size());
  }
}

std::string ResourceRecord::to_string() const {
  return name + " " + std::to_string(ttl) + " " + (klass == kClassIn ? "IN" : "CLASS" + std::to_string(klass)) + " " +
         type_name(type) + " " + rdata_text();
}

std::string Message::flags_text() const {
  std::string out;
  auto add = [&](bool on, const char* f) {
    if (!on) return;
    if (!out.empty()) out += ' ';
    out += f;
  };
  add(qr, "qr");
  add(aa, "aa");
  add(tc, "tc");
  add(rd, "rd");
  add(ra, "ra");
  add(ad, "ad");
  add(cd, "cd");
  return out;
}

std::string summarize(const Message& m) {
  if (!m.qr) {
    if (m.questions.empty()) return "query (no question)";
    return "query " + type_name(m.questions.front().type) + " " + m.questions.front().name;
  }
  std::string out = rcode_name(m.rcode);
  if (m.tc) return out + " truncated";
  if (m.rcode != Rcode::NoError) return out;
  if (m.answers.empty()) return out + " (no records)";
  constexpr std::size_t kShown = 2;
  for (std::size_t i = 0; i < m.answers.size() && i < kShown; ++i)
    out += (i ? ", " : " ") + type_name(m.answers[i].type) + " " + m.answers[i].rdata_text();
  if (m.answers.size() > kShown) out += " +" + std::to_string(m.answers.size() - kShown) + " more";
  return out;
}

// ---- names -------------------------------------------------------------------------------------

std::string absolute(std::string_view name) {
  if (name.empty()) return ".";
  std::string out(name);
  if (out.back() != '.') out += '.';
  return out;
}

std::string canonical(std::string_view name) {
  std::string out = absolute(name);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool names_equal(std::string_view a, std::string_view b) { return canonical(a) == canonical(b); }

bool in_zone(std::string_view name, std::string_view zone) {
  std::string n = canonical(name), z = canonical(zone);
  if (z == ".") return true;
  if (n.size() < z.size()) return false;
  if (n.compare(n.size() - z.size(), z.size(), z) != 0) return false;
  return n.size() == z.size() || n[n.size() - z.size() - 1] == '.';
}

std::vector<std::string> labels(std::string_view name) {
  std::vector<std::string> out;
  std::string label;
  auto digit = [&](std::size_t i) { return i < name.size() && name[i] >= '0' && name[i] <= '9'; };
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (c == '\\' && digit(i + 1) && digit(i + 2) && digit(i + 3)) {  // \DDD
      const int v = (name[i + 1] - '0') * 100 + (name[i + 2] - '0') * 10 + (name[i + 3] - '0');
      label += static_cast<char>(v & 0xff);
      i += 3;
    } else if (c == '\\' && i + 1 < name.size()) {  // \. \\ and any other escaped character
      label += name[++i];
    } else if (c == '.') {
      if (!label.empty()) out.push_back(std::move(label));
      label.clear();
    } else {
      label += c;
    }
  }
  if (!label.empty()) out.push_back(std::move(label));
  return out;
}

std::string escape_label(std::string_view label) {
  std::string out;
  out.reserve(label.size());
  for (char c : label) {
    if (c == '.' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

std::string name_error(std::string_view name) {
  if (name.empty()) return "the name is empty";
  if (name == ".") return "";
  std::string_view body = name.back() == '.' ? name.substr(0, name.size() - 1) : name;
  std::size_t wire = 1;
  std::size_t start = 0;
  while (start <= body.size()) {
    auto dot = body.find('.', start);
    if (dot == std::string_view::npos) dot = body.size();
    std::size_t len = dot - start;
    if (len == 0) return "empty label in \"" + std::string(name) + "\"";
    if (len > 63) return "label longer than 63 characters in \"" + std::string(name) + "\"";
    wire += 1 + len;
    start = dot + 1;
  }
  if (wire > 255) return "\"" + std::string(name) + "\" is longer than 255 bytes on the wire";
  for (char c : body) {
    if (c <= ' ' || c > '~' || c == '/' || c == ':' || c == '\\')
      return "character '" + std::string(1, c) + "' is not allowed in a host name (\"" + std::string(name) + "\")";
  }
  return "";
}

std::string reverse_name(net::Ipv4Address a) {
  std::uint32_t v = a.value();
  return std::to_string(v & 0xff) + "." + std::to_string((v >> 8) & 0xff) + "." + std::to_string((v >> 16) & 0xff) + "." +
         std::to_string(v >> 24) + ".in-addr.arpa.";
}

std::optional<net::Ipv4Address> address_from_reverse(std::string_view name) {
  auto parts = labels(name);
  if (parts.size() != 6 || canonical(parts[4] + "." + parts[5]) != "in-addr.arpa.") return std::nullopt;
  std::string dotted = parts[3] + "." + parts[2] + "." + parts[1] + "." + parts[0];
  return net::Ipv4Address::parse(dotted);
}

}  // namespace packetwalk::model::dns
