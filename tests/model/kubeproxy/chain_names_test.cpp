// Chain-name hashing against every vector of k8s-semantics.md §1.2 and §8 (upstream goldens and
// names seen on every kubeadm cluster), plus base32 against RFC 4648's own test vectors.

#include "packetwalk/model/kubeproxy/chain_names.h"

#include <gtest/gtest.h>

namespace packetwalk::model::kubeproxy {
namespace {

using net::Protocol;

std::string b32(std::string_view s) { return base32_std(reinterpret_cast<const unsigned char*>(s.data()), s.size()); }

TEST(Base32, Rfc4648Vectors) {
  EXPECT_EQ(b32(""), "");
  EXPECT_EQ(b32("f"), "MY======");
  EXPECT_EQ(b32("fo"), "MZXQ====");
  EXPECT_EQ(b32("foo"), "MZXW6===");
  EXPECT_EQ(b32("foob"), "MZXW6YQ=");
  EXPECT_EQ(b32("fooba"), "MZXW6YTB");
  EXPECT_EQ(b32("foobar"), "MZXW6YTBOI======");
}

TEST(Sha256Base32, IsFullDigest) {
  // sha256("") = e3b0c442...; 32 bytes -> 56 base32 characters with padding.
  std::string h = sha256_base32("");
  EXPECT_EQ(h.size(), 56u);
  EXPECT_EQ(h.substr(0, 16), "4OYMIQUY7QOBJGX3");
}

TEST(ServicePortName, NamedAndUnnamed) {
  EXPECT_EQ(service_port_name("ns1", "svc1", "p80"), "ns1/svc1:p80");
  EXPECT_EQ(service_port_name("default", "api-server", ""), "default/api-server");
}

struct SvcVector {
  const char* spn;
  Protocol protocol;
  const char* chain;
};

class SvcChainVectors : public ::testing::TestWithParam<SvcVector> {};

TEST_P(SvcChainVectors, MatchesUpstream) {
  const auto& v = GetParam();
  EXPECT_EQ(svc_chain(v.spn, v.protocol), v.chain);
}

INSTANTIATE_TEST_SUITE_P(
    Section1_2, SvcChainVectors,
    ::testing::Values(SvcVector{"ns1/svc1:p80", Protocol::Tcp, "KUBE-SVC-XPGD46QRK7WJZT7O"},
                      SvcVector{"ns5/svc5:p80", Protocol::Tcp, "KUBE-SVC-NUKIZ6OKUXPJNT4C"},
                      SvcVector{"default/kubernetes:https", Protocol::Tcp, "KUBE-SVC-NPX46M4PTMTKRN6Y"},
                      SvcVector{"kube-system/kube-dns:dns", Protocol::Udp, "KUBE-SVC-TCOU7JCQXEZGVUNU"},
                      SvcVector{"kube-system/kube-dns:dns-tcp", Protocol::Tcp, "KUBE-SVC-ERIFXISQEP7F7OF4"},
                      SvcVector{"kube-system/kube-dns:metrics", Protocol::Tcp, "KUBE-SVC-JD5MR3NA4I4DYORP"},
                      SvcVector{"default/api-server", Protocol::Tcp, "KUBE-SVC-OWI7UARKUR7M6OTH"}));

TEST(ServiceChains, ShareOneHash) {
  EXPECT_EQ(svl_chain("ns5/svc5:p80", Protocol::Tcp), "KUBE-SVL-NUKIZ6OKUXPJNT4C");
  EXPECT_EQ(ext_chain("ns5/svc5:p80", Protocol::Tcp), "KUBE-EXT-NUKIZ6OKUXPJNT4C");
  EXPECT_EQ(fw_chain("ns5/svc5:p80", Protocol::Tcp), "KUBE-FW-NUKIZ6OKUXPJNT4C");
  EXPECT_EQ(port_proto_hash("ns5/svc5:p80", Protocol::Tcp), "NUKIZ6OKUXPJNT4C");
}

TEST(ServiceChains, ProtocolIsPartOfTheHash) {
  EXPECT_NE(svc_chain("kube-system/kube-dns:dns", Protocol::Udp), svc_chain("kube-system/kube-dns:dns", Protocol::Tcp));
}

TEST(EndpointChains, MatchUpstreamGoldens) {
  EXPECT_EQ(sep_chain("ns1/svc1:p80", Protocol::Tcp, "10.180.0.1:80"), "KUBE-SEP-SXIVWICOYRO3J4NJ");
  EXPECT_EQ(sep_chain("ns4/svc4:p80", Protocol::Tcp, "10.180.0.5:80"), "KUBE-SEP-C6EBXVWJJZMIWKLZ");
}

TEST(NftNames, ServiceBase) {
  EXPECT_EQ(nft_service_base("ns1", "svc1", Protocol::Tcp, "p80"), "ULMVA6XW-ns1/svc1/tcp/p80");
  EXPECT_EQ(nft_service_chain(nft_service_base("ns1", "svc1", Protocol::Tcp, "p80")), "service-ULMVA6XW-ns1/svc1/tcp/p80");
}

TEST(NftNames, EndpointBase) {
  EXPECT_EQ(nft_endpoint_base("ns1", "svc1", Protocol::Tcp, "p80", "10.180.0.1:80"), "5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80");
  EXPECT_EQ(nft_endpoint_base("ns5", "svc5", Protocol::Tcp, "p80", "10.180.0.3:80"), "GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80");
  EXPECT_EQ(nft_endpoint_chain("5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80"), "endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80");
  EXPECT_EQ(nft_affinity_set("5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80"), "affinity-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80");
}

TEST(NftNames, LongNamesAreCutWithEllipsis) {
  std::string ns(63, 'n'), svc(63, 's'), port(15, 'p');
  std::string base = nft_service_base(ns, svc, Protocol::Tcp, port);
  ASSERT_EQ(base.size(), kNftChainNameBaseMax);
  EXPECT_EQ(base.substr(base.size() - 3), "...");
  // The hash is of the full text, so two names sharing the cut prefix still differ.
  EXPECT_NE(base, nft_service_base(ns, svc, Protocol::Tcp, port + "x"));
  // Exactly at the limit: kept whole.
  std::string exact = nft_hash_and_truncate(std::string(kNftChainNameBaseMax - 9, 'a'));
  EXPECT_EQ(exact.size(), kNftChainNameBaseMax);
  EXPECT_NE(exact.substr(exact.size() - 3), "...");
}

}  // namespace
}  // namespace packetwalk::model::kubeproxy
