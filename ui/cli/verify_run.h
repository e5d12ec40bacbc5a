#pragma once
// The side of `packetwalk verify` that touches the machine: running commands, the environment
// check, and a "lab" holding one materialized cluster (its namespaces, echo servers and clients).
// Every command it runs is scoped to the lab's own namespaces (the materialize scripts, `ip netns
// exec NAME`), except the optional `modprobe br_netfilter`, which it announces.

#include <csignal>
#include <iosfwd>
#include <map>
#include <string>
#include <sys/types.h>
#include <vector>

#include "packetwalk/model/kernel/materialize.h"

namespace packetwalk::ui::cli::verify {

struct CommandResult {
  int status = -1;          // exit status; -1 when it could not start or was killed
  std::string out, err;
  bool timed_out = false;
  bool interrupted = false;  // SIGINT/SIGTERM arrived while it ran (it was killed)
};

// Runs argv without a shell, with `input` on its stdin, output captured; killed after timeout_s,
// or at once on SIGINT/SIGTERM when `interruptible` (teardown steps are not).
CommandResult run_command(const std::vector<std::string>& argv, double timeout_s, const std::string& input = "",
                          bool interruptible = true);

// The program's path on PATH (or common sbin directories), "" when absent.
std::string find_program(const std::string& name);

// SIGINT/SIGTERM handling for the lab's lifetime: the first signal is remembered (so the caller
// tears down and exits) instead of killing packetwalk midway.
class InterruptGuard {
public:
  InterruptGuard();
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;
  static bool interrupted();

private:
  struct sigaction old_int_{}, old_term_{};
};

struct Environment {
  bool usable = false;
  std::string reason;              // why not, when !usable
  bool br_netfilter = false;       // bridged IPv4 reaches iptables inside a namespace
  std::vector<std::string> notes;  // what was done or found (e.g. "loaded br_netfilter")
  std::string python;              // path of python3
  std::string conntrack;           // path of conntrack(8), "" when absent
};

// Checks, in a scratch namespace PREFIX-chk (removed again), that everything verify needs works:
// namespaces, veth/bridge/vxlan links, iptables-restore with the matches kube-proxy uses, python3.
// Loads br_netfilter with modprobe only when it is not loaded and modprobe exists (a host-level
// action, reported in `notes`).
Environment check_environment(const std::string& prefix);

// What one client run saw.
struct Observation {
  std::string outcome;  // connected | refused | timeout | unreachable | error
  std::string backend;  // the answering server's identity (model namespace name); "" if none
  std::string source;   // the source address the server saw
  std::string detail;   // errno name, when there was one
};

class Lab {
public:
  Lab(const model::kernel::Materialized& m, const Environment& env) : m_(m), env_(env) {}
  ~Lab();  // tears down if still built
  Lab(const Lab&) = delete;
  Lab& operator=(const Lab&) = delete;

  bool build(std::string& error);
  // An echo server in `real_ns` answering as `ident` on each "tcp:PORT"/"udp:PORT".
  bool start_server(const std::string& real_ns, const std::string& ident, const std::vector<std::string>& specs,
                    std::string& error);
  std::vector<Observation> probe(const std::string& real_ns, const std::string& protocol, const std::string& host,
                                 int port, int runs, double timeout_s, std::string& error, int size = 0,
                                 int source_port = 0);
  std::string conntrack_listing(const std::string& real_ns);  // "" without conntrack(8)
  // One more client run, with the kernel's rule tracing on: each script of `nft_scripts` (real
  // namespace -> nft script, see verify_trace.h) is loaded, `nft monitor trace` listens in that
  // namespace while the client runs, and the tracing table is deleted again. The run sends from a
  // source port below the kernel's ephemeral range, a new one each time, so that its packets open
  // a new conntrack entry: reusing the 4-tuple of an earlier run that is still in the table skips
  // the nat chains, and the trace would show fewer rules than the model's first packet. Returns each
  // namespace's monitor output; the run's observation goes to `run`.
  std::map<std::string, std::string> traced_probe(const std::map<std::string, std::string>& nft_scripts,
                                                  const std::string& real_ns, const std::string& protocol,
                                                  const std::string& host, int port, double timeout_s, int size,
                                                  std::vector<Observation>& run, std::string& error);
  // Stops the servers, runs the teardown script, and checks that no namespace with the prefix is
  // left. Returns false (with `report` saying what remains) when something is.
  bool teardown(std::string& report);

private:
  struct Server {
    pid_t pid = -1;
    int out_fd = -1;
  };
  bool write_and_run(const std::string& script, const std::string& what, double timeout_s, bool interruptible,
                     std::string& error);

  const model::kernel::Materialized& m_;
  const Environment& env_;
  bool built_ = false;
  std::vector<Server> servers_;
  int next_trace_port_ = 20000;  // traced runs' source ports: 20000-32767, under ip_local_port_range
};

// Names under /run/netns starting with PREFIX + "-".
std::vector<std::string> namespaces_with_prefix(const std::string& prefix);

}  // namespace packetwalk::ui::cli::verify
