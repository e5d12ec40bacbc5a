#pragma once
// Private to model/load: one parser per kind family. Each parser receives the object's root
// mapping (already checked against the kind's top-level fields) and its metadata, reads the rest,
// and appends the finished object (with its recorded field positions) to the ManifestSet.

#include <array>
#include <string_view>

#include "packetwalk/model/kube/objects.h"
#include "packetwalk/model/load/manifest_loader.h"
#include "yaml_reader.h"

namespace packetwalk::model::load::detail {

// Top-level fields of every object, plus `spec` and `status` where a kind has them.
inline constexpr std::array<std::string_view, 5> kSpecStatusFields = {"apiVersion", "kind", "metadata", "spec",
                                                                    "status"};

// metadata: name (required), namespace, labels, annotations, ownerReferences (controller);
// accepts the server-set fields kubectl dumps (uid, resourceVersion, managedFields, ...).
kube::ObjectMeta parse_metadata(ParseContext& ctx, const MapReader& root, bool cluster_scoped);

// metav1.LabelSelector at `f`.
kube::LabelSelector parse_label_selector(ParseContext& ctx, const Field& f);
net::Protocol parse_protocol(ParseContext& ctx, const MapReader& m);  // "protocol", default TCP
kube::IntOrString parse_int_or_string(ParseContext& ctx, const Field& f);

// Pod spec parts shared by Pod and every workload template.
kube::PodSpec parse_pod_spec(ParseContext& ctx, const Field& f);
kube::PodTemplate parse_pod_template(ParseContext& ctx, const Field& f);

// Completes an object: takes the positions recorded since begin_object() into its metadata.
template <typename T>
void finish_object(ParseContext& ctx, T& object, kube::ObjectMeta meta) {
  object.meta = std::move(meta);
  object.meta.field_positions = ctx.take_positions();
  object.meta.fields_with_errors = ctx.take_fields_with_errors();
}

void parse_namespace(ParseContext& ctx, const MapReader& root, kube::ObjectMeta meta, ManifestSet& out);
void parse_node(ParseContext& ctx, const MapReader& root, kube::ObjectMeta meta, ManifestSet& out);
void parse_config_map(ParseContext& ctx, const MapReader& root, kube::ObjectMeta meta, ManifestSet& out);
void parse_pod(ParseContext& ctx, const MapReader& root, kube::ObjectMeta meta, ManifestSet& out);
void parse_deployment(ParseContext& ctx, const MapReader& root, kube::ObjectMeta meta, ManifestSet& out);
void parse_replica_set(ParseContext& ctx, const MapReader& root, kube::ObjectMeta meta, ManifestSet& out);
void parse_stateful_set(ParseContext& ctx, const MapReader& root, kube::ObjectMeta meta, ManifestSet& out);
void parse_daemon_set(ParseContext& ctx, const MapReader& root, kube::ObjectMeta meta, ManifestSet& out);
void parse_job(ParseContext& ctx, const MapReader& root, kube::ObjectMeta meta, ManifestSet& out);
void parse_service(ParseContext& ctx, const MapReader& root, kube::ObjectMeta meta, ManifestSet& out);
void parse_endpoint_slice(ParseContext& ctx, const MapReader& root, kube::ObjectMeta meta, ManifestSet& out);
void parse_network_policy(ParseContext& ctx, const MapReader& root, kube::ObjectMeta meta, ManifestSet& out);
void parse_admin_network_policy(ParseContext& ctx, const MapReader& root, kube::ObjectMeta meta, ManifestSet& out);
void parse_baseline_admin_network_policy(ParseContext& ctx, const MapReader& root, kube::ObjectMeta meta, ManifestSet& out);
void parse_cluster_network_policy(ParseContext& ctx, const MapReader& root, kube::ObjectMeta meta, ManifestSet& out);

// One document's root node: an object or a List of objects. Used for files and for inline
// documents of scenario files (whose nodes already carry scenario-file positions).
void load_document(ParseContext& ctx, const YAML::Node& root, ManifestSet& out);

}  // namespace packetwalk::model::load::detail
