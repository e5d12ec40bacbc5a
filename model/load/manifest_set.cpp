// ManifestSet bookkeeping: merging, deterministic order, duplicates.
#include <algorithm>
#include <tuple>

#include "packetwalk/model/load/manifest_loader.h"

namespace packetwalk::model::load {

namespace {

// Calls f on every object list of the set.
template <typename Set, typename F>
void for_each_list(Set& set, F&& f) {
  f(set.namespaces);
  f(set.nodes);
  f(set.pods);
  f(set.deployments);
  f(set.replica_sets);
  f(set.stateful_sets);
  f(set.daemon_sets);
  f(set.jobs);
  f(set.services);
  f(set.endpoint_slices);
  f(set.network_policies);
  f(set.admin_policies);
  f(set.config_maps);
  f(set.others);
}

std::string_view api_group(std::string_view api_version) {
  auto slash = api_version.find('/');
  return slash == std::string_view::npos ? std::string_view{} : api_version.substr(0, slash);
}

// Identity of an object: kind and API group matter only in `others`, where several kinds share a list
// (and two groups may use the same kind name, e.g. Gateway API's and Istio's Gateway).
auto identity(const kube::ObjectMeta& m) {
  return std::make_tuple(std::string_view(m.kind), api_group(m.api_version), std::string_view(m.namespace_),
                         std::string_view(m.name));
}

auto order(const kube::ObjectMeta& m) {
  return std::tuple_cat(identity(m), std::make_tuple(std::string_view(m.pos.file), m.pos.line, m.pos.column));
}

std::string where(const SourcePos& pos) {
  std::string out = pos.file.empty() ? "<unknown>" : pos.file;
  if (pos.line > 0) out += ":" + std::to_string(pos.line);
  if (pos.column > 0) out += ":" + std::to_string(pos.column);
  return out;
}

}  // namespace

void ManifestSet::merge(ManifestSet&& other) {
  auto append = [](auto& into, auto& from) {
    into.insert(into.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
    from.clear();
  };
  append(namespaces, other.namespaces);
  append(nodes, other.nodes);
  append(pods, other.pods);
  append(deployments, other.deployments);
  append(replica_sets, other.replica_sets);
  append(stateful_sets, other.stateful_sets);
  append(daemon_sets, other.daemon_sets);
  append(jobs, other.jobs);
  append(services, other.services);
  append(endpoint_slices, other.endpoint_slices);
  append(network_policies, other.network_policies);
  append(admin_policies, other.admin_policies);
  append(config_maps, other.config_maps);
  append(others, other.others);
}

void ManifestSet::sort() {
  for_each_list(*this, [](auto& list) {
    std::stable_sort(list.begin(), list.end(),
                     [](const auto& a, const auto& b) { return order(a.meta) < order(b.meta); });
  });
}

std::size_t ManifestSet::size() const {
  std::size_t n = 0;
  for_each_list(*this, [&](const auto& list) { n += list.size(); });
  return n;
}

void remove_duplicates(ManifestSet& set, Diagnostics& diags) {
  set.sort();
  for_each_list(set, [&](auto& list) {
    using Object = typename std::decay_t<decltype(list)>::value_type;
    std::vector<Object> kept;
    kept.reserve(list.size());
    for (auto& object : list) {
      if (!kept.empty() && identity(kept.back().meta) == identity(object.meta)) {
        diags.error(object.meta.pos, object.meta.ref(),
                    "duplicate object; first defined at " + where(kept.back().meta.pos));
        continue;
      }
      kept.push_back(std::move(object));
    }
    list = std::move(kept);
  });
}

}  // namespace packetwalk::model::load
