#pragma once
// DNS messages (RFC 1035) as values, and their wire format. Probes carry real DNS bytes: the
// resolver encodes its query, CoreDNS decodes it, answers, and encodes the reply, so a capture of
// the simulated packets could be read by Wireshark.
//
// Names are kept in presentation form, absolute, with their trailing dot and the case the sender
// used ("api-server.default.svc.cluster.local."); comparisons are case-insensitive (RFC 4343).
// Labels are plain: no escaped dots or binary labels. Encoding compresses names (RFC 1035 4.1.4);
// decoding follows compression pointers and rejects loops and pointers that lead out of the message.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "packetwalk/model/net/ip.h"

namespace packetwalk::model::dns {

// Record types packetwalk gives meaning to; others travel as raw rdata.
namespace rr {
inline constexpr std::uint16_t A = 1;
inline constexpr std::uint16_t NS = 2;
inline constexpr std::uint16_t CNAME = 5;
inline constexpr std::uint16_t SOA = 6;
inline constexpr std::uint16_t PTR = 12;
inline constexpr std::uint16_t MX = 15;
inline constexpr std::uint16_t TXT = 16;
inline constexpr std::uint16_t AAAA = 28;
inline constexpr std::uint16_t SRV = 33;
inline constexpr std::uint16_t ANY = 255;
}  // namespace rr

inline constexpr std::uint16_t kClassIn = 1;

std::string type_name(std::uint16_t type);                   // "A", "SRV", "TYPE65" for unknown ones
std::optional<std::uint16_t> parse_type(std::string_view s);  // "a", "AAAA", "TYPE65"
// "A", "srv", "A,AAAA" (getaddrinfo with AF_UNSPEC asks both per candidate); nullopt when any
// item is unknown, with `bad` (if given) set to that item.
std::optional<std::vector<std::uint16_t>> parse_type_list(std::string_view s, std::string* bad = nullptr);

enum class Rcode : std::uint8_t { NoError = 0, FormErr = 1, ServFail = 2, NxDomain = 3, NotImp = 4, Refused = 5 };
std::string rcode_name(Rcode r);  // "NOERROR", "NXDOMAIN", as dig prints them

struct SoaData {
  std::string mname;  // primary name server
  std::string rname;  // responsible mailbox, as a name
  std::uint32_t serial = 0, refresh = 0, retry = 0, expire = 0, minimum = 0;
  friend bool operator==(const SoaData&, const SoaData&) = default;
};

struct SrvData {
  std::uint16_t priority = 0, weight = 0, port = 0;
  std::string target;
  friend bool operator==(const SrvData&, const SrvData&) = default;
};

struct ResourceRecord {
  std::string name;  // owner
  std::uint16_t type = rr::A;
  std::uint16_t klass = kClassIn;
  std::uint32_t ttl = 0;
  // rdata: the member for `type` is meaningful, the others stay empty.
  net::Ipv4Address address;                  // A
  std::array<std::uint8_t, 16> address6{};   // AAAA
  std::string target;                        // CNAME, PTR, NS
  SrvData srv;                               // SRV
  SoaData soa;                               // SOA
  std::vector<std::string> texts;            // TXT character-strings
  std::vector<std::uint8_t> raw;             // any other type, as received

  static ResourceRecord make_a(std::string name, std::uint32_t ttl, net::Ipv4Address a);
  static ResourceRecord make_name(std::uint16_t type, std::string name, std::uint32_t ttl, std::string target);
  static ResourceRecord make_srv(std::string name, std::uint32_t ttl, SrvData srv);
  static ResourceRecord make_soa(std::string name, std::uint32_t ttl, SoaData soa);
  static ResourceRecord make_txt(std::string name, std::uint32_t ttl, std::vector<std::string> texts);

  // dig's presentation form: "api-server.default.svc.cluster.local. 30 IN A 10.96.0.20".
  std::string to_string() const;
  std::string rdata_text() const;  // just the data: "10.96.0.20", "0 100 80 web.default.svc.cluster.local."
  friend bool operator==(const ResourceRecord&, const ResourceRecord&) = default;
};

struct Question {
  std::string name;
  std::uint16_t type = rr::A;
  std::uint16_t klass = kClassIn;
  friend bool operator==(const Question&, const Question&) = default;
};

struct Message {
  std::uint16_t id = 0;
  bool qr = false;  // a response
  std::uint8_t opcode = 0;
  bool aa = false, tc = false, rd = false, ra = false, ad = false, cd = false;
  Rcode rcode = Rcode::NoError;
  std::vector<Question> questions;
  std::vector<ResourceRecord> answers;
  std::vector<ResourceRecord> authority;
  std::vector<ResourceRecord> additional;

  std::string flags_text() const;  // "qr aa rd", in dig's order
  friend bool operator==(const Message&, const Message&) = default;
};

// A query as a stub resolver sends it: one question, recursion desired.
Message make_query(std::uint16_t id, std::string name, std::uint16_t type);
// The skeleton of a reply to `query`: same id, opcode, rd and question; qr set.
Message make_reply(const Message& query, Rcode rcode);

// One line for traces: "query A api-server.default.svc.cluster.local." or
// "NOERROR A 10.96.0.20, A 10.96.0.21", "NXDOMAIN", "NOERROR (no records)".
std::string summarize(const Message& m);

std::vector<std::uint8_t> encode(const Message& m);
// Returns nullopt and sets `error` ("truncated at byte 17", "compression loop") on malformed input.
std::optional<Message> decode(std::span<const std::uint8_t> bytes, std::string& error);

// ---- names -------------------------------------------------------------------------------------

// `name` absolute (a trailing dot added when missing); "." stays ".".
std::string absolute(std::string_view name);
// Lower-case and absolute, for comparisons and map keys.
std::string canonical(std::string_view name);
bool names_equal(std::string_view a, std::string_view b);
// Whether `name` equals `zone` or lies below it (both absolute or both relative; case-insensitive).
bool in_zone(std::string_view name, std::string_view zone);
// The labels of a name, without the root: "a.b.c." -> {"a", "b", "c"}. A label's own dot or
// backslash is written escaped, as dig and CoreDNS print names ("a\.b.c." has the labels "a.b" and
// "c"); `\DDD` stands for the byte with decimal value DDD.
std::vector<std::string> labels(std::string_view name);
// A label's bytes in a name's text: '.' and '\\' escaped (the inverse of labels()).
std::string escape_label(std::string_view label);
// "" when `name` is a valid DNS name for the wire (labels 1..63 bytes, at most 255 bytes encoded,
// printable ASCII without spaces); else why not.
std::string name_error(std::string_view name);
// "10.96.0.10" -> "10.0.96.10.in-addr.arpa."
std::string reverse_name(net::Ipv4Address a);
// The address a full IPv4 reverse name stands for ("10.0.96.10.in-addr.arpa." -> 10.96.0.10).
std::optional<net::Ipv4Address> address_from_reverse(std::string_view name);

}  // namespace packetwalk::model::dns
