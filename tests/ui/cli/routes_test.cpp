// packetwalk routes and HTTP traces, called in-process.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <vector>
#include <nlohmann/json.hpp>
#include <sstream>

#include "run_command.h"

namespace packetwalk::ui::cli {
namespace {

const std::string kSrc = PACKETWALK_SOURCE_DIR;

using test::Result;
using test::run;
using test::call;


TEST(RoutesCommand, TableShowsServersLocationsAndTheInstalledController) {
  auto r = call(cmd_routes, {"routes", "--scenario", kSrc + "/scenarios/ingress/hosts-and-paths.yaml"});
  ASSERT_EQ(r.code, 0) << r.err;
  for (const char* needle : {"ingress-nginx (controller k8s.io/ingress-nginx; classes: nginx)",
                             "installed by packetwalk: ingress-nginx controller", "server shop.example.com",
                             "Exact /foo", "Prefix /foo", "server *.example.com", "controller default backend: 404"})
    EXPECT_NE(r.out.find(needle), std::string::npos) << needle << "\n" << r.out;
  EXPECT_LT(r.out.find("Exact /foo"), r.out.find("Prefix /foo"));
}

TEST(RoutesCommand, RequestAsJson) {
  auto r = call(cmd_routes, {"routes", "--scenario", kSrc + "/scenarios/ingress/seed-api-ingress.yaml", "--request",
                             "http://api.example.com/v1/users", "-o", "json"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["matched"], true);
  EXPECT_EQ(j["route"], "Ingress default/api-ingress");
  EXPECT_EQ(j["rule"], 0);
  EXPECT_EQ(j["backend"], "default/api-server:80");
  EXPECT_EQ(j["status"], 200);
  r = call(cmd_routes, {"routes", "--scenario", kSrc + "/scenarios/ingress/seed-api-ingress.yaml", "--request",
                        "http://api.example.com/v1beta", "-o", "json"});
  j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["matched"], false);
  EXPECT_TRUE(j["route"].is_null());
  EXPECT_EQ(j["status"], 404);
}

TEST(RoutesCommand, GatewayRequestAndRouteStatus) {
  auto r = call(cmd_routes, {"routes", "--scenario", kSrc + "/scenarios/ingress/gateway-httproute.yaml", "--request",
                             "http://api.example.com/v1/x", "--header", "X-Env: canary"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("router: Gateway default/web-gw"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("backend: default/api-v2:80"), std::string::npos) << r.out;
  r = call(cmd_routes, {"routes", "--scenario", kSrc + "/scenarios/ingress/gateway-httproute.yaml"});
  EXPECT_NE(r.out.find("HTTPRoute default/elsewhere -> Gateway default/web-gw: Accepted=False NoMatchingListenerHostname"),
            std::string::npos) << r.out;
  EXPECT_NE(r.out.find("HTTPRoute team-b/reports -> Gateway default/web-gw: Accepted, ResolvedRefs=False RefNotPermitted"),
            std::string::npos) << r.out;
}

// What certificate each host gets, as ingress-nginx assigns them: a Secret that exists, the
// controller's default (fake) certificate when its tls section names no Secret for the host, and
// a named Secret that does not exist reported as missing (a warning, and the default served).
TEST(RoutesCommand, TlsShowsTheSecretTheDefaultCertificateOrTheMissingSecret) {
  const std::string path = testing::TempDir() + "routes-tls.yaml";
  {
    std::ofstream out(path);
    out << R"(apiVersion: v1
kind: Secret
metadata: {name: good-tls}
type: kubernetes.io/tls
data: {tls.crt: "", tls.key: ""}
---
apiVersion: v1
kind: Service
metadata: {name: api-server}
spec:
  selector: {app: api}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Pod
metadata: {name: api-1, labels: {app: api}}
spec:
  containers: [{name: api, image: x, ports: [{containerPort: 8080}]}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop}
spec:
  ingressClassName: nginx
  tls:
  - hosts: [good.example.com]
    secretName: good-tls
  - hosts: [lost.example.com]
    secretName: lost-tls
  rules:
  - host: good.example.com
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: api-server, port: {number: 80}}}}]}
  - host: lost.example.com
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: api-server, port: {number: 80}}}}]}
  - host: unnamed.example.com
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: api-server, port: {number: 80}}}}]}
)";
  }
  auto r = call(cmd_routes, {"routes", "-f", path});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.find("<no secret>"), std::string::npos) << r.out;
  for (const char* needle :
       {"HTTPS without a usable Secret: the default (fake) certificate \"Kubernetes Ingress Controller Fake Certificate\"",
        "server good.example.com  TLS: Secret default/good-tls\n",
        "server lost.example.com  TLS: Secret default/lost-tls NOT FOUND: the default (fake) certificate "
        "\"Kubernetes Ingress Controller Fake Certificate\" is served instead",
        "server unnamed.example.com  TLS: default (fake) certificate \"Kubernetes Ingress Controller Fake Certificate\" "
        "(the tls section of Ingress default/shop does not name it)"})
    EXPECT_NE(r.out.find(needle), std::string::npos) << needle << "\n" << r.out;
  // The missing Secret is also a warning at its line, on stderr.
  EXPECT_NE(r.err.find("routes-tls.yaml:29:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Secret default/lost-tls not found"), std::string::npos) << r.err;
  // Answering a request says the same.
  r = call(cmd_routes, {"routes", "-f", path, "--request", "https://lost.example.com/"});
  EXPECT_NE(r.out.find("note: TLS Secret default/lost-tls NOT FOUND"), std::string::npos) << r.out;
  std::remove(path.c_str());
}

// Sums of a column over the records of each flow.
struct FlowSums {
  std::size_t requests = 0;
  long dropped = 0, dropped_frames = 0, retransmits = 0;
};

// `packetwalk run` on the saturated uplink: the per-request records (CSV and JSON) carry the tail
// drops and TCP resends, and per entry they add up to the totals the summary prints.
TEST(RunCommand, RequestRecordsAddUpToTheDropsRunPrints) {
  const std::string csv = testing::TempDir() + "uplink.csv", json = testing::TempDir() + "uplink.json";
  auto r = call(cmd_run, {"run", kSrc + "/scenarios/ingress/saturated-uplink.yaml", "--requests-csv", csv,
                          "--requests-json", json, "-q"});
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  // The summary: per entry "frames dropped D, resent R" and the links table's drops column.
  std::map<std::string, FlowSums> printed;
  std::map<std::string, long> table_drops;
  {
    std::istringstream in(r.out);
    std::string line, flow;
    bool in_table = false;
    while (std::getline(in, line)) {
      if (line.rfind("traffic ", 0) == 0 && line.find(": ") != std::string::npos) {
        flow = line.substr(8, line.find(':') - 8);
        in_table = false;
      } else if (auto p = line.find("requests that met a full queue: "); p != std::string::npos) {
        auto& f = printed[flow];
        std::sscanf(line.c_str() + p, "requests that met a full queue: %ld", &f.dropped);
        auto d = line.find("frames dropped ");
        ASSERT_NE(d, std::string::npos) << line;
        std::sscanf(line.c_str() + d, "frames dropped %ld, resent %ld", &f.dropped_frames, &f.retransmits);
      } else if (line.find("  link ") == 0) {
        in_table = true;
      } else if (in_table && line.rfind("    ", 0) == 0) {
        std::istringstream row(line);
        std::string device, bw;
        long queue = 0, frames = 0, drops = 0;
        row >> device >> bw >> queue >> frames >> drops;
        table_drops[flow] += drops;
      } else {
        in_table = false;
      }
    }
  }
  ASSERT_EQ(printed.size(), 2u) << r.out;
  // The CSV: the header in its documented order, then one row per request.
  std::map<std::string, FlowSums> rows;
  {
    std::ifstream in(csv);
    std::string line;
    std::getline(in, line);
    EXPECT_EQ(line, "flow,request,start_ms,status,service,backend_pod,route,router_pod,latency_ms,dropped,dropped_frames,retransmits");
    while (std::getline(in, line)) {
      std::vector<std::string> cells;
      std::string cell;
      std::istringstream cs(line);
      while (std::getline(cs, cell, ',')) cells.push_back(cell);
      ASSERT_EQ(cells.size(), 12u) << line;
      auto& f = rows[cells[0]];
      ++f.requests;
      f.dropped += std::stol(cells[9]);
      f.dropped_frames += std::stol(cells[10]);
      f.retransmits += std::stol(cells[11]);
      EXPECT_EQ(cells[9] == "1", cells[10] != "0") << line;  // a request was hit iff it lost a frame
    }
  }
  std::ifstream jin(json);
  auto j = nlohmann::json::parse(jin);
  EXPECT_EQ(j["schema"], "packetwalk/requests/v1");
  std::map<std::string, FlowSums> records;
  for (const auto& rec : j["requests"]) {
    auto& f = records[rec["flow"].get<std::string>()];
    ++f.requests;
    f.dropped += rec["dropped"].get<bool>() ? 1 : 0;
    f.dropped_frames += rec["dropped_frames"].get<long>();
    f.retransmits += rec["retransmits"].get<long>();
  }
  for (const auto& [flow, p] : printed) {
    SCOPED_TRACE(flow);
    EXPECT_EQ(rows[flow].dropped, p.dropped);
    EXPECT_EQ(rows[flow].dropped_frames, p.dropped_frames);
    EXPECT_EQ(rows[flow].dropped_frames, table_drops[flow]);  // every tail drop belongs to a request
    EXPECT_EQ(rows[flow].retransmits, p.retransmits);
    EXPECT_EQ(records[flow].requests, rows[flow].requests);
    EXPECT_EQ(records[flow].dropped, p.dropped);
    EXPECT_EQ(records[flow].dropped_frames, p.dropped_frames);
    EXPECT_EQ(records[flow].retransmits, p.retransmits);
  }
  // What the scenario shows: the steady 100 rps never meets a full queue, the burst does; TCP
  // resends what it lost (lost pure ACKs excepted).
  long burst_drops = 0;
  for (const auto& [flow, p] : printed) {
    if (p.dropped == 0) continue;
    burst_drops += p.dropped_frames;
    EXPECT_LE(p.retransmits, p.dropped_frames) << flow;
  }
  EXPECT_GT(burst_drops, 0);
  EXPECT_EQ(std::count_if(printed.begin(), printed.end(), [](const auto& p) { return p.second.dropped == 0; }), 1);
  std::remove(csv.c_str());
  std::remove(json.c_str());
}

TEST(TraceCommand, UrlShowsBothConnections) {
  auto r = call(cmd_trace, {"trace", "--scenario", kSrc + "/scenarios/ingress/seed-api-ingress.yaml", "--from",
                            "external/client", "--to", "http://api.example.com/v1/users"});
  ASSERT_EQ(r.code, 0) << r.err;
  for (const char* needle : {"conn 1 SYN", "conn 2 SYN", "HTTP GET http://api.example.com/v1/users", "proxied to default/api-server:80",
                             "response: HTTP 200 OK"})
    EXPECT_NE(r.out.find(needle), std::string::npos) << needle << "\n" << r.out;
  r = call(cmd_trace, {"trace", "--scenario", kSrc + "/scenarios/ingress/seed-api-ingress.yaml", "--from",
                       "external/client", "--to", "http://api.example.com/v1", "-o", "json"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["schema"], "packetwalk/http/v1");
  EXPECT_EQ(j["status"], 200);
  EXPECT_EQ(j["routers"][0]["route"], "Ingress default/api-ingress");
}

}  // namespace
}  // namespace packetwalk::ui::cli
