// Diagrams: the Mermaid sequence diagram of a trace is structurally sound (first line, every
// participant declared before use, arrows well formed, a DNAT note with the rule), the topology
// graph names what it should, and Graphviz accepts the DOT (when `dot` is installed).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "../../../ui/cli/commands.h"

namespace packetwalk::ui::cli {
namespace {

namespace fs = std::filesystem;
const std::string kSrc = PACKETWALK_SOURCE_DIR;
const std::string kApi = kSrc + "/scenarios/services/manifests/api-server.yaml";
const std::string kTwoNodes = kSrc + "/scenarios/seed/manifests/pods-two-nodes.yaml";

struct Result {
  int code;
  std::string out, err;
};

Result call(int (*cmd)(const Args&, std::ostream&, std::ostream&), Args args) {
  std::ostringstream out, err;
  int code = cmd(args, out, err);
  return {code, out.str(), err.str()};
}

// Checks one sequenceDiagram; returns "" or what is wrong.
std::string check_sequence(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  if (!std::getline(in, line) || line != "sequenceDiagram") return "first line is not sequenceDiagram: " + line;
  const std::regex participant(R"(^    participant (P\d+) as [^;#]+$)");
  const std::regex arrow(R"(^    (P\d+)(->>|-->>)(P\d+): .+$)");
  const std::regex note(R"(^    Note (over|right of) (P\d+): .+$)");
  std::set<std::string> declared;
  bool any_arrow = false;
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_match(line, m, participant)) {
      if (any_arrow) return "participant declared after the first arrow: " + line;
      declared.insert(m[1]);
    } else if (std::regex_match(line, m, arrow)) {
      any_arrow = true;
      if (!declared.count(m[1]) || !declared.count(m[3])) return "arrow uses an undeclared participant: " + line;
    } else if (std::regex_match(line, m, note)) {
      if (!declared.count(m[2])) return "note on an undeclared participant: " + line;
    } else {
      return "unexpected line: " + line;
    }
  }
  return any_arrow ? "" : "no arrows";
}

TEST(MermaidTrace, ServiceTraceHasDnatNoteAndDashedReply) {
  auto r = call(cmd_trace, {"trace", "-f", kApi, "--from", "pod-a", "--to", "api-server:80", "-o", "mermaid"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(check_sequence(r.out), "") << r.out;
  EXPECT_NE(r.out.find("participant P1 as Pod default/pod-a"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("node-1 (iptables)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Note right of"), std::string::npos) << r.out;
  // The ClusterIP comes from the service CIDR 10.96.0.0/12 (kube's allocator spreads it over the range).
  EXPECT_NE(r.out.find(": DNAT 10."), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(":80 to 10.244."), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("-j DNAT --to-destination"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("-->>"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("result: connected"), std::string::npos) << r.out;
  // Deterministic.
  EXPECT_EQ(call(cmd_trace, {"trace", "-f", kApi, "--from", "pod-a", "--to", "api-server:80", "-o", "mermaid"}).out, r.out);
}

TEST(MermaidTrace, RunWritesOneDiagramPerProbeAsMarkdown) {
  auto r = call(cmd_run, {"run", kSrc + "/scenarios/seed/pod-to-pod-cross-node.yaml", "-o", "mermaid"});
  ASSERT_EQ(r.code, 0) << r.err;
  std::size_t blocks = 0, at = 0;
  while ((at = r.out.find("```mermaid\n", at)) != std::string::npos) {
    at += 11;
    auto end = r.out.find("```\n", at);
    ASSERT_NE(end, std::string::npos);
    EXPECT_EQ(check_sequence(r.out.substr(at, end - at)), "") << r.out.substr(at, end - at);
    ++blocks;
    at = end + 4;
  }
  EXPECT_EQ(blocks, 4u);
  EXPECT_NE(r.out.find("## udp-port-closed: "), std::string::npos);
}

TEST(TopologyGraph, DotNamesNodesPodsDevicesAndServices) {
  auto r = call(cmd_graph, {"graph", "-f", kApi});
  ASSERT_EQ(r.code, 0) << r.err;
  for (const char* s : {"digraph packetwalk {", "subgraph \"cluster_node:node-1\"", "\"node-1/cni0\"", "\"node-2/flannel.1\"",
                        "\"pod:default/pod-a\"", "\"svc:default/api-server\"", "VXLAN VNI 1", "\"host:external/router\"",
                        "\"net:", "style=dotted"}) {
    EXPECT_NE(r.out.find(s), std::string::npos) << s << "\n" << r.out;
  }
  EXPECT_EQ(call(cmd_graph, {"graph", "-f", kApi}).out, r.out);
}

TEST(TopologyGraph, MermaidFlowchartIsWellFormed) {
  auto r = call(cmd_graph, {"graph", "-f", kApi, "-o", "mermaid"});
  ASSERT_EQ(r.code, 0) << r.err;
  std::istringstream in(r.out);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "flowchart LR");
  const std::regex vertex(R"re(^ +v\d+(\(|\[|\[\[|\{\{|\(\[|>)".*"(\)|\]|\]\]|\}\}|\]\)|\])$)re");
  const std::regex edge(R"(^    (v\d+) (---|-\.-|-\.->)(\|"[^"|]*"\|)? (v\d+)$)");
  const std::regex declared_id(R"(^ +(v\d+))");
  std::set<std::string> ids;
  int depth = 0;
  std::smatch m;
  while (std::getline(in, line)) {
    if (line.rfind("    subgraph ", 0) == 0) ++depth;
    else if (line == "    end") --depth;
    else if (std::regex_match(line, m, edge)) {
      EXPECT_TRUE(ids.count(m[1]) && ids.count(m[4])) << "edge before its vertices: " << line;
    } else if (std::regex_match(line, vertex) && std::regex_search(line, m, declared_id)) {
      ids.insert(m[1]);
    } else {
      ADD_FAILURE() << "unexpected line: " << line;
    }
  }
  EXPECT_EQ(depth, 0);
}

TEST(TopologyGraph, NamespaceFilterKeepsOnlyThatNamespace) {
  auto r = call(cmd_graph, {"graph", "-f", kSrc + "/tests/data/kubectl/kind-dump.yaml", "-n", "kube-system"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("svc:kube-system/kube-dns"), std::string::npos);
  EXPECT_EQ(r.out.find("pod:default/"), std::string::npos);
}

TEST(TopologyGraph, GraphvizRendersTheDot) {
  if (std::system("command -v dot >/dev/null 2>&1") != 0) GTEST_SKIP() << "Graphviz dot is not installed (scripts/setup installs graphviz)";
  const fs::path dir = fs::temp_directory_path() / ("pw-dot-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  for (const auto& input : {kApi, kTwoNodes, kSrc + "/tests/data/kubectl/kind-dump.yaml"}) {
    auto r = call(cmd_graph, {"graph", "-f", input});
    ASSERT_EQ(r.code, 0) << r.err;
    std::ofstream(dir / "g.dot") << r.out;
    const std::string cmd = "dot -Tsvg '" + (dir / "g.dot").string() + "' -o '" + (dir / "g.svg").string() + "' 2>'" +
                            (dir / "err").string() + "'";
    EXPECT_EQ(std::system(cmd.c_str()), 0) << input;
    std::ifstream e(dir / "err");
    std::string errors((std::istreambuf_iterator<char>(e)), std::istreambuf_iterator<char>());
    EXPECT_EQ(errors, "") << input;
    EXPECT_GT(fs::file_size(dir / "g.svg"), 1000u);
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace packetwalk::ui::cli
