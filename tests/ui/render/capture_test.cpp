// Captures (--pcap) read back: our own walk over the pcapng blocks, then tshark's decoding of
// what is inside (VXLAN VNI, inner addresses, TCP flags, ICMP type, checksums). The tshark tests
// skip, saying so, where tshark is not installed.
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>

#include "../../../ui/cli/commands.h"

namespace packetwalk::ui::cli {
namespace {

namespace fs = std::filesystem;
const std::string kSrc = PACKETWALK_SOURCE_DIR;

fs::path temp_dir(const std::string& name) {
  fs::path p = fs::temp_directory_path() / ("pw-capture-test-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

int call(int (*cmd)(const Args&, std::ostream&, std::ostream&), Args args, std::string* err_text = nullptr) {
  std::ostringstream out, err;
  int code = cmd(args, out, err);
  if (err_text) *err_text = err.str();
  return code;
}

std::string read_file(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

std::string shell(const std::string& cmd) {
  std::string out;
  FILE* f = ::popen((cmd + " 2>/dev/null").c_str(), "r");
  if (!f) return out;
  std::array<char, 4096> buf;
  std::size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), f)) > 0) out.append(buf.data(), n);
  ::pclose(f);
  return out;
}

bool have_tshark() { return std::system("command -v tshark >/dev/null 2>&1") == 0; }

std::string tshark(const fs::path& file, const std::string& args) {
  // Flannel's VXLAN port is Linux's 8472, not IANA's 4789 that Wireshark decodes by default.
  return shell("tshark -r '" + file.string() + "' -d udp.port==8472,vxlan " + args);
}

std::uint32_t le32(const std::string& b, std::size_t at) {
  return static_cast<std::uint8_t>(b[at]) | static_cast<std::uint8_t>(b[at + 1]) << 8 |
         static_cast<std::uint8_t>(b[at + 2]) << 16 | static_cast<std::uint32_t>(static_cast<std::uint8_t>(b[at + 3])) << 24;
}

// A line of `rows` starting with `prefix` and ending with `suffix`.
bool has_row(const std::string& rows, const std::string& prefix, const std::string& suffix) {
  std::istringstream in(rows);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(prefix, 0) == 0 && line.size() >= suffix.size() &&
        line.compare(line.size() - suffix.size(), suffix.size(), suffix) == 0) {
      return true;
    }
  }
  return false;
}

const std::string kTwoNodes = kSrc + "/scenarios/seed/manifests/pods-two-nodes.yaml";

fs::path cross_node_capture(const fs::path& dir) {
  fs::path file = dir / "cross.pcapng";
  std::string err;
  EXPECT_EQ(call(cmd_trace, {"trace", "-f", kTwoNodes, "--from", "client", "--to", "server-remote:8080", "--pcap", file.string()}, &err), 0)
      << err;
  return file;
}

TEST(Capture, PcapngBlocksAreWellFormedAndDeterministic) {
  auto dir = temp_dir("blocks");
  auto file = cross_node_capture(dir);
  const std::string b = read_file(file);
  ASSERT_GE(b.size(), 28u);
  EXPECT_EQ(le32(b, 0), 0x0A0D0D0Au);
  EXPECT_EQ(le32(b, 8), 0x1A2B3C4Du);
  std::size_t at = 0, idbs = 0, epbs = 0;
  while (at < b.size()) {
    ASSERT_LE(at + 12, b.size());
    const auto type = le32(b, at), len = le32(b, at + 4);
    ASSERT_EQ(len % 4, 0u);
    ASSERT_LE(at + len, b.size());
    EXPECT_EQ(le32(b, at + len - 4), len) << "trailing length of block at " << at;
    if (type == 1) ++idbs;
    if (type == 6) ++epbs;
    at += len;
  }
  EXPECT_GE(idbs, 8u);  // client eth0, its veth, cni0, flannel.1, eth0 on both nodes, server eth0 ...
  EXPECT_GE(epbs, 30u);
  EXPECT_FALSE(fs::exists(file.string() + ".tmp"));
  auto again = dir / "again.pcapng";
  ASSERT_EQ(call(cmd_trace, {"trace", "-f", kTwoNodes, "--from", "client", "--to", "server-remote:8080", "--pcap", again.string()}), 0);
  EXPECT_EQ(read_file(again), b);
  fs::remove_all(dir);
}

TEST(Capture, UnwritablePathIsBadInput) {
  std::string err;
  EXPECT_EQ(call(cmd_trace, {"trace", "-f", kTwoNodes, "--from", "client", "--to", "server-remote:8080", "--pcap",
                             "/nonexistent-dir/x.pcapng"}, &err), 2);
  EXPECT_NE(err.find("cannot write"), std::string::npos) << err;
}

TEST(CaptureTshark, VxlanCarrierHasVniOneAndInnerPodAddresses) {
  if (!have_tshark()) GTEST_SKIP() << "tshark is not installed (scripts/setup installs it); capture decoding not checked";
  auto dir = temp_dir("vxlan");
  auto file = cross_node_capture(dir);
  const std::string rows = tshark(file, "-Y vxlan -T fields -E separator=/s -e frame.interface_name -e vxlan.vni -e ip.src -e ip.dst");
  EXPECT_NE(rows.find("node-1/eth0 1 192.168.0.11,10.244.0.2 192.168.0.12,10.244.1.2"), std::string::npos) << rows;
  EXPECT_NE(rows.find("node-2/eth0 1 192.168.0.11,10.244.0.2 192.168.0.12,10.244.1.2"), std::string::npos) << rows;
  // The reply crosses the underlay the other way.
  EXPECT_NE(rows.find("node-2/eth0 1 192.168.0.12,10.244.1.2 192.168.0.11,10.244.0.2"), std::string::npos) << rows;
  fs::remove_all(dir);
}

TEST(CaptureTshark, HandshakeFlagsAndInterfaceNames) {
  if (!have_tshark()) GTEST_SKIP() << "tshark is not installed (scripts/setup installs it); capture decoding not checked";
  auto dir = temp_dir("flags");
  auto file = cross_node_capture(dir);
  const std::string rows = tshark(file, "-Y \"tcp && !vxlan\" -T fields -E separator=/s -e frame.interface_name -e tcp.flags -e tcp.seq -e tcp.ack");
  EXPECT_NE(rows.find("default/client/eth0 0x0002 0 0"), std::string::npos) << rows;      // SYN, relative seq 0
  EXPECT_NE(rows.find("default/server-remote/eth0 0x0012 0 1"), std::string::npos) << rows;  // SYN-ACK
  EXPECT_NE(rows.find("default/client/eth0 0x0010 1 1"), std::string::npos) << rows;      // ACK
  EXPECT_NE(rows.find("node-1/cni0 0x0002"), std::string::npos) << rows;
  fs::remove_all(dir);
}

TEST(CaptureTshark, EveryChecksumVerifiesAndNothingIsMalformed) {
  if (!have_tshark()) GTEST_SKIP() << "tshark is not installed (scripts/setup installs it); capture decoding not checked";
  auto dir = temp_dir("checksums");
  auto file = cross_node_capture(dir);
  const std::string opts = "-o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE -o udp.check_checksum:TRUE ";
  const std::string total = tshark(file, opts + "-T fields -e frame.number");
  const std::string good = tshark(file, opts + "-Y \"ip.checksum.status == 1 && (tcp.checksum.status == 1 || udp)\" -T fields -e frame.number");
  EXPECT_FALSE(total.empty());
  EXPECT_EQ(good, total);
  EXPECT_EQ(tshark(file, opts + "-Y \"_ws.malformed || _ws.expert.severity == error\" -T fields -e frame.number"), "");
  fs::remove_all(dir);
}

TEST(CaptureTshark, RunWritesOneCapturePerProbeWithIcmpErrors) {
  if (!have_tshark()) GTEST_SKIP() << "tshark is not installed (scripts/setup installs it); capture decoding not checked";
  auto dir = temp_dir("run");
  std::string err;
  ASSERT_EQ(call(cmd_run, {"run", "-q", kSrc + "/scenarios/seed/pod-to-pod-cross-node.yaml", "--pcap", (dir / "caps").string()}, &err), 0)
      << err;
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(dir / "caps")) names.insert(e.path().filename().string());
  EXPECT_EQ(names, (std::set<std::string>{"client-to-remote-server.pcapng", "no-such-address.pcapng",
                                          "udp-port-closed.pcapng", "udp-to-remote-server.pcapng"}));
  // Port unreachable (3/3) quoting the UDP datagram to 5354; host unreachable (3/1) for the unknown address.
  const std::string closed = tshark(dir / "caps" / "udp-port-closed.pcapng",
                                    "-Y \"icmp && !vxlan\" -T fields -E separator=/s -e icmp.type -e icmp.code -e udp.dstport");
  EXPECT_NE(closed.find("3 3 5354"), std::string::npos) << closed;
  const std::string unknown = tshark(dir / "caps" / "no-such-address.pcapng", "-Y icmp -T fields -E separator=/s -e icmp.type -e icmp.code");
  EXPECT_NE(unknown.find("3 1"), std::string::npos) << unknown;
  fs::remove_all(dir);
}

TEST(CaptureTshark, ServiceTrafficIsDnatedOnTheWire) {
  if (!have_tshark()) GTEST_SKIP() << "tshark is not installed (scripts/setup installs it); capture decoding not checked";
  auto dir = temp_dir("dnat");
  auto file = dir / "svc.pcapng";
  std::string err;
  ASSERT_EQ(call(cmd_trace, {"trace", "-f", kSrc + "/scenarios/services/manifests/api-server.yaml", "--from", "pod-a", "--to",
                             "api-server:80", "--pcap", file.string()}, &err), 0)
      << err;
  const std::string syn = tshark(file, "-Y \"tcp.flags == 0x0002\" -T fields -E separator=/s -e frame.interface_name -e ip.dst -e tcp.dstport");
  // Before kube-proxy's DNAT the SYN goes to the ClusterIP on port 80; after it, to a pod on 8080.
  // (The ClusterIP is in the service CIDR 10.96.0.0/12; pods are in 10.244.0.0/16.)
  EXPECT_TRUE(has_row(syn, "default/pod-a/eth0 10.", " 80")) << syn;
  EXPECT_FALSE(has_row(syn, "default/pod-a/eth0 10.244.", "")) << syn;
  EXPECT_TRUE(has_row(syn, "node-1/eth0 192.168.0.12,10.244.1.", " 8080")) << syn;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace packetwalk::ui::cli
