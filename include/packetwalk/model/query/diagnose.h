#pragma once
// `packetwalk diagnose`: the troubleshooting checklist of the seed article, walked in its order
// over a built cluster, for one connection (source -> destination[:port]):
//   1. cni         the pod network: the nodes' devices up, routes to the other nodes' pod subnets
//                  through the VXLAN device, VXLAN FDB entries, the node network's MTU, hairpin
//                  mode; then probes straight to each backend's pod IP, at normal and full size;
//   2. kube-proxy  (Services) kube-proxy running on the node that translates the Service (its
//                  KUBE-SERVICES chain present), the Service's endpoints ("endpoints": selector,
//                  named targetPort, readiness), its rules present, externalTrafficPolicy Local;
//   3. dns         the destination name resolves, looked up by the source's resolver;
//   4. policy      NetworkPolicy allows it; with a CNI that enforces none (flannel), policies
//                  that select the pods and would deny it fail the step all the same (written,
//                  not enforced);
//   5. connection  the connection itself, end to end; a failure is pinned on the layer of the hop
//                  that decided it ("listener": nothing listens at the backend's port; "node": the
//                  kernel, e.g. a full conntrack table).
// For a URL, a sixth step asks the router: ingress-nginx ("ingress") or the Gateway whose listener
// takes the host ("gateway": listener, route attachment, rule match, backendRefs).
// It stops at the first layer that fails, with the evidence (the missing rule, the down device,
// the drop hop) and the usual fix; later steps are left "not checked".

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "packetwalk/model/cluster/cluster.h"
#include "packetwalk/model/query/probe.h"

namespace packetwalk::model::query {

enum class StepStatus : std::uint8_t { Ok, Failed, Skipped, NotChecked };
std::string_view step_status_name(StepStatus s);  // "ok", "failed", "skipped", "not checked"

struct DiagnoseProbe {
  std::string purpose;  // "pod network to default/api-0 on node-2"
  std::string from;     // "default/pod-a"
  std::string to;       // "10.244.1.2:8080"
  int size = 0;         // IP length of the first packet; 0: the probe default
  ProbeResult result;
};

struct DiagnoseStep {
  std::string layer;  // cni | kube-proxy | endpoints | dns | policy | listener | node | connection | ingress | gateway
  std::string title;  // "CNI (flannel)"
  StepStatus status = StepStatus::NotChecked;
  std::string summary;                // one line
  std::vector<std::string> checked;   // what was verified (ok steps too)
  std::vector<std::string> evidence;  // on failure: what shows it
  std::string fix;                    // on failure: the usual fix
  std::vector<DiagnoseProbe> probes;  // the probes run for this step
};

struct DiagnoseRequest {
  std::string from;
  std::string to;  // DST[:PORT]; without a port: the Service's first port, or the pod's first containerPort
  std::string protocol = "TCP";
  std::string default_namespace = "default";
};

struct Diagnosis {
  std::string from;    // canonical source label
  std::string to;      // as requested, with the port filled in
  std::string target;  // what the destination is ("Service default/api port 80/TCP -> targetPort 8080, 2 endpoints")
  // The checklist in order: five steps, then for a URL the router's (ingress or gateway). A URL
  // for a port none of its Gateway's listeners has puts the gateway step first (the rest "not
  // checked"): the data plane has no such port, which is the Gateway's doing.
  std::vector<DiagnoseStep> steps;
  std::string failed_layer;         // "" when every step passed
  std::string verdict;              // one line
};

// nullopt and `error` for a source or destination that does not resolve.
std::optional<Diagnosis> diagnose(cluster::Cluster& cluster, ProbeRunner& runner, const DiagnoseRequest& request,
                                  std::string& error);

}  // namespace packetwalk::model::query
