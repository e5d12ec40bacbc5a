// The destination grammar's kind prefix: in the hairpin scenarios a Pod and a Service are both
// named `solo`. A plain default/solo is the pod (as before); svc/ picks the Service's ClusterIP,
// so the probe goes through kube-proxy, and pod/ says the pod explicitly.

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "packetwalk/model/cluster/cluster.h"
#include "packetwalk/model/load/scenario.h"
#include "packetwalk/model/query/target.h"

namespace packetwalk::model::query {
namespace {

std::unique_ptr<cluster::Cluster> build() {
  load::Diagnostics diags;
  load::Scenario s = load::load_scenario(std::string(PACKETWALK_SOURCE_DIR) + "/scenarios/services/hairpin.yaml", diags);
  std::unique_ptr<cluster::Cluster> c;
  if (!diags.has_errors()) c = cluster::Cluster::build(s, diags);
  for (const auto& d : diags.all())
    if (d.severity == load::Severity::Error) ADD_FAILURE() << load::format_diagnostic(d);
  return c;
}

TEST(DestinationGrammar, KindPrefixPicksServiceOrPodWhenTheyShareAName) {
  auto c = build();
  ASSERT_TRUE(c);
  std::string error;
  auto from = resolve_source(*c, "default/client", "default", error);
  ASSERT_TRUE(from) << error;
  const auto pod_ip = c->inventory().find_pod("default", "solo")->ip;
  const auto vip = *c->services().find("default", "solo")->cluster_ip;

  auto plain = resolve_destination(*c, "default/solo:80", *from, "default", error);
  ASSERT_TRUE(plain) << error;
  EXPECT_EQ(plain->address, pod_ip);

  auto svc = resolve_destination(*c, "svc/default/solo:80", *from, "default", error);
  ASSERT_TRUE(svc) << error;
  EXPECT_EQ(svc->address, vip);
  EXPECT_EQ(svc->label, "svc/default/solo:80");
  auto svc_short = resolve_destination(*c, "svc/solo:80", *from, "default", error);
  ASSERT_TRUE(svc_short) << error;
  EXPECT_EQ(svc_short->address, vip);

  auto pod = resolve_destination(*c, "pod/default/solo:8080", *from, "default", error);
  ASSERT_TRUE(pod) << error;
  EXPECT_EQ(pod->address, pod_ip);
  EXPECT_EQ(pod->label, "default/solo:8080");

  auto src = resolve_source(*c, "pod/default/solo", "default", error);
  ASSERT_TRUE(src) << error;
  EXPECT_EQ(src->label, "default/solo");
}

TEST(DestinationGrammar, KindPrefixErrorsNameTheKind) {
  auto c = build();
  ASSERT_TRUE(c);
  std::string error;
  auto from = resolve_source(*c, "default/client", "default", error);
  ASSERT_TRUE(from) << error;
  // client is a pod, not a Service: svc/ does not fall back to it.
  EXPECT_FALSE(resolve_destination(*c, "svc/default/client:80", *from, "default", error));
  EXPECT_EQ(error, "no Service \"client\" in namespace \"default\"");
  // web is a Service without a pod of that name.
  EXPECT_FALSE(resolve_destination(*c, "pod/default/web:80", *from, "default", error));
  EXPECT_EQ(error, "no pod \"web\" in namespace \"default\"");
}

}  // namespace
}  // namespace packetwalk::model::query
