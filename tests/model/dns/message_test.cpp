// The wire format: every record type round-trips, names compress, malformed input is rejected.
#include <gtest/gtest.h>

#include "packetwalk/model/dns/message.h"

namespace packetwalk::model::dns {
namespace {

Message full_response() {
  Message m = make_reply(make_query(0xbeef, "web.default.svc.cluster.local", rr::SRV), Rcode::NoError);
  m.aa = true;
  m.answers.push_back(ResourceRecord::make_srv("web.default.svc.cluster.local.", 30,
                                               SrvData{0, 50, 80, "web-0.web.default.svc.cluster.local."}));
  m.answers.push_back(ResourceRecord::make_name(rr::CNAME, "db.default.svc.cluster.local.", 30, "db.example.com."));
  m.answers.push_back(ResourceRecord::make_name(rr::PTR, "10.0.96.10.in-addr.arpa.", 30, "kube-dns.kube-system.svc.cluster.local."));
  m.answers.push_back(ResourceRecord::make_txt("dns-version.cluster.local.", 28800, {"1.1.0"}));
  ResourceRecord v6;
  v6.name = "x.example.";
  v6.type = rr::AAAA;
  v6.ttl = 5;
  v6.address6[15] = 1;
  m.answers.push_back(v6);
  m.authority.push_back(ResourceRecord::make_soa(
      "cluster.local.", 30, SoaData{"ns.dns.cluster.local.", "hostmaster.cluster.local.", 1, 7200, 1800, 86400, 30}));
  m.additional.push_back(ResourceRecord::make_a("web-0.web.default.svc.cluster.local.", 30, *net::Ipv4Address::parse("10.244.1.2")));
  return m;
}

TEST(DnsWire, QueryHasTheStubResolversHeader) {
  auto bytes = encode(make_query(0x1234, "api-server.default.svc.cluster.local", rr::A));
  ASSERT_GE(bytes.size(), 12u);
  EXPECT_EQ(bytes[0], 0x12);
  EXPECT_EQ(bytes[1], 0x34);
  EXPECT_EQ(bytes[2], 0x01);  // RD only
  EXPECT_EQ(bytes[3], 0x00);
  EXPECT_EQ(bytes[5], 1);  // QDCOUNT
  // 12 header + name (1+10 +1+7 +1+3 +1+7 +1+5 +1) + type + class
  EXPECT_EQ(bytes.size(), 12u + 38u + 4u);
  EXPECT_EQ(bytes[12], 10);  // length of "api-server"
}

TEST(DnsWire, EveryRecordTypeRoundTrips) {
  Message m = full_response();
  std::string error;
  auto back = decode(encode(m), error);
  ASSERT_TRUE(back) << error;
  EXPECT_EQ(*back, m);
  EXPECT_EQ(back->flags_text(), "qr aa rd");
}

TEST(DnsWire, NamesAreCompressedAndDecompressed) {
  Message m = make_reply(make_query(1, "a.default.svc.cluster.local", rr::A), Rcode::NoError);
  for (int i = 0; i < 4; ++i)
    m.answers.push_back(ResourceRecord::make_a("a.default.svc.cluster.local.", 30, net::Ipv4Address(0x0a000001u + i)));
  auto bytes = encode(m);
  // The question's name once (29 bytes), then a 2-byte pointer per answer: 12 + 33 + 4 * (2 + 10 + 4).
  EXPECT_EQ(bytes.size(), 12u + 29u + 4u + 4u * 16u);
  std::string error;
  auto back = decode(bytes, error);
  ASSERT_TRUE(back) << error;
  EXPECT_EQ(back->answers[3].name, "a.default.svc.cluster.local.");
}

// Compression points only at a suffix spelled the same (found by fuzz-dns): a name that differs in
// case keeps its own labels, so the 0x20 case a resolver sent comes back as it was sent.
TEST(DnsWire, CompressionKeepsEachNamesCase) {
  Message m = make_reply(make_query(7, "web.default.svc.cluster.local", rr::A), Rcode::NoError);
  m.answers.push_back(ResourceRecord::make_a("wEb.DeFault.svc.cluster.local.", 30, net::Ipv4Address(0x0a000001u)));
  std::string error;
  auto back = decode(encode(m), error);
  ASSERT_TRUE(back) << error;
  EXPECT_EQ(back->answers.at(0).name, "wEb.DeFault.svc.cluster.local.");
  EXPECT_EQ(*back, m);
}

// A label may hold any byte, a dot too (found by fuzz-dns): its text escapes the dot, as dig prints
// it, and the message encodes back to the same labels, not to more of them.
TEST(DnsWire, ALabelHoldingADotSurvivesDecodingAndEncoding) {
  const std::vector<std::uint8_t> wire = {0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0,  // header: 1 question
                                          3, 'a', '.', 'b', 3, 'c', 'o', 'm', 0, 0, 1, 0, 1};
  std::string error;
  auto m = decode(wire, error);
  ASSERT_TRUE(m) << error;
  EXPECT_EQ(m->questions.at(0).name, "a\\.b.com.");
  EXPECT_EQ(labels(m->questions.at(0).name), (std::vector<std::string>{"a.b", "com"}));
  EXPECT_EQ(encode(*m), wire);
  // Compression keys use the escaped text, so "a.b.com" (three labels) never points at "a\\.b.com".
  Message two = *m;
  two.questions.push_back(Question{"a.b.com.", rr::A, 1});
  auto back = decode(encode(two), error);
  ASSERT_TRUE(back) << error;
  EXPECT_EQ(back->questions.at(1).name, "a.b.com.");
  EXPECT_EQ(labels("x\\065\\\\y."), (std::vector<std::string>{"xA\\y"}));
}

TEST(DnsWire, MalformedInputIsRejectedWithAReason) {
  std::string error;
  EXPECT_FALSE(decode(std::vector<std::uint8_t>{1, 2, 3}, error));
  EXPECT_NE(error.find("shorter than a DNS header"), std::string::npos);

  auto bytes = encode(full_response());
  bytes.resize(bytes.size() - 3);
  EXPECT_FALSE(decode(bytes, error));
  EXPECT_NE(error.find("truncated"), std::string::npos) << error;

  // A question whose name is a pointer to itself.
  std::vector<std::uint8_t> loop = {0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1};
  EXPECT_FALSE(decode(loop, error));
  EXPECT_NE(error.find("loop"), std::string::npos) << error;

  std::vector<std::uint8_t> past = {0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 200, 0, 1, 0, 1};
  EXPECT_FALSE(decode(past, error));
  EXPECT_NE(error.find("past the end"), std::string::npos) << error;
}

TEST(DnsNames, HelpersFollowDnsRules) {
  EXPECT_EQ(canonical("API.Default.SVC.cluster.local"), "api.default.svc.cluster.local.");
  EXPECT_TRUE(in_zone("web.default.svc.cluster.local.", "cluster.local"));
  EXPECT_TRUE(in_zone("cluster.local", "cluster.local."));
  EXPECT_FALSE(in_zone("mycluster.local.", "cluster.local."));
  EXPECT_TRUE(in_zone("anything.", "."));
  EXPECT_EQ(reverse_name(*net::Ipv4Address::parse("10.96.0.10")), "10.0.96.10.in-addr.arpa.");
  EXPECT_EQ(address_from_reverse("10.0.96.10.in-addr.arpa."), net::Ipv4Address::parse("10.96.0.10"));
  EXPECT_FALSE(address_from_reverse("0.96.10.in-addr.arpa."));
  EXPECT_EQ(name_error("web-0.web"), "");
  EXPECT_NE(name_error("a..b"), "");
  EXPECT_NE(name_error(std::string(64, 'a') + ".com"), "");
  EXPECT_NE(name_error("web 0"), "");
  EXPECT_EQ(parse_type("srv"), rr::SRV);
  EXPECT_EQ(type_name(65), "TYPE65");
}

}  // namespace
}  // namespace packetwalk::model::dns
