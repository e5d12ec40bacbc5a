#include "verify_run.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "verify_scripts.h"
#include "verify_trace.h"

extern char** environ;

namespace packetwalk::ui::cli::verify {

namespace {

volatile std::sig_atomic_t g_interrupted = 0;
void on_signal(int) { g_interrupted = 1; }

using Clock = std::chrono::steady_clock;

std::vector<char*> c_argv(const std::vector<std::string>& argv) {
  std::vector<char*> v;
  for (const auto& a : argv) v.push_back(const_cast<char*>(a.c_str()));
  v.push_back(nullptr);
  return v;
}

// Spawns argv with pipes for the requested streams; returns the pid or -1.
pid_t spawn(const std::vector<std::string>& argv, int* in_fd, int* out_fd, int* err_fd) {
  int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1};
  if ((in_fd && pipe2(in, O_CLOEXEC) != 0) || (out_fd && pipe2(out, O_CLOEXEC) != 0) ||
      (err_fd && pipe2(err, O_CLOEXEC) != 0))
    return -1;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  if (in_fd) posix_spawn_file_actions_adddup2(&fa, in[0], 0);
  else posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  if (out_fd) posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  if (err_fd) posix_spawn_file_actions_adddup2(&fa, err[1], 2);
  pid_t pid = -1;
  auto args = c_argv(argv);
  const int rc = posix_spawn(&pid, argv[0].c_str(), &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  for (int fd : {in[0], out[1], err[1]}) {
    if (fd >= 0) close(fd);
  }
  if (rc != 0) {
    for (int fd : {in[1], out[0], err[0]}) {
      if (fd >= 0) close(fd);
    }
    return -1;
  }
  if (in_fd) *in_fd = in[1];
  if (out_fd) *out_fd = out[0];
  if (err_fd) *err_fd = err[0];
  return pid;
}

// The script's own mkstemp file, private to this run and deleted after: written in place (no
// reader can see it half-written, so the temporary-and-rename of user outputs is not needed).
bool write_file(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << text;
  f.close();
  return static_cast<bool>(f);
}

}  // namespace

InterruptGuard::InterruptGuard() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: a blocking wait returns EINTR so the caller can clean up
  sigaction(SIGINT, &sa, &old_int_);
  sigaction(SIGTERM, &sa, &old_term_);
}

InterruptGuard::~InterruptGuard() {
  sigaction(SIGINT, &old_int_, nullptr);
  sigaction(SIGTERM, &old_term_, nullptr);
}

bool InterruptGuard::interrupted() { return g_interrupted != 0; }

CommandResult run_command(const std::vector<std::string>& argv, double timeout_s, const std::string& input,
                          bool interruptible) {
  CommandResult r;
  int in_fd = -1, out_fd = -1, err_fd = -1;
  const pid_t pid = spawn(argv, &in_fd, &out_fd, &err_fd);
  if (pid < 0) {
    r.err = "cannot start " + argv[0] + ": " + std::strerror(errno);
    return r;
  }
  // Small inputs only (scripts are passed as files): a pipe buffer holds them.
  if (!input.empty()) {
    const ssize_t n = write(in_fd, input.data(), input.size());
    (void)n;
  }
  close(in_fd);
  const auto deadline = Clock::now() + std::chrono::milliseconds(static_cast<long>(timeout_s * 1000));
  pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  int open_fds = 2;
  char buf[4096];
  while (open_fds > 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      r.timed_out = true;
      break;
    }
    if (interruptible && InterruptGuard::interrupted()) {
      r.interrupted = true;
      break;
    }
    const int n = poll(fds, 2, static_cast<int>(std::min<long long>(left, 200)));
    if (n < 0 && errno != EINTR) break;
    for (auto& p : fds) {
      if (p.fd < 0 || !(p.revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const ssize_t got = read(p.fd, buf, sizeof buf);
      if (got > 0) {
        (p.fd == out_fd ? r.out : r.err).append(buf, static_cast<std::size_t>(got));
      } else {
        close(p.fd);
        p.fd = -1;
        --open_fds;
      }
    }
  }
  if (r.timed_out || r.interrupted) kill(pid, SIGKILL);
  for (auto& p : fds) {
    if (p.fd >= 0) close(p.fd);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!r.timed_out && !r.interrupted && WIFEXITED(status)) r.status = WEXITSTATUS(status);
  return r;
}

std::string find_program(const std::string& name) {
  std::string path = std::getenv("PATH") ? std::getenv("PATH") : "";
  path += ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  std::stringstream ss(path);
  std::string dir;
  while (std::getline(ss, dir, ':')) {
    if (dir.empty()) continue;
    const std::string p = dir + "/" + name;
    if (access(p.c_str(), X_OK) == 0) return p;
  }
  return "";
}

std::vector<std::string> namespaces_with_prefix(const std::string& prefix) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/run/netns", ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind(prefix + "-", 0) == 0) out.push_back(name);
  }
  return out;
}

Environment check_environment(const std::string& prefix) {
  Environment env;
  const std::string ip = find_program("ip"), restore = find_program("iptables-restore");
  // The system's python3 first: a version-manager shim earlier on PATH starts much slower.
  env.python = access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : find_program("python3");
  env.conntrack = find_program("conntrack");
  if (ip.empty() || find_program("bridge").empty()) return env.reason = "iproute2 (ip, bridge) is not installed", env;
  if (restore.empty()) return env.reason = "iptables-restore is not installed", env;
  if (env.python.empty()) return env.reason = "python3 is not installed (it runs the echo servers and clients)", env;
  if (find_program("sh").empty()) return env.reason = "sh is not on PATH", env;

  const std::string chk = prefix + "-chk";
  auto in_chk = [&](std::vector<std::string> argv) {
    argv.insert(argv.begin(), {ip, "netns", "exec", chk});
    return argv;
  };
  if (auto r = run_command({ip, "netns", "add", chk}, 10); r.status != 0)
    return env.reason = "cannot create a network namespace (ip netns add): " + r.err, env;
  struct Step {
    std::vector<std::string> argv;
    std::string input, what;
  };
  const std::string rules =
      "*nat\n:PREROUTING ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n:PWCHK - [0:0]\n"
      "-A PREROUTING -m comment --comment \"pw check\" -m statistic --mode random --probability 0.5 -j PWCHK\n"
      "-A PREROUTING -m addrtype --dst-type LOCAL -m mark --mark 0x4000/0x4000 -j PWCHK\n"
      "-A PWCHK -p tcp -m tcp -j DNAT --to-destination 10.0.0.1:80\n"
      "-A POSTROUTING -m conntrack --ctstate DNAT -j MASQUERADE --random-fully\nCOMMIT\n";
  const std::vector<Step> steps = {
      {in_chk({"true"}), "", "ip netns exec"},
      {{ip, "-n", chk, "link", "add", "name", "b0", "type", "bridge"}, "", "a bridge"},
      {{ip, "-n", chk, "link", "add", "name", "v0", "type", "veth", "peer", "name", "v1"}, "", "a veth pair"},
      {{ip, "-n", chk, "link", "set", "dev", "v0", "master", "b0"}, "", "a bridge port"},
      {{ip, "-n", chk, "link", "set", "dev", "v0", "type", "bridge_slave", "hairpin", "on"}, "", "hairpin mode"},
      {{ip, "-n", chk, "link", "add", "name", "x0", "type", "vxlan", "id", "1", "dstport", "8472", "nolearning"}, "",
       "a VXLAN device"},
      {in_chk({restore}), rules, "iptables-restore of kube-proxy's matches"},
      {in_chk({env.python, "-c", "import socket, selectors"}), "", "python3 inside a namespace"},
  };
  for (const auto& s : steps) {
    auto r = run_command(s.argv, 20, s.input);
    if (r.status != 0) {
      env.reason = "cannot make " + s.what + " in a scratch namespace: " + (r.err.empty() ? r.out : r.err);
      run_command({ip, "netns", "del", chk}, 10);
      return env;
    }
  }
  auto has_brnf = [&] {
    return run_command(in_chk({"test", "-e", "/proc/sys/net/bridge/bridge-nf-call-iptables"}), 10).status == 0;
  };
  env.br_netfilter = has_brnf();
  if (!env.br_netfilter) {
    const std::string modprobe = find_program("modprobe");
    struct stat st {};
    if (stat("/sys/module/br_netfilter", &st) != 0 && !modprobe.empty()) {
      auto r = run_command({modprobe, "br_netfilter"}, 20);
      env.notes.push_back(r.status == 0 ? "loaded the br_netfilter kernel module (modprobe br_netfilter: a host-level "
                                          "action; it stays loaded)"
                                        : "modprobe br_netfilter failed: " + r.err);
      env.br_netfilter = has_brnf();
    }
    if (!env.br_netfilter)
      env.notes.push_back("br_netfilter is not available: bridged traffic (same-node pod to pod) bypasses iptables, so "
                          "probes whose model trace relies on it are skipped");
  }
  run_command({ip, "netns", "del", chk}, 10);
  env.usable = true;
  return env;
}

Lab::~Lab() {
  if (built_ || !servers_.empty()) {
    std::string report;
    teardown(report);
  }
}

bool Lab::write_and_run(const std::string& script, const std::string& what, double timeout_s, bool interruptible,
                        std::string& error) {
  char path[] = "/tmp/packetwalk-verify-XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) {
    error = std::string("cannot create a temporary file: ") + std::strerror(errno);
    return false;
  }
  close(fd);
  const bool written = write_file(path, script);
  CommandResult r;
  if (written) r = run_command({find_program("sh"), path}, timeout_s, "", interruptible);
  std::remove(path);
  if (!written) {
    error = std::string("cannot write ") + path;
    return false;
  }
  if (r.status != 0) {
    error = what + (r.interrupted ? " was interrupted" : r.timed_out ? " timed out" : " failed") + ":\n" + r.err;
    return false;
  }
  return true;
}

bool Lab::build(std::string& error) {
  built_ = true;  // even a failed setup may have left something for teardown to remove
  return write_and_run(m_.setup_script, "the setup script", 300, true, error);
}

bool Lab::start_server(const std::string& real_ns, const std::string& ident, const std::vector<std::string>& specs,
                       std::string& error) {
  std::vector<std::string> argv = {find_program("ip"), "netns", "exec", real_ns, env_.python, "-c", kEchoServer, ident};
  argv.insert(argv.end(), specs.begin(), specs.end());
  Server s;
  s.pid = spawn(argv, nullptr, &s.out_fd, nullptr);
  if (s.pid < 0) {
    error = "cannot start the echo server in " + real_ns;
    return false;
  }
  servers_.push_back(s);
  // Wait for its "ready" line (it binds every port first).
  std::string line;
  const auto deadline = Clock::now() + std::chrono::seconds(15);
  char c = 0;
  while (Clock::now() < deadline && !InterruptGuard::interrupted()) {
    pollfd p{s.out_fd, POLLIN, 0};
    if (poll(&p, 1, 200) <= 0) continue;
    if (read(s.out_fd, &c, 1) != 1) break;
    if (c == '\n') {
      if (line == "ready") return true;
      break;
    }
    line += c;
  }
  error = "the echo server in " + real_ns + " did not start" + (line.empty() ? "" : ": " + line);
  return false;
}

std::vector<Observation> Lab::probe(const std::string& real_ns, const std::string& protocol, const std::string& host,
                                    int port, int runs, double timeout_s, std::string& error, int size,
                                    int source_port) {
  std::vector<Observation> out;
  std::ostringstream t;
  t << timeout_s;
  auto r = run_command({find_program("ip"), "netns", "exec", real_ns, env_.python, "-c", kClient, protocol, host,
                        std::to_string(port), std::to_string(runs), t.str(), std::to_string(size),
                        std::to_string(source_port)},
                       runs * (timeout_s * 2 + 1) + 10);
  if (r.interrupted) {
    error = "interrupted";
    return out;
  }
  std::stringstream ss(r.out);
  std::string line;
  while (std::getline(ss, line)) {
    Observation o;
    const auto a = line.find('|'), b = line.rfind('|');
    if (a == std::string::npos || a == b) continue;
    o.outcome = line.substr(0, a);
    const std::string answer = line.substr(a + 1, b - a - 1);
    o.detail = line.substr(b + 1);
    std::stringstream as(answer);
    as >> o.backend >> o.source;
    out.push_back(std::move(o));
  }
  if (static_cast<int>(out.size()) != runs) error = "the client finished " + std::to_string(out.size()) + " of " +
                                                    std::to_string(runs) + " runs: " + r.err;
  return out;
}

std::string Lab::conntrack_listing(const std::string& real_ns) {
  if (env_.conntrack.empty()) return "";
  auto r = run_command({find_program("ip"), "netns", "exec", real_ns, env_.conntrack, "-L"}, 10);
  return r.out;
}

std::map<std::string, std::string> Lab::traced_probe(const std::map<std::string, std::string>& nft_scripts,
                                                     const std::string& real_ns, const std::string& protocol,
                                                     const std::string& host, int port, double timeout_s, int size,
                                                     std::vector<Observation>& run, std::string& error) {
  std::map<std::string, std::string> out;
  const std::string ip = find_program("ip"), nft = find_program("nft");
  struct Monitor {
    std::string ns;
    pid_t pid = -1;
    int fd = -1;
  };
  std::vector<Monitor> monitors;
  for (const auto& [ns, script] : nft_scripts) {
    if (auto r = run_command({ip, "netns", "exec", ns, nft, "-f", "-"}, 10, script); r.status != 0) {
      error = "cannot turn tracing on in " + ns + ": " + r.err;
      continue;
    }
    Monitor m;
    m.ns = ns;
    m.pid = spawn({ip, "netns", "exec", ns, nft, "monitor", "trace"}, nullptr, &m.fd, nullptr);
    if (m.pid > 0) monitors.push_back(m);
  }
  // Drains the monitors' pipes for at least `min_ms` milliseconds, then on while any monitor printed
  // in the last 300 ms or one has printed nothing yet, up to `max_ms`. Each monitor prints the
  // probe's trace at its own pace: on a machine loaded with parallel verify runs one had printed
  // nothing 300 ms after the probe ended. A monitor may also rightly stay silent (the namespace of
  // a backend the kernel did not choose), so the wait ends at `max_ms` and never fails by itself.
  auto drain = [&](int min_ms, int max_ms) {
    using std::chrono::milliseconds;
    const auto start = Clock::now();
    auto last_output = start;
    char buf[4096];
    while (true) {
      const auto now = Clock::now();
      if (now - start >= milliseconds(max_ms)) break;
      if (now - start >= milliseconds(min_ms) && now - last_output >= milliseconds(300)) {
        const bool all_printed =
            std::all_of(monitors.begin(), monitors.end(), [&](const Monitor& m) { return out.count(m.ns) > 0; });
        if (all_printed) break;
      }
      std::vector<pollfd> fds;
      for (const auto& m : monitors) fds.push_back({m.fd, POLLIN, 0});
      if (poll(fds.data(), fds.size(), 50) <= 0) continue;
      for (std::size_t i = 0; i < fds.size(); ++i) {
        if (!(fds[i].revents & POLLIN)) continue;
        const ssize_t got = read(fds[i].fd, buf, sizeof buf);
        if (got > 0) {
          out[monitors[i].ns].append(buf, static_cast<std::size_t>(got));
          last_output = Clock::now();
        }
      }
    }
  };
  // A monitor that has not yet joined the trace multicast group misses the first packets, and the
  // comparison would start at a later one (seen on a loaded machine: the SYN lost, an ACK taken for
  // the request). So wait until every monitor's namespace lists a NETLINK_NETFILTER socket in
  // NFNLGRP_NFTRACE (group 9, bit 0x100 of /proc/PID/net/netlink's Groups), up to 10 s.
  auto subscribed = [](pid_t pid) {
    std::ifstream f("/proc/" + std::to_string(pid) + "/net/netlink");
    std::string line;
    std::getline(f, line);  // the header
    while (std::getline(f, line)) {
      std::istringstream words(line);
      std::string sk, groups;
      int family = -1;
      unsigned long port = 0;
      if (!(words >> sk >> family >> port >> groups)) continue;
      if (family == 12 && (std::strtoul(groups.c_str(), nullptr, 16) & 0x100UL)) return true;
    }
    return false;
  };
  const auto give_up = Clock::now() + std::chrono::seconds(10);
  for (const auto& m : monitors) {
    while (!subscribed(m.pid) && Clock::now() < give_up && !InterruptGuard::interrupted())
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (!subscribed(m.pid)) error = "nft monitor trace did not start in " + m.ns + " within 10 s";
  }
  drain(100, 100);
  if (next_trace_port_ > 32767) next_trace_port_ = 20000;
  if (!InterruptGuard::interrupted())
    run = probe(real_ns, protocol, host, port, 1, timeout_s, error, size, next_trace_port_++);
  drain(300, 1000);
  for (auto& m : monitors) {
    kill(m.pid, SIGTERM);
    int status = 0;
    while (waitpid(m.pid, &status, 0) < 0 && errno == EINTR) {
    }
    close(m.fd);
  }
  for (const auto& [ns, _] : nft_scripts)
    run_command({ip, "netns", "exec", ns, nft, "delete", "table", "ip", kTraceTable}, 10, "", false);
  return out;
}

bool Lab::teardown(std::string& report) {
  for (auto& s : servers_) {
    if (s.pid > 0) {
      kill(s.pid, SIGTERM);
      int status = 0;
      while (waitpid(s.pid, &status, 0) < 0 && errno == EINTR) {
      }
    }
    if (s.out_fd >= 0) close(s.out_fd);
  }
  servers_.clear();
  if (!built_) return true;
  built_ = false;
  std::string error;
  const bool ran = write_and_run(m_.teardown_script, "the teardown script", 60, false, error);
  const auto left = namespaces_with_prefix(m_.prefix);
  if (left.empty()) {
    report = "removed " + std::to_string(m_.namespaces.size()) + " namespaces; none named " + m_.prefix + "-* remain";
    return true;
  }
  report = "namespaces left behind:";
  for (const auto& n : left) report += " " + n;
  if (!ran) report += " (" + error + ")";
  return false;
}

}  // namespace packetwalk::ui::cli::verify
