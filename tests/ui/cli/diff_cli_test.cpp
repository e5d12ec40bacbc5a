// packetwalk diff as a reviewer meets it: the flows a change opens and closes, grouped by
// destination, with reach's reasons for both versions; exit 1 when anything changed (like
// diff(1)), 0 when nothing did, 2 on bad input. The verdicts must be reach's own: the JSON test
// compares every change with `reach -o json` run on each version.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "run_command.h"

namespace packetwalk::ui::cli {
namespace {

using test::Result;
using test::run;
using test::call;

Result diff(Args args) { return run(cmd_diff, "diff", std::move(args)); }

const std::string kDir = "tests/data/diff/";
const std::string kShop = kDir + "shop.yaml";

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(DiffCli, PolicyAddedClosesFlows) {
  auto r = diff({kShop, kDir + "shop-db-policy.yaml", "--cni", "calico"});
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_TRUE(has(r.out,
                  "\nto shop/db\n"
                  "  closed  from shop/web  5432/TCP\n"
                  "    old: allowed: no NetworkPolicy isolates the source's egress or the destination's ingress\n"
                  "    new: denied: ingress of the destination is isolated by NetworkPolicy shop/db-clients and no rule allows it\n"
                  "\n0 opened, 1 closed ("))
      << r.out;
  // api keeps its access: the only change is web's.
  EXPECT_FALSE(has(r.out, "from shop/api")) << r.out;
  EXPECT_EQ(r.out.rfind("old: " + kShop + " (CNI calico, enforces NetworkPolicy)\n", 0), 0u) << r.out;
}

TEST(DiffCli, PolicyUnderFlannelChangesNothing) {
  // Flannel enforces no NetworkPolicy: adding one opens and closes nothing (and the loader says so).
  auto r = diff({kShop, kDir + "shop-db-policy.yaml"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(has(r.out, "\nno changes: 0 opened, 0 closed (")) << r.out;
  EXPECT_TRUE(has(r.err, "cni flannel does not enforce NetworkPolicy")) << r.err;
}

TEST(DiffCli, LabelChangeOpensOneFlow) {
  auto r = diff({kDir + "shop-db-policy.yaml", kDir + "shop-web-db-access.yaml", "--cni", "calico"});
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_TRUE(has(r.out, "\nto shop/db\n  opened  from shop/web  5432/TCP\n")) << r.out;
  EXPECT_TRUE(has(r.out, "    new: allowed: ingress allowed by NetworkPolicy shop/db-clients ingress rule 0 (egress not isolated)\n")) << r.out;
  EXPECT_TRUE(has(r.out, "\n1 opened, 0 closed (")) << r.out;
}

TEST(DiffCli, ServiceTargetPortChangeClosesTheServiceFlow) {
  const Args versions = {kDir + "shop-api-policy.yaml", kDir + "shop-api-target-metrics.yaml", "--cni", "calico"};
  // Pod to pod nothing changes: the pods and the policy are the same.
  auto pods_only = diff(versions);
  EXPECT_EQ(pods_only.code, 0) << pods_only.out;
  Args with = versions;
  with.push_back("--services");
  auto r = diff(with);
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_TRUE(has(r.out,
                  "\nto Service shop/api\n"
                  "  closed  from shop/web  80/TCP -> shop/api 9090/TCP (was 8080/TCP)\n"
                  "    old: allowed: ingress allowed by NetworkPolicy shop/api-from-web ingress rule 0 (egress not isolated)\n"))
      << r.out;
  EXPECT_TRUE(has(r.out, "    new: denied: ingress of the destination is isolated by NetworkPolicy shop/api-from-web and no rule allows it\n"))
      << r.out;
  EXPECT_TRUE(has(r.out, "\n0 opened, 1 closed (")) << r.out;
}

TEST(DiffCli, IdenticalInputsExitZero) {
  auto r = diff({kShop, kShop, "--cni", "calico", "--services"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(has(r.out, "\nno changes: 0 opened, 0 closed (")) << r.out;
  EXPECT_FALSE(has(r.out, "\nto ")) << r.out;
  auto md = diff({kShop, kShop, "-o", "md"});
  EXPECT_EQ(md.code, 0);
  EXPECT_EQ(md.out.rfind("### packetwalk diff: no changes\n", 0), 0u) << md.out;
}

TEST(DiffCli, RemovedPodClosesItsFlows) {
  auto r = diff({kShop, kDir + "shop-without-db.yaml"});
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_TRUE(has(r.out, "\npods removed: shop/db\n")) << r.out;
  EXPECT_TRUE(has(r.out, "  closed  from shop/web  5432/TCP\n    old: allowed: flannel does not enforce NetworkPolicy\n"
                         "    new: (no such flow) pod shop/db is not in this version\n"))
      << r.out;
  // To db from each of the three pods, from db to web (80) and to api (8080, 9090).
  EXPECT_TRUE(has(r.out, "\n0 opened, 6 closed (")) << r.out;
}

TEST(DiffCli, DeploymentTemplateChangeComparesTheReplacedPods) {
  auto r = diff({kDir + "shop-deploy.yaml", kDir + "shop-deploy-db-access.yaml", "--cni", "calico"});
  EXPECT_EQ(r.code, 1) << r.err;
  // A new pod-template-hash renames both replicas; they are paired, not listed as removed + added.
  EXPECT_FALSE(has(r.out, "pods added")) << r.out;
  EXPECT_FALSE(has(r.out, "pods removed")) << r.out;
  std::size_t replaced = 0;
  for (auto at = r.out.find("pod replaced: shop/web-"); at != std::string::npos; at = r.out.find("pod replaced: shop/web-", at + 1)) ++replaced;
  EXPECT_EQ(replaced, 2u) << r.out;
  EXPECT_TRUE(has(r.out, "\n2 opened, 0 closed (")) << r.out;  // each replica to db on 5432
}

TEST(DiffCli, CalicoAgainstFlannel) {
  auto r = diff({kDir + "shop-db-policy.yaml", "--cni", "calico", "--against-cni", "flannel"});
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_TRUE(has(r.out, "new: " + kDir + "shop-db-policy.yaml (CNI flannel, does not enforce NetworkPolicy)\n")) << r.out;
  EXPECT_TRUE(has(r.out,
                  "\nto shop/db\n  opened  from shop/web  5432/TCP\n"
                  "    old: denied: ingress of the destination is isolated by NetworkPolicy shop/db-clients and no rule allows it\n"
                  "    new: allowed: flannel does not enforce NetworkPolicy\n"))
      << r.out;
  EXPECT_TRUE(has(r.out, "\n1 opened, 0 closed (")) << r.out;
  // The same file loaded twice: its diagnostics are printed once.
  EXPECT_EQ(r.err.find("cni flannel does not enforce"), r.err.rfind("cni flannel does not enforce")) << r.err;
  // No policy: the CNI makes no difference.
  EXPECT_EQ(diff({kShop, "--cni", "calico", "--against-cni", "flannel"}).code, 0);
}

TEST(DiffCli, UnknownCniIsBadInput) {
  auto r = diff({kShop, "--cni", "calico", "--against-cni", "weave"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_TRUE(has(r.err, "cni \"weave\" is not supported")) << r.err;
  EXPECT_TRUE(has(r.err, "supported: flannel, calico, cilium")) << r.err;
}

TEST(DiffCli, BadInputExitsTwo) {
  EXPECT_EQ(diff({}).code, 2);
  EXPECT_EQ(diff({kShop}).code, 2);                                              // one path, no --against-cni
  EXPECT_EQ(diff({kShop, kShop, "--against-cni", "flannel"}).code, 2);          // two paths and --against-cni
  EXPECT_EQ(diff({kShop, kDir + "no-such-file.yaml"}).code, 2);
  auto r = diff({kShop, kShop, "-o", "yaml"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(has(r.err, "unknown output format \"yaml\"")) << r.err;
  r = diff({kShop, kShop, "--port", "http"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(has(r.err, "--port")) << r.err;
}

// Every change in the JSON carries reach's verdict and reason for that flow in each version.
TEST(DiffCli, JsonShapeAndVerdictsAreReachs) {
  const std::string old_path = kShop, new_path = kDir + "shop-api-target-metrics.yaml";
  auto r = diff({old_path, new_path, "--cni", "calico", "-o", "json", "--services"});
  ASSERT_EQ(r.code, 1) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["schema"], "packetwalk/diff/v1");
  EXPECT_EQ(j["old"]["path"], old_path);
  EXPECT_EQ(j["new"]["cni"], "calico");
  EXPECT_EQ(j["new"]["enforced"], true);
  EXPECT_EQ(j["ports"], nlohmann::json::parse(R"(["80/TCP","5432/TCP","8080/TCP","9090/TCP"])"));
  EXPECT_TRUE(j["pods"]["added"].empty() && j["pods"]["removed"].empty() && j["pods"]["replaced"].empty());
  EXPECT_EQ(j["services"]["compared"], true);
  const auto& changes = j["changes"];
  ASSERT_FALSE(changes.empty());
  EXPECT_EQ(j["summary"]["closed"], changes.size());
  EXPECT_EQ(j["summary"]["opened"], 0);

  std::map<std::tuple<std::string, std::string, std::string>, nlohmann::json> reach_old, reach_new;
  for (auto [path, into] : {std::pair{old_path, &reach_old}, std::pair{new_path, &reach_new}}) {
    auto m = run(cmd_reach, "reach", {"-f", path, "--cni", "calico", "-o", "json"});
    ASSERT_EQ(m.code, 0) << m.err;
    const auto doc = nlohmann::json::parse(m.out);  // kept alive: the loop reads into it
    for (const auto& cell : doc["results"])
      (*into)[{cell["from"].get<std::string>(), cell["to"].get<std::string>(), cell["port"].get<std::string>()}] = cell;
  }
  std::size_t pod_flows = 0, service_flows = 0;
  for (const auto& c : changes) {
    for (const char* key : {"change", "from", "to", "service", "port", "old", "new"}) ASSERT_TRUE(c.contains(key)) << key << c;
    for (const char* side : {"old", "new"})
      for (const char* key : {"exists", "allowed", "listening", "targetPort", "reason"}) ASSERT_TRUE(c[side].contains(key)) << key << c;
    EXPECT_EQ(c["change"], "closed");
    EXPECT_EQ(c["old"]["allowed"], true);
    EXPECT_EQ(c["new"]["allowed"], false);
    if (c["service"].is_null()) {
      ++pod_flows;
      EXPECT_TRUE(c["old"]["targetPort"].is_null());
      const std::tuple<std::string, std::string, std::string> key{c["from"].get<std::string>(), c["to"].get<std::string>(),
                                                                  c["port"].get<std::string>()};
      ASSERT_TRUE(reach_old.count(key) && reach_new.count(key)) << c;
      EXPECT_EQ(c["old"]["allowed"], reach_old[key]["allowed"]);
      EXPECT_EQ(c["old"]["reason"], reach_old[key]["reason"]);
      EXPECT_EQ(c["new"]["reason"], reach_new[key]["reason"]);
      EXPECT_EQ(c["new"]["listening"], reach_new[key]["listening"]);
    } else {
      ++service_flows;
      EXPECT_EQ(c["service"], "shop/api");
      EXPECT_EQ(c["port"], "80/TCP");
      EXPECT_EQ(c["to"], "shop/api");
      EXPECT_EQ(c["old"]["targetPort"], "8080/TCP");
      EXPECT_EQ(c["new"]["targetPort"], "9090/TCP");
    }
  }
  // The new policy lets only web in on 8080: db loses 8080 and 9090, web 9090; through the
  // Service (now on 9090) web, db and api itself (hairpin, judged like any client) lose it.
  EXPECT_EQ(pod_flows, 3u) << r.out;
  EXPECT_EQ(service_flows, 3u) << r.out;
}

TEST(DiffCli, OutputIsDeterministicAndGroupedByDestination) {
  const Args a = {kShop, kDir + "shop-without-db.yaml", "--services", "-o", "md"};
  auto r1 = diff(a), r2 = diff(a);
  EXPECT_EQ(r1.out, r2.out);
  // Rows come grouped: every row for one destination before the next destination's.
  std::vector<std::string> seen;
  std::istringstream lines(r1.out);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("| `", 0) != 0 && line.rfind("| Service", 0) != 0) continue;
    auto to = line.substr(0, line.find(" | "));
    if (seen.empty() || seen.back() != to) {
      EXPECT_EQ(std::find(seen.begin(), seen.end(), to), seen.end()) << to << " appears in two groups\n" << r1.out;
      seen.push_back(to);
    }
  }
  EXPECT_GE(seen.size(), 2u) << r1.out;
}

}  // namespace
}  // namespace packetwalk::ui::cli
