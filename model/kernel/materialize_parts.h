#pragma once
// Private to model/kernel: the phases of the materialize script.

#include <ostream>
#include <string>
#include <vector>

#include "packetwalk/model/datapath/topology.h"
#include "packetwalk/model/kernel/materialize.h"

namespace packetwalk::model::kernel::detail {

struct ScriptContext {
  const datapath::Topology& topology;
  const Materialized& out;

  std::string ns(datapath::NetnsId id) const { return sh_quote(out.real_name(id)); }
  std::string sw() const { return sh_quote(out.prefix + "-sw"); }
};

std::vector<NamespaceName> name_namespaces(const datapath::Topology& t, const std::string& prefix);

void write_guard_and_trap(std::ostream& s, const Materialized& m);
void write_namespaces(std::ostream& s, const ScriptContext& c);
void write_links(std::ostream& s, const ScriptContext& c);
void write_addresses_and_routes(std::ostream& s, const ScriptContext& c);
void write_neighbours(std::ostream& s, const ScriptContext& c);
void write_sysctls(std::ostream& s, const ScriptContext& c);
// Creates the nfacct counters that `ns`'s rules name (-m nfacct), as kube-proxy does at start-up:
// iptables-restore rejects a rule whose counter does not exist. Writes nothing when none is named.
void write_nfacct_counters(std::ostream& s, const ScriptContext& c, const datapath::Netns& ns);
// Creates the namespace's ipsets (the sets its rules name with -m set, e.g. Calico's selector
// sets) with `ipset restore`, before iptables-restore, which rejects a rule naming a missing set.
void write_ipsets(std::ostream& s, const ScriptContext& c, const datapath::Netns& ns);
std::string teardown_script(const Materialized& m);

}  // namespace packetwalk::model::kernel::detail
