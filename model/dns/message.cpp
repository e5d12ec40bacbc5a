// RFC 1035 wire format: header, question, resource records, name compression.
#include "packetwalk/model/dns/message.h"

#include <map>

namespace packetwalk::model::dns {

namespace {

constexpr std::size_t kHeaderSize = 12;
constexpr std::size_t kMaxPointerJumps = 64;  // a name has at most 127 labels; more jumps is a loop

class Writer {
public:
  void u8(std::uint8_t v) { out_.push_back(v); }
  void u16(std::uint16_t v) {
    out_.push_back(static_cast<std::uint8_t>(v >> 8));
    out_.push_back(static_cast<std::uint8_t>(v & 0xff));
  }
  void u32(std::uint32_t v) {
    u16(static_cast<std::uint16_t>(v >> 16));
    u16(static_cast<std::uint16_t>(v & 0xffff));
  }
  void bytes(const std::vector<std::uint8_t>& b) { out_.insert(out_.end(), b.begin(), b.end()); }

  // Writes `name`, pointing at an earlier copy of its longest known suffix. Suffixes are keyed by
  // their exact (escaped) text, as miekg/dns keys its compression map: a pointer to a suffix that
  // differs in case would rewrite the name's case, which resolvers using DNS 0x20 check.
  void name(std::string_view n) {
    auto parts = labels(n);
    for (std::size_t i = 0; i < parts.size(); ++i) {
      std::string key;
      for (std::size_t j = i; j < parts.size(); ++j) key += escape_label(parts[j]) + ".";
      if (auto it = offsets_.find(key); it != offsets_.end()) {
        u16(static_cast<std::uint16_t>(0xc000 | it->second));
        return;
      }
      if (out_.size() < 0x4000) offsets_.emplace(key, static_cast<std::uint16_t>(out_.size()));
      u8(static_cast<std::uint8_t>(parts[i].size()));
      out_.insert(out_.end(), parts[i].begin(), parts[i].end());
    }
    u8(0);
  }

  std::size_t size() const { return out_.size(); }
  void patch_u16(std::size_t at, std::uint16_t v) {
    out_[at] = static_cast<std::uint8_t>(v >> 8);
    out_[at + 1] = static_cast<std::uint8_t>(v & 0xff);
  }
  std::vector<std::uint8_t> take() { return std::move(out_); }

private:
  std::vector<std::uint8_t> out_;
  std::map<std::string, std::uint16_t> offsets_;
};

void write_record(Writer& w, const ResourceRecord& r) {
  w.name(r.name);
  w.u16(r.type);
  w.u16(r.klass);
  w.u32(r.ttl);
  const std::size_t length_at = w.size();
  w.u16(0);  // rdlength, patched below
  const std::size_t start = w.size();
  switch (r.type) {
    case rr::A: w.u32(r.address.value()); break;
    case rr::AAAA:
      for (auto b : r.address6) w.u8(b);
      break;
    case rr::CNAME:
    case rr::PTR:
    case rr::NS: w.name(r.target); break;
    case rr::SRV:
      w.u16(r.srv.priority);
      w.u16(r.srv.weight);
      w.u16(r.srv.port);
      // RFC 2782 forbids compressing the target; CoreDNS (miekg/dns) does not compress it either.
      for (const auto& l : labels(r.srv.target)) {
        w.u8(static_cast<std::uint8_t>(l.size()));
        for (char c : l) w.u8(static_cast<std::uint8_t>(c));
      }
      w.u8(0);
      break;
    case rr::SOA:
      w.name(r.soa.mname);
      w.name(r.soa.rname);
      w.u32(r.soa.serial);
      w.u32(r.soa.refresh);
      w.u32(r.soa.retry);
      w.u32(r.soa.expire);
      w.u32(r.soa.minimum);
      break;
    case rr::TXT:
      for (const auto& t : r.texts) {
        w.u8(static_cast<std::uint8_t>(std::min<std::size_t>(t.size(), 255)));
        for (std::size_t i = 0; i < t.size() && i < 255; ++i) w.u8(static_cast<std::uint8_t>(t[i]));
      }
      break;
    default: w.bytes(r.raw);
  }
  w.patch_u16(length_at, static_cast<std::uint16_t>(w.size() - start));
}

class Reader {
public:
  Reader(std::span<const std::uint8_t> b, std::string& error) : b_(b), error_(error) {}

  bool ok() const { return error_.empty(); }
  std::size_t pos() const { return pos_; }
  void seek(std::size_t p) { pos_ = p; }

  std::uint8_t u8() {
    if (!need(1)) return 0;
    return b_[pos_++];
  }
  std::uint16_t u16() {
    if (!need(2)) return 0;
    std::uint16_t v = static_cast<std::uint16_t>((b_[pos_] << 8) | b_[pos_ + 1]);
    pos_ += 2;
    return v;
  }
  std::uint32_t u32() {
    std::uint32_t hi = u16();
    return (hi << 16) | u16();
  }

  std::string name() {
    std::string out;
    std::size_t at = pos_;
    std::size_t resume = 0;  // where reading continues after the first pointer
    std::size_t jumps = 0;
    std::size_t wire_length = 1;
    for (;;) {
      if (at >= b_.size()) return fail("name runs past the end of the message at byte " + std::to_string(at));
      std::uint8_t len = b_[at];
      if ((len & 0xc0) == 0xc0) {
        if (at + 1 >= b_.size()) return fail("truncated compression pointer at byte " + std::to_string(at));
        std::size_t target = static_cast<std::size_t>(((len & 0x3f) << 8) | b_[at + 1]);
        if (++jumps > kMaxPointerJumps) return fail("compression pointer loop at byte " + std::to_string(at));
        if (target >= b_.size()) return fail("compression pointer past the end at byte " + std::to_string(at));
        if (resume == 0) resume = at + 2;
        at = target;
        continue;
      }
      if (len & 0xc0) return fail("unsupported label type at byte " + std::to_string(at));
      if (len == 0) {
        pos_ = resume ? resume : at + 1;
        return out.empty() ? "." : out;
      }
      if (at + 1 + len > b_.size()) return fail("label runs past the end at byte " + std::to_string(at));
      wire_length += 1 + len;
      if (wire_length > 255) return fail("name longer than 255 bytes at byte " + std::to_string(pos_));
      // A label may hold any byte, a dot too (found by fuzz-dns): escaped, so the name's text
      // splits back into the same labels when it is encoded again.
      out += escape_label({reinterpret_cast<const char*>(&b_[at + 1]), len});
      out += '.';
      at += 1 + len;
    }
  }

  std::vector<std::uint8_t> raw(std::size_t n) {
    if (!need(n)) return {};
    std::vector<std::uint8_t> v(b_.begin() + static_cast<std::ptrdiff_t>(pos_), b_.begin() + static_cast<std::ptrdiff_t>(pos_ + n));
    pos_ += n;
    return v;
  }

private:
  bool need(std::size_t n) {
    if (!ok()) return false;
    if (pos_ + n > b_.size()) {
      error_ = "message truncated at byte " + std::to_string(pos_) + " (needs " + std::to_string(n) + " more)";
      return false;
    }
    return true;
  }
  std::string fail(std::string why) {
    if (error_.empty()) error_ = std::move(why);
    return {};
  }

  std::span<const std::uint8_t> b_;
  std::string& error_;
  std::size_t pos_ = 0;
};

ResourceRecord read_record(Reader& r) {
  ResourceRecord rec;
  rec.name = r.name();
  rec.type = r.u16();
  rec.klass = r.u16();
  rec.ttl = r.u32();
  std::uint16_t length = r.u16();
  if (!r.ok()) return rec;
  const std::size_t end = r.pos() + length;
  switch (rec.type) {
    case rr::A: rec.address = net::Ipv4Address(r.u32()); break;
    case rr::AAAA:
      for (auto& b : rec.address6) b = r.u8();
      break;
    case rr::CNAME:
    case rr::PTR:
    case rr::NS: rec.target = r.name(); break;
    case rr::SRV:
      rec.srv.priority = r.u16();
      rec.srv.weight = r.u16();
      rec.srv.port = r.u16();
      rec.srv.target = r.name();
      break;
    case rr::SOA:
      rec.soa.mname = r.name();
      rec.soa.rname = r.name();
      rec.soa.serial = r.u32();
      rec.soa.refresh = r.u32();
      rec.soa.retry = r.u32();
      rec.soa.expire = r.u32();
      rec.soa.minimum = r.u32();
      break;
    case rr::TXT:
      while (r.ok() && r.pos() < end) {
        std::uint8_t n = r.u8();
        auto bytes = r.raw(n);
        rec.texts.emplace_back(bytes.begin(), bytes.end());
      }
      break;
    default: rec.raw = r.raw(length);
  }
  if (r.ok()) r.seek(end);  // rdata is exactly `length` bytes whatever its parse consumed
  return rec;
}

}  // namespace

Message make_query(std::uint16_t id, std::string name, std::uint16_t type) {
  Message m;
  m.id = id;
  m.rd = true;
  m.questions.push_back(Question{absolute(name), type, kClassIn});
  return m;
}

Message make_reply(const Message& query, Rcode rcode) {
  Message m;
  m.id = query.id;
  m.qr = true;
  m.opcode = query.opcode;
  m.rd = query.rd;
  m.cd = query.cd;
  m.rcode = rcode;
  m.questions = query.questions;
  return m;
}

std::vector<std::uint8_t> encode(const Message& m) {
  Writer w;
  w.u16(m.id);
  std::uint16_t flags = static_cast<std::uint16_t>((m.qr ? 0x8000 : 0) | ((m.opcode & 0xf) << 11) | (m.aa ? 0x0400 : 0) |
                                                   (m.tc ? 0x0200 : 0) | (m.rd ? 0x0100 : 0) | (m.ra ? 0x0080 : 0) |
                                                   (m.ad ? 0x0020 : 0) | (m.cd ? 0x0010 : 0) |
                                                   (static_cast<std::uint8_t>(m.rcode) & 0xf));
  w.u16(flags);
  w.u16(static_cast<std::uint16_t>(m.questions.size()));
  w.u16(static_cast<std::uint16_t>(m.answers.size()));
  w.u16(static_cast<std::uint16_t>(m.authority.size()));
  w.u16(static_cast<std::uint16_t>(m.additional.size()));
  for (const auto& q : m.questions) {
    w.name(q.name);
    w.u16(q.type);
    w.u16(q.klass);
  }
  for (const auto& r : m.answers) write_record(w, r);
  for (const auto& r : m.authority) write_record(w, r);
  for (const auto& r : m.additional) write_record(w, r);
  return w.take();
}

std::optional<Message> decode(std::span<const std::uint8_t> bytes, std::string& error) {
  error.clear();
  if (bytes.size() < kHeaderSize) {
    error = "shorter than a DNS header (" + std::to_string(bytes.size()) + " bytes)";
    return std::nullopt;
  }
  Reader r(bytes, error);
  Message m;
  m.id = r.u16();
  std::uint16_t flags = r.u16();
  m.qr = flags & 0x8000;
  m.opcode = static_cast<std::uint8_t>((flags >> 11) & 0xf);
  m.aa = flags & 0x0400;
  m.tc = flags & 0x0200;
  m.rd = flags & 0x0100;
  m.ra = flags & 0x0080;
  m.ad = flags & 0x0020;
  m.cd = flags & 0x0010;
  m.rcode = static_cast<Rcode>(flags & 0xf);
  std::uint16_t qd = r.u16(), an = r.u16(), ns = r.u16(), ar = r.u16();
  for (std::uint16_t i = 0; i < qd && r.ok(); ++i) {
    Question q;
    q.name = r.name();
    q.type = r.u16();
    q.klass = r.u16();
    m.questions.push_back(std::move(q));
  }
  for (std::uint16_t i = 0; i < an && r.ok(); ++i) m.answers.push_back(read_record(r));
  for (std::uint16_t i = 0; i < ns && r.ok(); ++i) m.authority.push_back(read_record(r));
  for (std::uint16_t i = 0; i < ar && r.ok(); ++i) m.additional.push_back(read_record(r));
  if (!r.ok()) return std::nullopt;
  return m;
}

}  // namespace packetwalk::model::dns
