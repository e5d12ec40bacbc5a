// packetwalk routes and HTTP traces, called in-process.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "../../../ui/cli/commands.h"

namespace packetwalk::ui::cli {
namespace {

const std::string kSrc = PACKETWALK_SOURCE_DIR;

struct Result {
  int code;
  std::string out, err;
};

Result call(int (*cmd)(const Args&, std::ostream&, std::ostream&), Args args) {
  std::ostringstream out, err;
  int code = cmd(args, out, err);
  return {code, out.str(), err.str()};
}

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
