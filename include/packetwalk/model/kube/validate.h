#pragma once
// API-server-style validation of loaded objects. Each problem becomes a Diagnostic naming the
// object ("Pod default/web") and the field path, at the position where the field was written:
//
//   web.yaml:12:26: error: Pod default/web: spec.containers[0].ports[0].containerPort: must be
//   between 1 and 65535, got 70000
//
// The rules follow k8s.io/apimachinery/pkg/util/validation and pkg/apis/*/validation; where
// packetwalk is stricter (IPv6 values it cannot model) the message says so. Validation never
// changes the objects.

#include <string>
#include <string_view>

#include "packetwalk/model/kube/objects.h"
#include "packetwalk/model/load/diagnostic.h"
#include "packetwalk/model/load/manifest_loader.h"

namespace packetwalk::model::kube {

// ---- Syntax of names and labels: "" when valid, else what is required (API server wording). ----

// RFC 1123 label: at most 63 characters of [a-z0-9-], starting and ending alphanumeric
// (Namespace names, container names, port names of Services, hostname/subdomain).
std::string dns1123_label_error(std::string_view value);
// RFC 1123 subdomain: at most 253 characters, dot-separated labels (most object names).
std::string dns1123_subdomain_error(std::string_view value);
// RFC 1035 label: like an RFC 1123 label but must start with a letter (Service names).
std::string dns1035_label_error(std::string_view value);
// Label and annotation keys: [prefix/]name; prefix an RFC 1123 subdomain, name at most 63
// characters matching ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9].
std::string label_key_error(std::string_view key);
// Label values: empty, or at most 63 characters matching the name part above.
std::string label_value_error(std::string_view value);
// IANA_SVC_NAME (container port names, named targetPorts): at most 15 characters of [a-z0-9-],
// at least one letter, no "--", not starting or ending with '-'.
std::string iana_svc_name_error(std::string_view value);
// ConfigMap keys: at most 253 characters of [-._a-zA-Z0-9].
std::string config_key_error(std::string_view key);

// ---- Objects ------------------------------------------------------------------------------------

void validate_object(const Namespace& ns, load::Diagnostics& diags);
void validate_object(const Node& node, load::Diagnostics& diags);
void validate_object(const ConfigMap& cm, load::Diagnostics& diags);
void validate_object(const Pod& pod, load::Diagnostics& diags);
void validate_object(const Deployment& d, load::Diagnostics& diags);
void validate_object(const ReplicaSet& rs, load::Diagnostics& diags);
void validate_object(const StatefulSet& s, load::Diagnostics& diags);
void validate_object(const DaemonSet& ds, load::Diagnostics& diags);
void validate_object(const Job& job, load::Diagnostics& diags);
void validate_object(const Service& svc, load::Diagnostics& diags);
void validate_object(const EndpointSlice& slice, load::Diagnostics& diags);
void validate_object(const NetworkPolicy& np, load::Diagnostics& diags);
void validate_object(const GenericObject& object, load::Diagnostics& diags);  // labels and annotations

// Validates every object of the set (the loaders call this for you).
void validate_manifests(const load::ManifestSet& set, load::Diagnostics& diags);

}  // namespace packetwalk::model::kube
