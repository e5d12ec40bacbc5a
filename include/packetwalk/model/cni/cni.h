#pragma once
// The CNIs packetwalk models, and what every command that builds a cluster (Cluster::build) or only
// its control plane (reach's ReachWorld) says about them, from one place so the two agree.

#include <array>
#include <string>
#include <string_view>

#include "packetwalk/model/kube/inventory.h"
#include "packetwalk/model/load/diagnostic.h"
#include "packetwalk/model/load/manifest_loader.h"

namespace packetwalk::model::cni {

inline constexpr std::array<std::string_view, 3> kSupportedCnis{"calico", "cilium", "flannel"};

// False, with an error naming `scenario_path`, for a CNI packetwalk does not model or a
// combination it does not (cilium with proxyMode ipvs: bpf_lxc's egress program needs the Service
// translated before it runs, tc_program.h, and IPVS translates only at LOCAL_IN).
bool check_supported(const std::string& cni, const std::string& proxy_mode, const std::string& scenario_path,
                     load::Diagnostics& diags);

// Load-time warnings about policies the CNI ignores or reads differently: under flannel every
// NetworkPolicy and admin-tier policy has no effect; under cilium see warn_cilium_policies (cilium.h).
void warn_policy_effects(const std::string& cni, const load::ManifestSet& manifests, const kube::Inventory& inventory,
                         load::Diagnostics& diags);

}  // namespace packetwalk::model::cni
