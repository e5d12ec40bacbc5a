#include "packetwalk/model/kube/objects.h"

#include <algorithm>
#include <array>

namespace packetwalk::model::kube {

std::string ObjectMeta::ref() const {
  if (namespace_.empty()) return kind + " " + name;
  return kind + " " + namespace_ + "/" + name;
}

load::SourcePos ObjectMeta::pos_of(std::string_view field_path) const {
  while (!field_path.empty()) {
    if (auto it = field_positions.find(field_path); it != field_positions.end()) return it->second;
    // Drop the last step: ".name" or "[3]". A '.' inside brackets never occurs in our paths except
    // in map keys of labels ("metadata.labels.app.kubernetes.io/name"), where stripping one
    // dot-separated piece at a time still ends at "metadata.labels".
    auto cut = field_path.find_last_of(".[");
    if (cut == std::string_view::npos) break;
    field_path = field_path.substr(0, cut);
  }
  return pos;
}

std::string_view to_string(ServiceType t) {
  switch (t) {
    case ServiceType::ClusterIP: return "ClusterIP";
    case ServiceType::NodePort: return "NodePort";
    case ServiceType::LoadBalancer: return "LoadBalancer";
    case ServiceType::ExternalName: return "ExternalName";
  }
  return "?";
}

std::string_view to_string(SessionAffinity a) { return a == SessionAffinity::ClientIP ? "ClientIP" : "None"; }

std::string_view to_string(TrafficPolicy p) { return p == TrafficPolicy::Local ? "Local" : "Cluster"; }

namespace {
bool has_type(const std::vector<std::string>& types, std::string_view t) {
  return std::find(types.begin(), types.end(), t) != types.end();
}
}  // namespace

bool NetworkPolicy::affects_ingress() const {
  if (!policy_types || policy_types->empty()) return true;
  return has_type(*policy_types, "Ingress");
}

bool NetworkPolicy::affects_egress() const {
  if (!policy_types || policy_types->empty()) return egress && !egress->empty();
  return has_type(*policy_types, "Egress");
}

bool is_cluster_scoped(std::string_view kind) {
  static constexpr std::array<std::string_view, 22> kClusterScoped = {
      "AdminNetworkPolicy", "APIService", "BaselineAdminNetworkPolicy", "CSIDriver", "CSINode",
      "ClusterNetworkPolicy", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition",
      "GatewayClass", "IngressClass", "MutatingWebhookConfiguration", "Namespace", "Node",
      "PersistentVolume", "PriorityClass", "RuntimeClass", "StorageClass",
      "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "ValidatingWebhookConfiguration",
      "VolumeAttachment"};
  return std::find(kClusterScoped.begin(), kClusterScoped.end(), kind) != kClusterScoped.end();
}

}  // namespace packetwalk::model::kube
