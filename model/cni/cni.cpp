#include "packetwalk/model/cni/cni.h"

#include <algorithm>

#include "packetwalk/model/cni/cilium.h"

namespace packetwalk::model::cni {

bool check_supported(const std::string& cni, const std::string& proxy_mode, const std::string& scenario_path,
                     load::Diagnostics& diags) {
  if (std::find(kSupportedCnis.begin(), kSupportedCnis.end(), cni) == kSupportedCnis.end()) {
    diags.error({scenario_path, 0, 0}, "", "cni \"" + cni + "\" is not supported yet (supported: flannel, calico, cilium)");
    return false;
  }
  if (cni == "cilium" && proxy_mode == "ipvs") {
    diags.error({scenario_path, 0, 0}, "", "cni cilium with proxyMode ipvs is not modelled (use iptables or nftables)");
    return false;
  }
  return true;
}

void warn_policy_effects(const std::string& cni, const load::ManifestSet& manifests, const kube::Inventory& inventory,
                         load::Diagnostics& diags) {
  if (cni == "cilium") {
    warn_cilium_policies(manifests.network_policies, manifests.admin_policies, inventory, diags);
  } else if (cni == "flannel") {
    // Flannel has no policy engine: say so for every policy rather than let a user believe it holds.
    for (const auto& p : manifests.network_policies) {
      diags.warning(p.meta.pos, p.ref(),
                    "cni flannel does not enforce NetworkPolicy: this policy has no effect (cni: calico enforces it)");
    }
    for (const auto& p : manifests.admin_policies) {
      diags.warning(p.meta.pos, p.ref(),
                    "cni flannel does not enforce " + p.meta.kind + ": this policy has no effect (cni: calico enforces it)");
    }
  }
}

}  // namespace packetwalk::model::cni
