#pragma once
// Helpers for the DNS tests: clusters built from manifests written in the test, and questions put
// straight to the cluster's CoreDNS (the datapath is exercised by the lookup and scenario tests).

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "packetwalk/model/cluster/cluster.h"
#include "packetwalk/model/dns/cluster_dns.h"
#include "packetwalk/model/dns/message.h"

namespace packetwalk::test {

inline std::unique_ptr<model::cluster::Cluster> build_cluster(const std::string& manifests,
                                                              model::load::ClusterSpec spec = model::load::default_cluster_spec()) {
  model::load::Diagnostics diags;
  model::load::Scenario s;
  s.path = "test-scenario.yaml";
  s.cluster = std::move(spec);
  s.manifests = model::load::load_manifest_text(manifests, "test.yaml", 0, diags);
  model::load::remove_duplicates(s.manifests, diags);
  auto c = model::cluster::Cluster::build(s, diags);
  for (const auto& d : diags.all()) ADD_FAILURE() << model::load::format_diagnostic(d);
  return c;
}

inline model::net::Ipv4Address coredns_ip(const model::cluster::Cluster& c) {
  for (const auto& p : c.inventory().pods)
    if (model::dns::is_coredns_pod(p)) return p.ip;
  ADD_FAILURE() << "no CoreDNS pod";
  return {};
}

inline model::dns::Message ask(const model::cluster::Cluster& c, const std::string& name, std::uint16_t type) {
  std::string note;
  return c.dns().server().handle(model::dns::make_query(7, name, type), coredns_ip(c), false, note);
}

// Every answer record in presentation form.
inline std::vector<std::string> texts(const std::vector<model::dns::ResourceRecord>& records) {
  std::vector<std::string> out;
  for (const auto& r : records) out.push_back(r.to_string());
  return out;
}

}  // namespace packetwalk::test
