#pragma once
// Loading Kubernetes manifests (what `kubectl apply -f` accepts) into kube objects, with
// Diagnostics instead of exceptions.
//
// Contract of both loaders:
//  - They never throw and never stop at the first problem: every file and document is read so the
//    user sees all errors at once. Objects with errors are kept with best-effort values, except
//    those that cannot be identified (no kind, no name) and unknown kinds, which are skipped.
//  - Accepted input: multi-document YAML streams, `kind: List` (and `kind: <Kind>List`) with
//    `items`, JSON. Files must be UTF-8 text.
//  - Unknown fields are warnings with their position and field path; the fields `kubectl get -o
//    yaml` adds (managedFields, resourceVersion, uid, status, ...) are accepted silently.
//  - Namespaced objects without metadata.namespace get "default".
//  - Every loaded object is validated (kube/validate.h) before it is returned.
//  - The result is sorted (see ManifestSet::sort) and duplicates (same kind, namespace and name)
//    are reported once, naming both positions; the first by position is kept.

#include <string>
#include <string_view>
#include <vector>

#include "packetwalk/model/kube/admin_policy.h"
#include "packetwalk/model/kube/objects.h"
#include "packetwalk/model/load/diagnostic.h"

namespace packetwalk::model::load {

struct ManifestSet {
  std::vector<kube::Namespace> namespaces;
  std::vector<kube::Node> nodes;
  std::vector<kube::Pod> pods;
  std::vector<kube::Deployment> deployments;
  std::vector<kube::ReplicaSet> replica_sets;
  std::vector<kube::StatefulSet> stateful_sets;
  std::vector<kube::DaemonSet> daemon_sets;
  std::vector<kube::Job> jobs;
  std::vector<kube::Service> services;
  std::vector<kube::EndpointSlice> endpoint_slices;
  std::vector<kube::NetworkPolicy> network_policies;
  std::vector<kube::AdminNetworkPolicy> admin_policies;  // AdminNetworkPolicy, BaselineAdminNetworkPolicy, ClusterNetworkPolicy
  std::vector<kube::ConfigMap> config_maps;
  std::vector<kube::GenericObject> others;  // known kinds not modelled yet; sorted by kind first

  // Appends every object of `other` (no sorting, no duplicate check).
  void merge(ManifestSet&& other);
  // Orders each list by (namespace, name) — `others` by (kind, namespace, name) — then by position,
  // so the result never depends on file or document order.
  void sort();
  std::size_t size() const;  // number of objects
};

// Sorts `set` and removes objects whose (kind, namespace, name) repeats an earlier one, reporting
// "duplicate object; first defined at <file:line:col>" at the later copy.
void remove_duplicates(ManifestSet& set, Diagnostics& diags);

// Loads files and directories. Directories are walked recursively in sorted order, taking files
// ending in .yaml, .yml or .json; a file named explicitly is read whatever its extension. A path
// that does not exist, cannot be read, or is not UTF-8 text is an error naming it. A file reached
// twice (listed twice, or also inside a listed directory) is read once.
ManifestSet load_manifest_paths(const std::vector<std::string>& paths, Diagnostics& diags);

// Loads YAML/JSON text held in memory. Positions are reported in `file_label`, as if the text's
// first line were line `line_offset + 1` and every line were indented by `column_offset` columns
// (for documents embedded in a scenario file).
ManifestSet load_manifest_text(std::string_view text, const std::string& file_label, int line_offset,
                               Diagnostics& diags, int column_offset = 0);

}  // namespace packetwalk::model::load
