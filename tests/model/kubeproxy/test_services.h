#pragma once
// Hand-made ServiceStates for the proxier tests, so those tests do not depend on the loader,
// the inventory or the allocators.

#include <initializer_list>
#include <string>
#include <utility>

#include "packetwalk/model/kube/services.h"

namespace packetwalk::model::kubeproxy::kptest {

inline net::Ipv4Address ip(const char* text) { return *net::Ipv4Address::parse(text); }
inline net::Cidr cidr(const char* text) { return *net::Cidr::parse(text); }

inline kube::EndpointInfo ep(const char* address, int port, const char* node, bool ready = true) {
  kube::EndpointInfo e;
  e.ip = ip(address);
  e.port = port;
  e.node = node;
  e.ready = ready;
  e.serving = ready;
  return e;
}

inline kube::ServicePortInfo port(const char* name, net::Protocol protocol, int number, int target,
                                  std::initializer_list<kube::EndpointInfo> endpoints, int node_port = 0) {
  kube::ServicePortInfo p;
  p.name = name;
  p.protocol = protocol;
  p.port = number;
  p.node_port = node_port;
  p.target_port = kube::IntOrString::of(target);
  p.endpoints = endpoints;  // callers give them in endpoint-string order, as ServiceState keeps them
  return p;
}

inline kube::ServiceInfo service(const char* ns, const char* name, kube::ServiceType type, const char* cluster_ip,
                                 std::initializer_list<kube::ServicePortInfo> ports) {
  kube::ServiceInfo s;
  s.namespace_ = ns;
  s.name = name;
  s.type = type;
  s.cluster_ip = ip(cluster_ip);
  s.ports = ports;
  return s;
}

// The golden setup (tests/golden/kubeproxy/small_cluster_node1.iptables-save), seen from node-1:
//   default/api     NodePort 30443, one endpoint on node-2             (EXT chain, ETP Cluster)
//   default/empty   NodePort 30080, no endpoints                       (REJECT in filter)
//   default/lb      LoadBalancer, ETP Local, one local + one remote endpoint, source ranges
//   default/sticky  UDP ClusterIP with ClientIP affinity
//   default/web     ClusterIP with three endpoints (string order 1.12 < 1.5 < 2.7)
inline kube::ServiceState golden_services() {
  using kube::ServiceType;
  using net::Protocol;
  kube::ServiceState state;
  state.services.push_back(service("default", "api", ServiceType::NodePort, "10.96.100.20",
                                   {port("", Protocol::Tcp, 443, 8443, {ep("10.244.2.9", 8443, "node-2")}, 30443)}));
  state.services.push_back(
      service("default", "empty", ServiceType::NodePort, "10.96.100.40", {port("", Protocol::Tcp, 8080, 8080, {}, 30080)}));
  auto lb = service("default", "lb", ServiceType::LoadBalancer, "10.96.100.30",
                    {port("web", Protocol::Tcp, 80, 80, {ep("10.244.1.20", 80, "node-1"), ep("10.244.2.8", 80, "node-2")},
                          31080)});
  lb.external_traffic_policy_local = true;
  lb.health_check_node_port = 32000;
  lb.load_balancer_ips = {ip("203.0.113.10")};
  lb.load_balancer_source_ranges = {cidr("198.51.100.0/24")};
  state.services.push_back(lb);
  auto sticky = service("default", "sticky", ServiceType::ClusterIP, "10.96.100.50",
                        {port("", Protocol::Udp, 9000, 9000,
                              {ep("10.244.1.30", 9000, "node-1"), ep("10.244.2.30", 9000, "node-2")})});
  sticky.session_affinity_client_ip = true;
  state.services.push_back(sticky);
  state.services.push_back(service(
      "default", "web", ServiceType::ClusterIP, "10.96.100.10",
      {port("http", Protocol::Tcp, 80, 8080,
            {ep("10.244.1.12", 8080, "node-1"), ep("10.244.1.5", 8080, "node-1"), ep("10.244.2.7", 8080, "node-2")})}));
  return state;
}

}  // namespace packetwalk::model::kubeproxy::kptest
