// The records of the Kubernetes DNS spec as CoreDNS (kubeadm's Corefile) answers them, record by
// record, including NXDOMAIN vs NODATA and the SOA of negative answers (k8s-semantics §4.1, §8).
#include <gtest/gtest.h>

#include <algorithm>

#include "dns_test_cluster.h"

namespace packetwalk::model::dns {
namespace {

using test::ask;
using test::texts;

const char* kManifests = R"(apiVersion: v1
kind: Service
metadata: {name: api-server}
spec:
  selector: {app: api}
  ports:
  - {name: http, port: 80, targetPort: 8080}
  - {name: grpc, port: 9090}
  - {name: metrics, port: 9100}
---
apiVersion: v1
kind: Pod
metadata: {name: api-0, labels: {app: api}}
spec:
  nodeName: node-2
  containers: [{name: c, image: x, ports: [{containerPort: 8080}, {containerPort: 9090}, {containerPort: 9100}]}]
---
apiVersion: v1
kind: Service
metadata: {name: empty}
spec: {selector: {app: nothing}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {clusterIP: None, selector: {app: web}, ports: [{name: http, port: 80}]}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web}
spec:
  serviceName: web
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: nginx, image: nginx, ports: [{name: http, containerPort: 80}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: pinned, labels: {app: web}}
spec:
  hostname: db-primary
  subdomain: web
  containers: [{name: c, image: x, ports: [{name: http, containerPort: 80}]}]
---
apiVersion: v1
kind: Service
metadata: {name: bare}
spec: {clusterIP: None, selector: {app: web}}
---
apiVersion: v1
kind: Service
metadata: {name: lonely}
spec: {clusterIP: None, selector: {app: lonely}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Pod
metadata: {name: lonely-0, labels: {app: lonely}}
spec: {containers: [{name: c, image: x, ports: [{containerPort: 80}]}]}
status: {conditions: [{type: Ready, status: "False"}]}
---
apiVersion: v1
kind: Service
metadata: {name: ext}
spec: {type: ExternalName, externalName: db.example.com}
---
apiVersion: v1
kind: Pod
metadata: {name: client}
spec: {nodeName: node-1, containers: [{name: c, image: x}]}
)";

const std::string kSoa = "cluster.local. 30 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. 1 7200 1800 86400 30";

class Records : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    auto spec = load::default_cluster_spec();
    load::DnsServerSpec upstream;
    upstream.address = spec.node_network.nth(1);
    upstream.records["db.example.com."] = {"203.0.113.20"};
    spec.dns.servers.push_back(upstream);
    cluster_ = test::build_cluster(kManifests, spec).release();
  }
  static void TearDownTestSuite() { delete cluster_; }

  static std::string ip_of(const std::string& pod) { return cluster_->inventory().find_pod("default", pod)->ip.to_string(); }
  static std::string dashed(const std::string& pod) {
    std::string s = ip_of(pod);
    std::replace(s.begin(), s.end(), '.', '-');
    return s;
  }
  static std::string cluster_ip(const std::string& svc) {
    return cluster_->services().find("default", svc)->cluster_ip->to_string();
  }
  static Message q(const std::string& name, std::uint16_t type = rr::A) { return ask(*cluster_, name, type); }

  static cluster::Cluster* cluster_;
};
cluster::Cluster* Records::cluster_ = nullptr;

TEST_F(Records, ClusterIpServiceAnswersItsAddressAuthoritatively) {
  auto m = q("api-server.default.svc.cluster.local.");
  EXPECT_EQ(m.rcode, Rcode::NoError);
  EXPECT_EQ(m.flags_text(), "qr aa rd");  // no ra: CoreDNS answers for its zone, dig warns about it
  EXPECT_EQ(texts(m.answers),
            std::vector<std::string>{"api-server.default.svc.cluster.local. 30 IN A " + cluster_ip("api-server")});
  EXPECT_TRUE(m.authority.empty());
}

TEST_F(Records, AaaaOfAnIpv4ServiceIsNodataWithSoa) {
  auto m = q("api-server.default.svc.cluster.local.", rr::AAAA);
  EXPECT_EQ(m.rcode, Rcode::NoError);
  EXPECT_TRUE(m.answers.empty());
  EXPECT_EQ(texts(m.authority), std::vector<std::string>{kSoa});
}

TEST_F(Records, UnknownNamesAreNxdomainWithSoa) {
  for (const char* name : {"nosuch.default.svc.cluster.local.", "api-server.nosuchns.svc.cluster.local.",
                           "nosuchns.svc.cluster.local.", "x.cluster.local.", "a.b.c.api-server.default.svc.cluster.local.",
                           "api-server.default.svc.cluster.local.default.svc.cluster.local.",
                           "api-server.default.svc.cluster.local.svc.cluster.local.",
                           "api-server.default.svc.cluster.local.cluster.local."}) {
    auto m = q(name);
    EXPECT_EQ(m.rcode, Rcode::NxDomain) << name;
    EXPECT_EQ(texts(m.authority), std::vector<std::string>{kSoa}) << name;
    EXPECT_TRUE(m.aa) << name;
  }
}

TEST_F(Records, NamesThatExistWithoutRecordsAreNodata) {
  for (const char* name : {"default.svc.cluster.local.", "svc.cluster.local.", "cluster.local.", "default.pod.cluster.local."}) {
    auto m = q(name);
    EXPECT_EQ(m.rcode, Rcode::NoError) << name;
    EXPECT_TRUE(m.answers.empty()) << name;
    EXPECT_EQ(texts(m.authority), std::vector<std::string>{kSoa}) << name;
  }
  auto mx = q("api-server.default.svc.cluster.local.", rr::MX);
  EXPECT_EQ(mx.rcode, Rcode::NoError);
  EXPECT_TRUE(mx.answers.empty());
  EXPECT_EQ(q("nosuch.default.svc.cluster.local.", rr::MX).rcode, Rcode::NxDomain);
}

TEST_F(Records, ServiceWithoutEndpointsStillHasItsARecord) {
  auto m = q("empty.default.svc.cluster.local.");
  EXPECT_EQ(m.rcode, Rcode::NoError);
  EXPECT_EQ(texts(m.answers), std::vector<std::string>{"empty.default.svc.cluster.local. 30 IN A " + cluster_ip("empty")});
}

TEST_F(Records, HeadlessServiceAnswersEveryReadyEndpointAndNxdomainWithoutOne) {
  auto m = q("web.default.svc.cluster.local.");
  ASSERT_EQ(m.answers.size(), 3u);
  std::vector<std::string> ips;
  for (const auto& r : m.answers) ips.push_back(r.address.to_string());
  for (const char* pod : {"web-0", "web-1", "pinned"})
    EXPECT_NE(std::find(ips.begin(), ips.end(), ip_of(pod)), ips.end()) << pod;
  EXPECT_TRUE(std::is_sorted(m.answers.begin(), m.answers.end(),
                             [](const ResourceRecord& a, const ResourceRecord& b) { return a.address < b.address; }));
  // A headless Service without ports still answers (CoreDNS's port -1 endpoints).
  EXPECT_EQ(q("bare.default.svc.cluster.local.").answers.size(), 3u);
  // Its only pod is not ready: NXDOMAIN (k8s-semantics §8 item 5).
  auto lonely = q("lonely.default.svc.cluster.local.");
  EXPECT_EQ(lonely.rcode, Rcode::NxDomain);
  EXPECT_EQ(texts(lonely.authority), std::vector<std::string>{kSoa});
}

TEST_F(Records, StatefulSetAndHostnameSubdomainPodsHaveTheirOwnNames) {
  EXPECT_EQ(texts(q("web-0.web.default.svc.cluster.local.").answers),
            std::vector<std::string>{"web-0.web.default.svc.cluster.local. 30 IN A " + ip_of("web-0")});
  EXPECT_EQ(texts(q("db-primary.web.default.svc.cluster.local.").answers),
            std::vector<std::string>{"db-primary.web.default.svc.cluster.local. 30 IN A " + ip_of("pinned")});
  EXPECT_EQ(q("web-5.web.default.svc.cluster.local.").rcode, Rcode::NxDomain);
  // CoreDNS's extension: endpoint names (dashed IPs) of a ClusterIP Service resolve too.
  std::string name = dashed("api-0") + ".api-server.default.svc.cluster.local.";
  EXPECT_EQ(texts(q(name).answers), std::vector<std::string>{name + " 30 IN A " + ip_of("api-0")});
}

TEST_F(Records, SrvForNamedPortsOfAClusterIpService) {
  auto m = q("_http._tcp.api-server.default.svc.cluster.local.", rr::SRV);
  EXPECT_EQ(texts(m.answers), std::vector<std::string>{"_http._tcp.api-server.default.svc.cluster.local. 30 IN SRV 0 100 80 "
                                                       "api-server.default.svc.cluster.local."});
  EXPECT_EQ(texts(m.additional),
            std::vector<std::string>{"api-server.default.svc.cluster.local. 30 IN A " + cluster_ip("api-server")});
  // The underscores are optional for CoreDNS.
  EXPECT_EQ(q("http.tcp.api-server.default.svc.cluster.local.", rr::SRV).answers.size(), 1u);
  // No port given: one record per port, weight floor(100 / 3).
  auto all = q("api-server.default.svc.cluster.local.", rr::SRV);
  ASSERT_EQ(all.answers.size(), 3u);
  EXPECT_EQ(all.answers[1].rdata_text(), "0 33 9090 api-server.default.svc.cluster.local.");
  EXPECT_EQ(all.additional.size(), 1u);
  // A protocol no port uses: the name does not exist.
  EXPECT_EQ(q("_http._udp.api-server.default.svc.cluster.local.", rr::SRV).rcode, Rcode::NxDomain);
}

TEST_F(Records, SrvOfAHeadlessServiceNamesEachEndpoint) {
  auto m = q("_http._tcp.web.default.svc.cluster.local.", rr::SRV);
  ASSERT_EQ(m.answers.size(), 3u);
  std::vector<std::string> targets;
  for (const auto& r : m.answers) {
    EXPECT_EQ(r.srv.weight, 33);
    EXPECT_EQ(r.srv.port, 80);
    targets.push_back(r.srv.target);
  }
  for (const char* t : {"web-0.web.default.svc.cluster.local.", "web-1.web.default.svc.cluster.local.",
                        "db-primary.web.default.svc.cluster.local."})
    EXPECT_NE(std::find(targets.begin(), targets.end(), t), targets.end()) << t;
  EXPECT_EQ(m.additional.size(), 3u);
}

TEST_F(Records, ExternalNameIsACnameWithTheTargetsAddresses) {
  auto m = q("ext.default.svc.cluster.local.");
  EXPECT_EQ(m.rcode, Rcode::NoError);
  EXPECT_EQ(texts(m.answers), (std::vector<std::string>{"ext.default.svc.cluster.local. 30 IN CNAME db.example.com.",
                                                        "db.example.com. 30 IN A 203.0.113.20"}));
  EXPECT_EQ(texts(q("ext.default.svc.cluster.local.", rr::CNAME).answers),
            std::vector<std::string>{"ext.default.svc.cluster.local. 30 IN CNAME db.example.com."});
  auto srv = q("ext.default.svc.cluster.local.", rr::SRV);  // SRV is not served for ExternalName
  EXPECT_EQ(srv.rcode, Rcode::NoError);
  EXPECT_TRUE(srv.answers.empty());
}

TEST_F(Records, PtrForClusterIpsAndEndpoints) {
  auto svc = q(reverse_name(*net::Ipv4Address::parse(cluster_ip("api-server"))), rr::PTR);
  EXPECT_EQ(svc.answers.at(0).target, "api-server.default.svc.cluster.local.");
  auto kube_dns = q("10.0.96.10.in-addr.arpa.", rr::PTR);
  EXPECT_EQ(texts(kube_dns.answers), std::vector<std::string>{"10.0.96.10.in-addr.arpa. 30 IN PTR kube-dns.kube-system.svc.cluster.local."});
  // web-0 is an endpoint of two headless Services, `web` (its subdomain: the endpoint carries its
  // hostname) and `bare` (no hostname: the dashed IP). CoreDNS's reverse.go (without
  // ptr_hostname_only) answers one PTR per Service whose endpoints hold the address; their order
  // comes from an informer index in CoreDNS, so only the set is asserted.
  auto web0 = q(reverse_name(*net::Ipv4Address::parse(ip_of("web-0"))), rr::PTR);
  std::vector<std::string> web0_targets;
  for (const auto& r : web0.answers) web0_targets.push_back(r.target);
  std::sort(web0_targets.begin(), web0_targets.end());
  EXPECT_EQ(web0_targets, (std::vector<std::string>{dashed("web-0") + ".bare.default.svc.cluster.local.",
                                                    "web-0.web.default.svc.cluster.local."}));
  auto api0 = q(reverse_name(*net::Ipv4Address::parse(ip_of("api-0"))), rr::PTR);
  EXPECT_EQ(api0.answers.at(0).target, dashed("api-0") + ".api-server.default.svc.cluster.local.");
  // Not an endpoint: kubeadm's `fallthrough in-addr.arpa` hands it to forward; the upstream says NXDOMAIN.
  auto client = q(reverse_name(*net::Ipv4Address::parse(ip_of("client"))), rr::PTR);
  EXPECT_EQ(client.rcode, Rcode::NxDomain);
  EXPECT_EQ(client.flags_text(), "qr rd ra");
}

TEST_F(Records, PodRecordsWithPodsInsecure) {
  auto m = q("10-244-7-99.default.pod.cluster.local.");  // insecure: any valid address, pod or not
  EXPECT_EQ(texts(m.answers), std::vector<std::string>{"10-244-7-99.default.pod.cluster.local. 30 IN A 10.244.7.99"});
  EXPECT_EQ(q("10-244-7-99.nosuchns.pod.cluster.local.").rcode, Rcode::NxDomain);
  EXPECT_EQ(q("10-244-7.default.pod.cluster.local.").rcode, Rcode::NxDomain);
}

TEST_F(Records, SpecialNamesCaseAndTtls) {
  auto v = q("dns-version.cluster.local.", rr::TXT);
  EXPECT_EQ(texts(v.answers), std::vector<std::string>{"dns-version.cluster.local. 28800 IN TXT \"1.1.0\""});
  EXPECT_EQ(texts(q("ns.dns.cluster.local.").answers), std::vector<std::string>{"ns.dns.cluster.local. 30 IN A 10.96.0.10"});
  auto upper = q("API-Server.Default.svc.cluster.local.");
  EXPECT_EQ(upper.answers.at(0).name, "API-Server.Default.svc.cluster.local.");  // owner as asked
  EXPECT_EQ(upper.answers.at(0).address.to_string(), cluster_ip("api-server"));
}

TEST_F(Records, NamesOutsideTheClusterGoToTheModelledUpstream) {
  auto hit = q("db.example.com.");
  EXPECT_EQ(hit.flags_text(), "qr rd ra");
  EXPECT_EQ(texts(hit.answers), std::vector<std::string>{"db.example.com. 30 IN A 203.0.113.20"});  // cache 30 caps 300
  auto miss = q("nosuch.example.com.");
  EXPECT_EQ(miss.rcode, Rcode::NxDomain);
  EXPECT_FALSE(miss.aa);
}

}  // namespace
}  // namespace packetwalk::model::dns
