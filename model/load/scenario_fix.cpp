// A lab's fix file: Kubernetes objects that replace the scenario's (same kind, namespace and name)
// plus at most one `apiVersion: packetwalk/v1, kind: Fix` document for what no API object holds
// (the faults that remain, the nodes' MTU, the CNI).
#include <fstream>
#include <sstream>

#include "packetwalk/model/kube/validate.h"
#include "packetwalk/model/load/fault_spec.h"
#include "packetwalk/model/load/scenario.h"
#include "parsers.h"
#include "scenario_parts.h"

namespace packetwalk::model::load {

namespace {

bool is_fix_document(const YAML::Node& root) {
  if (!root.IsMap()) return false;
  const auto api = root["apiVersion"];
  return api && api.IsScalar() && api.Scalar() == "packetwalk/v1";
}

void read_fix_document(detail::ParseContext& ctx, const YAML::Node& root, FixSpec& fix) {
  detail::Field top{"", root, ctx.pos(root), ctx.pos(root)};
  detail::MapReader m(ctx, top, {"apiVersion", "kind", "metadata", "description", "faults", "cluster"});
  if (auto v = m.get("kind")) detail::read_enum(ctx, *v, {"Fix"});
  else ctx.missing(top.pos, "kind");
  if (auto meta = m.get("metadata")) {
    [[maybe_unused]] detail::MapReader checked(ctx, *meta, {"name", "description"});  // warns on unknown fields
  }
  fix.description = m.string("description").value_or("");
  if (auto f = m.get("faults")) fix.faults = detail::parse_faults(ctx, *f);
  else if (m.has("faults")) fix.faults = std::vector<FaultSpec>{};  // `faults:` written empty: none left
  if (auto c = m.get("cluster")) {
    detail::MapReader cluster(ctx, *c, {"mtu", "cni"});
    if (auto v = cluster.get("mtu")) {
      auto mtu = detail::read_int(ctx, *v);
      if (mtu && (*mtu < 576 || *mtu > 65535)) ctx.error(v->pos, v->path, "must be between 576 and 65535");
      else if (mtu) fix.mtu = *mtu;
    }
    // Installing a CNI that enforces NetworkPolicy is the fix for policies flannel ignores.
    if (auto v = cluster.get("cni")) fix.cni = detail::read_enum(ctx, *v, {"calico", "cilium", "flannel"});
  }
}

// Drops from `into` every object whose (namespace, name) an object of the same kind in `from` has.
template <typename T>
void replace_same(std::vector<T>& into, std::vector<T>& from) {
  std::erase_if(into, [&](const T& old) {
    for (const auto& o : from) {
      if (o.meta.kind == old.meta.kind && o.meta.namespace_ == old.meta.namespace_ && o.meta.name == old.meta.name)
        return true;
    }
    return false;
  });
}

}  // namespace

FixSpec load_fix(const std::string& path, Diagnostics& diags) {
  FixSpec fix;
  fix.path = path;
  std::ifstream in(path, std::ios::in | std::ios::binary);
  if (!in) {
    diags.error({path, 0, 0}, "", "cannot open the fix file");
    return fix;
  }
  std::ostringstream bytes;
  bytes << in.rdbuf();
  const std::string text = std::move(bytes).str();
  if (!detail::check_text(text, path, diags)) return fix;
  detail::ParseContext ctx(diags, {path, 0, 0});
  bool seen_fix = false;
  for (const auto& doc : detail::parse_yaml_stream(text, ctx)) {
    ctx.set_document_line(doc.first_line);
    if (!is_fix_document(doc.root)) {
      detail::load_document(ctx, doc.root, fix.manifests);
      continue;
    }
    if (seen_fix) ctx.error(ctx.pos(doc.root), "", "a fix file holds at most one `kind: Fix` document");
    seen_fix = true;
    read_fix_document(ctx, doc.root, fix);
  }
  remove_duplicates(fix.manifests, diags);
  kube::validate_manifests(fix.manifests, diags);
  return fix;
}

void apply_manifests(ManifestSet& to, ManifestSet from, Diagnostics& diags) {
  replace_same(to.namespaces, from.namespaces);
  replace_same(to.nodes, from.nodes);
  replace_same(to.pods, from.pods);
  replace_same(to.deployments, from.deployments);
  replace_same(to.replica_sets, from.replica_sets);
  replace_same(to.stateful_sets, from.stateful_sets);
  replace_same(to.daemon_sets, from.daemon_sets);
  replace_same(to.jobs, from.jobs);
  replace_same(to.services, from.services);
  replace_same(to.endpoint_slices, from.endpoint_slices);
  replace_same(to.network_policies, from.network_policies);
  replace_same(to.admin_policies, from.admin_policies);
  replace_same(to.config_maps, from.config_maps);
  replace_same(to.others, from.others);
  to.merge(std::move(from));
  remove_duplicates(to, diags);
}

void apply_fix(Scenario& scenario, FixSpec fix, Diagnostics& diags) {
  apply_manifests(scenario.manifests, std::move(fix.manifests), diags);
  if (fix.faults) scenario.faults = std::move(*fix.faults);
  if (fix.mtu) {
    scenario.cluster.mtu = *fix.mtu;
    scenario.cluster.set.mtu = true;
  }
  if (fix.cni) {
    scenario.cluster.cni = *fix.cni;
    scenario.cluster.set.cni = true;
  }
}

}  // namespace packetwalk::model::load
