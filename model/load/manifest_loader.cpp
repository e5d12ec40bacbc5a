// Kind dispatch, Lists, files and directories.
#include "packetwalk/model/load/manifest_loader.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "packetwalk/model/kube/validate.h"
#include "packetwalk/model/load/input_limits.h"
#include "parsers.h"

namespace packetwalk::model::load {

namespace detail {

namespace {

using ParseFn = void (*)(ParseContext&, const MapReader&, kube::ObjectMeta, ManifestSet&);

constexpr std::array<std::string_view, 6> kConfigMapFields = {"apiVersion", "kind",       "metadata",
                                                              "data",       "binaryData", "immutable"};
constexpr std::array<std::string_view, 6> kEndpointSliceFields = {"apiVersion", "kind",      "metadata",
                                                                  "addressType", "endpoints", "ports"};
constexpr std::array<std::string_view, 1> kAnyField = {"*"};

struct KindInfo {
  std::string_view kind;
  std::string_view api_version;  // the version packetwalk reads
  std::span<const std::string_view> fields;
  ParseFn parse;
};

constexpr std::array<KindInfo, 15> kModelledKinds = {{
    {"AdminNetworkPolicy", "policy.networking.k8s.io/v1alpha1", kSpecStatusFields, parse_admin_network_policy},
    {"BaselineAdminNetworkPolicy", "policy.networking.k8s.io/v1alpha1", kSpecStatusFields,
     parse_baseline_admin_network_policy},
    {"ClusterNetworkPolicy", "policy.networking.k8s.io/v1alpha2", kSpecStatusFields, parse_cluster_network_policy},
    {"ConfigMap", "v1", kConfigMapFields, parse_config_map},
    {"DaemonSet", "apps/v1", kSpecStatusFields, parse_daemon_set},
    {"Deployment", "apps/v1", kSpecStatusFields, parse_deployment},
    {"EndpointSlice", "discovery.k8s.io/v1", kEndpointSliceFields, parse_endpoint_slice},
    {"Job", "batch/v1", kSpecStatusFields, parse_job},
    {"Namespace", "v1", kSpecStatusFields, parse_namespace},
    {"NetworkPolicy", "networking.k8s.io/v1", kSpecStatusFields, parse_network_policy},
    {"Node", "v1", kSpecStatusFields, parse_node},
    {"Pod", "v1", kSpecStatusFields, parse_pod},
    {"ReplicaSet", "apps/v1", kSpecStatusFields, parse_replica_set},
    {"Service", "v1", kSpecStatusFields, parse_service},
    {"StatefulSet", "apps/v1", kSpecStatusFields, parse_stateful_set},
}};

// Kinds kept as GenericObject without a warning: the networking kinds later work will model, and
// the everyday kinds of real manifests that carry nothing for the datapath.
constexpr std::array<std::string_view, 39> kGenericKinds = {
    "BackendTLSPolicy", "ClusterRole",
    "ClusterRoleBinding", "ControllerRevision", "CronJob", "CSIDriver", "CustomResourceDefinition", "Endpoints",
    "Event", "Gateway", "GatewayClass", "GRPCRoute", "HorizontalPodAutoscaler", "HTTPRoute", "Ingress",
    "IngressClass", "Lease", "LimitRange", "MutatingWebhookConfiguration", "PersistentVolume",
    "PersistentVolumeClaim", "PodDisruptionBudget", "PodTemplate", "PriorityClass", "ReferenceGrant",
    "ReplicationController", "ResourceQuota", "Role", "RoleBinding", "RuntimeClass", "Secret", "ServiceAccount",
    "StorageClass", "TCPRoute", "TLSRoute", "UDPRoute", "ValidatingAdmissionPolicy",
    "ValidatingWebhookConfiguration", "VolumeAttachment"};

// The last value of `key` in mapping `node` if it is a scalar; "" otherwise (lenient: used only
// to name the object before it is read properly).
std::string scalar_child(const YAML::Node& node, std::string_view key) {
  std::string out;
  if (!node.IsMap()) return out;
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (it->first.IsScalar() && it->first.Scalar() == key && it->second.IsScalar()) out = it->second.Scalar();
  }
  return out;
}

YAML::Node map_child(const YAML::Node& node, std::string_view key) {
  YAML::Node out;
  if (!node.IsMap()) return out;
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (it->first.IsScalar() && it->first.Scalar() == key) out = it->second;
  }
  return out;
}

// Generic objects are parsed later (model/ingress, ...) from their re-emitted YAML, which has lost
// the user's positions: record where every field was written so those parsers can point at it.
void record_positions(ParseContext& ctx, const YAML::Node& node, const std::string& path, int depth = 0) {
  if (depth > 64) return;
  if (node.IsMap()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (!it->first.IsScalar()) continue;
      auto child = child_path(path, it->first.Scalar());
      ctx.record(child, ctx.pos(it->second.IsNull() ? it->first : it->second));
      record_positions(ctx, it->second, child, depth + 1);
    }
  } else if (node.IsSequence()) {
    for (std::size_t i = 0; i < node.size(); ++i) {
      auto child = item_path(path, i);
      ctx.record(child, ctx.pos(node[i]));
      record_positions(ctx, node[i], child, depth + 1);
    }
  }
}

bool is_list_kind(std::string_view kind) {
  return kind.size() >= 4 && kind.substr(kind.size() - 4) == "List";
}

void load_list(ParseContext& ctx, const Field& root, ManifestSet& out) {
  MapReader list(ctx, root, {"apiVersion", "kind", "metadata", "items"});
  auto items = list.get("items");
  if (!items) return;
  read_list(ctx, *items, [&](const Field& item) { load_document(ctx, item.node, out); });
}

void load_object(ParseContext& ctx, const YAML::Node& node, ManifestSet& out) {
  Field root{"", node, ctx.pos(node), ctx.pos(node)};
  if (!node.IsMap()) {
    ctx.error(root.pos, "", "expected a Kubernetes object (a mapping with apiVersion, kind and metadata), got " +
                                describe(node));
    return;
  }
  std::string kind = scalar_child(node, "kind");
  std::string api_version = scalar_child(node, "apiVersion");
  if (kind == "List" || (is_list_kind(kind) && !map_child(node, "items").IsNull())) {
    load_list(ctx, root, out);
    return;
  }
  auto metadata = map_child(node, "metadata");
  std::string name = scalar_child(metadata, "name");
  bool cluster_scoped = kube::is_cluster_scoped(kind);
  std::string ns = cluster_scoped ? "" : scalar_child(metadata, "namespace");
  if (!cluster_scoped && ns.empty()) ns = "default";
  std::string ref = kind.empty() ? "object" : kind;
  if (!name.empty()) ref += " " + (ns.empty() ? name : ns + "/" + name);
  ctx.begin_object(kind.empty() && name.empty() ? "" : ref);

  if (kind.empty()) {
    if (auto kind_node = map_child(node, "kind"); !kind_node.IsNull()) {
      Field kind_field{"kind", kind_node, ctx.pos(kind_node), ctx.pos(kind_node)};
      read_string(ctx, kind_field);  // reports the type
      if (!kind_node.IsScalar()) return;
    }
    return ctx.missing(root.pos, "kind");
  }
  if (api_version.empty()) return ctx.missing(root.pos, "apiVersion");

  auto modelled = std::find_if(kModelledKinds.begin(), kModelledKinds.end(),
                               [&](const KindInfo& k) { return k.kind == kind; });
  bool generic = std::find(kGenericKinds.begin(), kGenericKinds.end(), kind) != kGenericKinds.end();
  if (modelled == kModelledKinds.end() && !generic) {
    ctx.warning(root.pos, "",
                "unknown kind \"" + kind + "\" (apiVersion \"" + api_version + "\"); packetwalk skips this object");
    return;
  }
  if (modelled != kModelledKinds.end() && modelled->api_version != api_version) {
    ctx.error(ctx.pos(map_child(node, "apiVersion")), "",
              "no matches for kind \"" + kind + "\" in version \"" + api_version + "\" (packetwalk reads " +
                  std::string(modelled->api_version) + ")");
    return;
  }

  MapReader reader(ctx, root, generic ? std::span<const std::string_view>(kAnyField) : modelled->fields);
  kube::ObjectMeta meta = parse_metadata(ctx, reader, cluster_scoped);
  if (meta.name.empty()) {
    ctx.missing(reader.get("metadata") ? reader.get("metadata")->pos : root.pos, "metadata.name");
    return;
  }
  meta.kind = kind;
  meta.api_version = api_version;
  if (!cluster_scoped && meta.namespace_.empty()) meta.namespace_ = "default";
  if (generic) {
    kube::GenericObject object;
    record_positions(ctx, node, "");
    finish_object(ctx, object, std::move(meta));
    object.yaml = YAML::Dump(node);
    out.others.push_back(std::move(object));
  } else {
    modelled->parse(ctx, reader, std::move(meta), out);
  }
}

}  // namespace

void load_document(ParseContext& ctx, const YAML::Node& root, ManifestSet& out) {
  // Nothing below should throw, but a loader must never take the program down with it.
  try {
    load_object(ctx, root, out);
  } catch (const std::exception& e) {
    ctx.error(ctx.pos(root), "", std::string("internal error while reading this object: ") + e.what());
  }
  ctx.end_object();
}

}  // namespace detail

namespace {

namespace fs = std::filesystem;


bool has_manifest_extension(const fs::path& p) {
  auto ext = p.extension().string();
  return ext == ".yaml" || ext == ".yml" || ext == ".json";
}

// Lists the files to read for `path` (itself, or the manifest files below it), reporting problems.
std::vector<std::string> expand_path(const std::string& path, Diagnostics& diags) {
  std::error_code ec;
  auto status = fs::status(path, ec);
  if (ec || !fs::exists(status)) {
    diags.error({}, "", "the path \"" + path + "\" does not exist");
    return {};
  }
  if (!fs::is_directory(status)) return {path};
  std::vector<std::string> files;
  fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code entry_ec;
    if (it->is_regular_file(entry_ec) && has_manifest_extension(it->path())) files.push_back(it->path().generic_string());
  }
  if (ec) diags.error({path, 0, 0}, "", "cannot read directory: " + ec.message());
  std::sort(files.begin(), files.end());
  if (files.empty() && !ec) diags.warning({path, 0, 0}, "", "directory contains no .yaml, .yml or .json files");
  return files;
}

// Loads each document as soon as it is parsed, so only one YAML tree is in memory at a time, and
// stops with an error once the run holds more objects than limits::kMaxObjects.
void load_stream(detail::ParseContext& ctx, std::string_view text, ManifestSet& out) {
  bool over = out.size() > limits::kMaxObjects;
  detail::visit_yaml_stream(text, ctx, [&](detail::YamlDocument& doc) {
    if (over) return;
    ctx.set_document_line(doc.first_line);
    detail::load_document(ctx, doc.root, out);
    if (out.size() > limits::kMaxObjects) {
      over = true;
      ctx.error(ctx.pos(doc.root.Mark()), "",
                "more than " + std::to_string(limits::kMaxObjects) +
                    " objects; packetwalk reads at most that many in one run (docs/limits.md)");
    }
  });
}

void load_file(const std::string& file, Diagnostics& diags, ManifestSet& out) {
  std::error_code ec;
  auto status = fs::status(file, ec);
  if (!ec && !fs::is_regular_file(status)) {
    diags.error({file, 0, 0}, "", "not a regular file");
    return;
  }
  auto size = fs::file_size(file, ec);
  if (!ec && size > limits::kMaxFileBytes) {
    diags.error({file, 0, 0}, "",
                "file is " + std::to_string(size >> 20) + " MiB, larger than packetwalk's limit of " +
                    std::to_string(limits::kMaxFileBytes >> 20) + " MiB per file (docs/limits.md); not a manifest?");
    return;
  }
  std::ifstream in(file, std::ios::in | std::ios::binary);
  if (!in) {
    diags.error({file, 0, 0}, "", std::string("cannot open file: ") + std::strerror(errno));
    return;
  }
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) {
    diags.error({file, 0, 0}, "", "cannot read file");
    return;
  }
  std::string text = std::move(bytes).str();
  if (!detail::check_text(text, file, diags)) return;
  detail::ParseContext ctx(diags, {file, 0, 0});
  load_stream(ctx, text, out);
}

void finish(ManifestSet& set, Diagnostics& diags) {
  remove_duplicates(set, diags);
  kube::validate_manifests(set, diags);
}

}  // namespace

ManifestSet load_manifest_paths(const std::vector<std::string>& paths, Diagnostics& diags) {
  ManifestSet set;
  std::set<std::string> seen;
  for (const auto& path : paths) {
    for (const auto& file : expand_path(path, diags)) {
      std::error_code ec;
      auto canonical = fs::weakly_canonical(file, ec);
      if (!seen.insert(ec ? file : canonical.string()).second) continue;
      if (set.size() > limits::kMaxObjects) break;  // reported where the limit was crossed
      load_file(file, diags, set);
    }
  }
  finish(set, diags);
  return set;
}

ManifestSet load_manifest_text(std::string_view text, const std::string& file_label, int line_offset,
                               Diagnostics& diags, int column_offset) {
  ManifestSet set;
  detail::ParseContext ctx(diags, {file_label, line_offset, column_offset});
  if (detail::check_text(text, file_label, diags)) load_stream(ctx, text, set);
  finish(set, diags);
  return set;
}

}  // namespace packetwalk::model::load
