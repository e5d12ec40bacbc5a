#pragma once
// Builds a cluster (default 3 nodes) from manifests written in a test.

#include <memory>
#include <string>

#include "packetwalk/model/cluster/cluster.h"
#include "packetwalk/model/ingress/runtime.h"
#include "packetwalk/model/load/manifest_loader.h"

namespace packetwalk::model::ingress::test {

inline std::unique_ptr<cluster::Cluster> build_cluster(const std::string& yaml, load::Diagnostics& diags) {
  load::Scenario s;
  s.path = "test.yaml";
  s.name = "test";
  s.cluster = load::default_cluster_spec();
  s.manifests = load::load_manifest_text(yaml, "test.yaml", 0, diags);
  if (diags.has_errors()) return nullptr;
  return cluster::Cluster::build(s, diags);
}

inline std::string messages(const load::Diagnostics& d) {
  std::string out;
  for (const auto& x : d.all()) out += load::format_diagnostic(x) + "\n";
  return out;
}

inline HttpRequest get(const std::string& host, const std::string& path) {
  HttpRequest r;
  r.host = host;
  auto q = path.find('?');
  r.path = path.substr(0, q);
  if (q != std::string::npos) r.query = path.substr(q + 1);
  return r;
}

inline const std::string kClientIp = "203.0.113.10";

}  // namespace packetwalk::model::ingress::test
