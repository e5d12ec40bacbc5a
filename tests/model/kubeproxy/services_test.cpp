// ServiceState: ClusterIP/NodePort allocation and the EndpointSlice controller.

#include <gtest/gtest.h>

#include "packetwalk/model/kube/inventory.h"
#include "packetwalk/model/kube/services.h"

namespace packetwalk::model::kube {
namespace {

net::Ipv4Address ip(const char* s) { return *net::Ipv4Address::parse(s); }

Service svc(const char* ns, const char* name, const char* cluster_ip = "", ServiceType type = ServiceType::ClusterIP) {
  Service s;
  s.meta.kind = "Service";
  s.meta.namespace_ = ns;
  s.meta.name = name;
  s.meta.pos = load::SourcePos{"svc.yaml", 1, 1};
  s.cluster_ip = cluster_ip;
  s.type = type;
  ServicePort p;
  p.port = 80;
  p.target_port = IntOrString::of(8080);
  s.ports.push_back(p);
  return s;
}

NodeInfo node(const char* name, const char* address) {
  NodeInfo n;
  n.name = name;
  n.internal_ip = ip(address);
  return n;
}

PodInfo pod(const char* ns, const char* name, const char* address, const char* node_name, Labels labels,
            std::vector<ContainerPort> ports = {}) {
  PodInfo p;
  p.namespace_ = ns;
  p.name = name;
  p.ip = ip(address);
  p.node = node_name;
  p.labels = std::move(labels);
  Container c;
  c.name = "main";
  c.ports = std::move(ports);
  p.containers.push_back(c);
  return p;
}

Inventory two_nodes() {
  Inventory inv;
  inv.nodes = {node("node-1", "192.168.0.11"), node("node-2", "192.168.0.12")};
  return inv;
}

ServiceState build(const std::vector<Service>& services, const Inventory& inv, load::Diagnostics& diags,
                   const std::vector<EndpointSlice>& slices = {}) {
  return build_service_state(ServiceNetwork{}, services, slices, inv, diags);
}

TEST(ClusterIps, KubernetesAndKubeDnsGetTheirWellKnownAddresses) {
  load::Diagnostics diags;
  auto state = build({svc("kube-system", "kube-dns"), svc("default", "web")}, two_nodes(), diags);
  EXPECT_TRUE(diags.empty());
  const ServiceInfo* k = state.find("default", "kubernetes");
  ASSERT_NE(k, nullptr);
  EXPECT_TRUE(k->implicit);
  EXPECT_EQ(k->cluster_ip, ip("10.96.0.1"));
  ASSERT_EQ(k->ports.size(), 1u);
  EXPECT_EQ(k->ports[0].name, "https");
  EXPECT_EQ(k->ports[0].port, 443);
  ASSERT_EQ(k->ports[0].endpoints.size(), 1u);
  EXPECT_EQ(k->ports[0].endpoints[0].to_string(), "192.168.0.11:6443");
  EXPECT_EQ(state.find("kube-system", "kube-dns")->cluster_ip, ip("10.96.0.10"));
  EXPECT_EQ(state.find_by_cluster_ip(ip("10.96.0.10")), state.find("kube-system", "kube-dns"));
  // Sorted by (namespace, name), the implicit Service included.
  ASSERT_EQ(state.services.size(), 3u);
  EXPECT_EQ(state.services[0].name, "kubernetes");
  EXPECT_EQ(state.services[1].name, "web");
  EXPECT_EQ(state.services[2].name, "kube-dns");
}

TEST(ClusterIps, DynamicAddressesAreDeterministicAndInTheUpperBand) {
  load::Diagnostics d1, d2;
  std::vector<Service> services{svc("default", "a"), svc("default", "b"), svc("apps", "c")};
  auto s1 = build(services, two_nodes(), d1);
  auto s2 = build(services, two_nodes(), d2);
  for (const auto& s : s1.services) {
    ASSERT_TRUE(s.cluster_ip) << s.name;
    EXPECT_EQ(s.cluster_ip, s2.find(s.namespace_, s.name)->cluster_ip);
    if (s.name == "kubernetes") continue;
    // /12: the lowest 256 addresses are kept for requested ones.
    EXPECT_GE(s.cluster_ip->value(), ip("10.96.1.0").value()) << s.name;
    EXPECT_LE(s.cluster_ip->value(), ip("10.111.255.254").value()) << s.name;
  }
  EXPECT_NE(s1.find("default", "a")->cluster_ip, s1.find("default", "b")->cluster_ip);
}

TEST(ClusterIps, RequestedAddressIsHonoured) {
  load::Diagnostics diags;
  auto state = build({svc("default", "web", "10.96.0.50")}, two_nodes(), diags);
  EXPECT_TRUE(diags.empty());
  EXPECT_EQ(state.find("default", "web")->cluster_ip, ip("10.96.0.50"));
}

TEST(ClusterIps, ClashIsAnErrorNamingTheService) {
  load::Diagnostics diags;
  auto state = build({svc("default", "a", "10.96.0.50"), svc("default", "b", "10.96.0.50")}, two_nodes(), diags);
  ASSERT_EQ(diags.error_count(), 1u);
  const auto& d = diags.all()[0];
  EXPECT_EQ(d.object, "Service default/b");
  EXPECT_NE(d.message.find("already allocated"), std::string::npos) << d.message;
  EXPECT_NE(d.message.find("Service default/a"), std::string::npos) << d.message;
  EXPECT_EQ(state.find("default", "a")->cluster_ip, ip("10.96.0.50"));
  EXPECT_TRUE(state.find("default", "b")->cluster_ip);  // best effort: still gets one
  EXPECT_NE(state.find("default", "b")->cluster_ip, ip("10.96.0.50"));
}

TEST(ClusterIps, KubernetesAddressCannotBeRequested) {
  load::Diagnostics diags;
  build({svc("default", "web", "10.96.0.1")}, two_nodes(), diags);
  ASSERT_EQ(diags.error_count(), 1u);
  EXPECT_NE(diags.all()[0].message.find("Service default/kubernetes"), std::string::npos);
}

TEST(ClusterIps, OutsideTheServiceCidrIsAnError) {
  load::Diagnostics diags;
  build({svc("default", "web", "10.0.0.5"), svc("default", "net", "10.96.0.0")}, two_nodes(), diags);
  ASSERT_EQ(diags.error_count(), 2u);
  for (const auto& d : diags.all()) EXPECT_NE(d.message.find("not in the valid range"), std::string::npos) << d.message;
}

TEST(ClusterIps, HeadlessAndExternalNameGetNone) {
  load::Diagnostics diags;
  Service ext = svc("default", "ext", "", ServiceType::ExternalName);
  ext.external_name = "example.com";
  auto state = build({svc("default", "db", "None"), ext}, two_nodes(), diags);
  EXPECT_FALSE(state.find("default", "db")->cluster_ip);
  EXPECT_TRUE(state.find("default", "db")->headless);
  EXPECT_FALSE(state.find("default", "ext")->cluster_ip);
}

TEST(NodePorts, RequestedDynamicAndClash) {
  load::Diagnostics diags;
  Service a = svc("default", "a", "", ServiceType::NodePort);
  a.ports[0].node_port = 30080;
  Service b = svc("default", "b", "", ServiceType::NodePort);
  b.ports[0].node_port = 30080;
  Service c = svc("default", "c", "", ServiceType::LoadBalancer);
  c.external_traffic_policy = TrafficPolicy::Local;
  auto state = build({a, b, c, svc("default", "plain")}, two_nodes(), diags);
  EXPECT_EQ(state.find("default", "a")->ports[0].node_port, 30080);
  ASSERT_EQ(diags.error_count(), 1u);
  EXPECT_EQ(diags.all()[0].object, "Service default/b");
  EXPECT_NE(diags.all()[0].message.find("already allocated"), std::string::npos);
  const ServiceInfo* lb = state.find("default", "c");
  EXPECT_GE(lb->ports[0].node_port, 30086);  // dynamic ports avoid the static band
  EXPECT_LE(lb->ports[0].node_port, 32767);
  EXPECT_NE(lb->health_check_node_port, 0);
  EXPECT_NE(lb->health_check_node_port, lb->ports[0].node_port);
  EXPECT_TRUE(lb->external_traffic_policy_local);
  EXPECT_EQ(state.find("default", "plain")->ports[0].node_port, 0);
  EXPECT_NE(state.find("default", "b")->ports[0].node_port, 30080);
}

TEST(Endpoints, SelectorNamespaceReadinessAndOrder) {
  Inventory inv = two_nodes();
  inv.pods = {pod("default", "web-1", "10.244.1.5", "node-1", {{"app", "web"}}),
              pod("default", "web-2", "10.244.1.12", "node-1", {{"app", "web"}}),
              pod("default", "other", "10.244.1.7", "node-1", {{"app", "db"}}),
              pod("prod", "web-3", "10.244.2.5", "node-2", {{"app", "web"}})};
  inv.pods[1].ready = false;
  Service s = svc("default", "web");
  s.selector = {{"app", "web"}};
  load::Diagnostics diags;
  auto state = build({s}, inv, diags);
  const auto& eps = state.find("default", "web")->ports[0].endpoints;
  ASSERT_EQ(eps.size(), 2u);
  EXPECT_EQ(eps[0].to_string(), "10.244.1.12:8080");  // string order: 1.12 before 1.5
  EXPECT_FALSE(eps[0].ready);
  EXPECT_FALSE(eps[0].serving);
  EXPECT_EQ(eps[1].to_string(), "10.244.1.5:8080");
  EXPECT_TRUE(eps[1].ready);
  EXPECT_EQ(eps[1].node, "node-1");
  ASSERT_TRUE(eps[1].target_ref);
  EXPECT_EQ(eps[1].target_ref->name, "web-1");
}

TEST(Endpoints, PublishNotReadyAddressesMakesThemReady) {
  Inventory inv = two_nodes();
  inv.pods = {pod("default", "web-1", "10.244.1.5", "node-1", {{"app", "web"}})};
  inv.pods[0].ready = false;
  Service s = svc("default", "web");
  s.selector = {{"app", "web"}};
  s.publish_not_ready_addresses = true;
  load::Diagnostics diags;
  auto eps = build({s}, inv, diags).find("default", "web")->ports[0].endpoints;
  ASSERT_EQ(eps.size(), 1u);
  EXPECT_TRUE(eps[0].ready);
  EXPECT_FALSE(eps[0].serving);  // serving stays the pod's own readiness
}

TEST(Endpoints, NamedTargetPortResolvedPerPod) {
  Inventory inv = two_nodes();
  ContainerPort http{"http", 8080, net::Protocol::Tcp, 0, ""};
  ContainerPort http_alt{"http", 9090, net::Protocol::Tcp, 0, ""};
  ContainerPort http_udp{"http", 7070, net::Protocol::Udp, 0, ""};
  inv.pods = {pod("default", "a", "10.244.1.5", "node-1", {{"app", "web"}}, {http}),
              pod("default", "b", "10.244.1.6", "node-1", {{"app", "web"}}, {http_alt}),
              pod("default", "c", "10.244.1.7", "node-1", {{"app", "web"}}, {http_udp}),
              pod("default", "d", "10.244.1.8", "node-1", {{"app", "web"}}, {})};
  // A native sidecar (restartable init container) can carry the port too.
  PodInfo e = pod("default", "e", "10.244.1.9", "node-1", {{"app", "web"}});
  Container sidecar;
  sidecar.name = "proxy";
  sidecar.restart_policy = "Always";
  sidecar.ports = {ContainerPort{"http", 15001, net::Protocol::Tcp, 0, ""}};
  e.init_containers.push_back(sidecar);
  inv.pods.push_back(e);
  Service s = svc("default", "web");
  s.selector = {{"app", "web"}};
  s.ports[0].target_port = IntOrString::of(std::string("http"));
  load::Diagnostics diags;
  auto eps = build({s}, inv, diags).find("default", "web")->ports[0].endpoints;
  std::vector<std::string> got;
  for (const auto& x : eps) got.push_back(x.to_string());
  // c has "http" only for UDP and d has no such port: both are left out of this port.
  EXPECT_EQ(got, (std::vector<std::string>{"10.244.1.5:8080", "10.244.1.6:9090", "10.244.1.9:15001"}));
}

TEST(Endpoints, HandWrittenSliceForSelectorlessService) {
  Service s = svc("default", "external-db");
  s.ports[0].name = "pg";
  EndpointSlice slice;
  slice.meta.namespace_ = "default";
  slice.meta.name = "external-db-1";
  slice.service_name = "external-db";
  slice.address_type = "IPv4";
  slice.ports = {EndpointPort{"pg", net::Protocol::Tcp, 5432, ""}, EndpointPort{"other", net::Protocol::Tcp, 1, ""}};
  Endpoint e1;
  e1.addresses = {"192.0.2.10"};
  Endpoint e2;
  e2.addresses = {"192.0.2.9"};
  e2.conditions.ready = false;
  e2.node_name = "node-2";
  slice.endpoints = {e1, e2};
  load::Diagnostics diags;
  auto state = build({s}, two_nodes(), diags, {slice});
  const auto& eps = state.find("default", "external-db")->ports[0].endpoints;
  ASSERT_EQ(eps.size(), 2u);
  EXPECT_EQ(eps[0].to_string(), "192.0.2.10:5432");
  EXPECT_TRUE(eps[0].ready);
  EXPECT_EQ(eps[1].to_string(), "192.0.2.9:5432");
  EXPECT_FALSE(eps[1].ready);
  EXPECT_FALSE(eps[1].serving);  // serving nil defers to ready
  EXPECT_EQ(eps[1].node, "node-2");
}

}  // namespace
}  // namespace packetwalk::model::kube
