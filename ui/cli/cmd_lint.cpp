// packetwalk lint: NetworkPolicies and Services that cannot do what their author meant (policies
// selecting nothing, peers and named ports that never match, shadowed rules, Services without
// backends or with a targetPort no backend declares, egress isolation that forgets DNS). Each
// finding is printed like a compiler warning so editors jump to it; exit 1 when there are any,
// so CI can fail a pull request on them as on a failed expectation.
#include <algorithm>
#include <tuple>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "options.h"
#include "packetwalk/model/policy/lint.h"
#include "packetwalk/model/query/reachability.h"

namespace packetwalk::ui::cli {

namespace {

namespace policy = model::policy;

void write_json(std::ostream& out, const std::vector<policy::LintFinding>& findings) {
  nlohmann::ordered_json j;
  j["schema"] = "packetwalk/lint/v1";
  j["findings"] = nlohmann::ordered_json::array();
  for (const auto& f : findings) {
    nlohmann::ordered_json o;
    o["kind"] = std::string(policy::lint_kind_name(f.kind));
    o["file"] = f.pos.file;
    o["line"] = f.pos.line;
    o["column"] = f.pos.column;
    o["object"] = f.object;
    o["field"] = f.field;
    o["message"] = f.message;
    j["findings"].push_back(std::move(o));
  }
  out << j.dump(2) << "\n";
}

}  // namespace

int cmd_lint(const Args& args, std::ostream& out, std::ostream& err) {
  po::options_description d("Options");
  add_input_options(d);
  d.add_options()("scenario", po::value<std::string>(), "scenario file whose cluster and manifests to check");
  add_output_option(d, "text | json");
  po::positional_options_description pos;
  po::variables_map vm;
  bool help = false;
  const std::string usage = "packetwalk lint -f PATH... [--scenario F] [--cni calico] [-o text|json]";
  if (!parse_args(args, d, pos, vm, out, err, usage, help)) return help ? kOk : kBadInput;
  const std::string format = vm["output"].as<std::string>();
  if (format != "text" && format != "json") {
    err << "packetwalk lint: unknown output format \"" << format << "\" (text, json)\n";
    return kBadInput;
  }
  std::optional<std::string> scenario;
  if (vm.count("scenario")) scenario = vm["scenario"].as<std::string>();
  if (!scenario && files_from(vm).empty()) {
    err << "packetwalk lint: give manifests with -f PATH (or --scenario FILE)\nUsage: " << usage << "\n";
    return kBadInput;
  }
  auto loaded = load_cluster(scenario, files_from(vm), overrides_from(vm), err);
  if (!loaded.cluster) return loaded.exit_code;
  const auto& c = *loaded.cluster;
  const auto& manifests = c.scenario().manifests;
  // Under a CNI that ignores NetworkPolicy the policy findings still describe what the manifests
  // would do on one that enforces them; say so, since nothing is enforced here.
  if ((!manifests.network_policies.empty() || !manifests.admin_policies.empty()) &&
      !model::query::cni_enforces_policy(c.spec().cni))
    err << "packetwalk lint: warning: CNI " << c.spec().cni
        << " does not enforce NetworkPolicy, AdminNetworkPolicy, BaselineAdminNetworkPolicy or ClusterNetworkPolicy: "
           "the policies have no effect on this cluster (try --cni calico)\n";
  auto findings = policy::lint(manifests.network_policies, manifests.services, c.inventory());
  for (auto& f : policy::lint_admin(manifests.admin_policies, c.inventory())) findings.push_back(std::move(f));
  std::stable_sort(findings.begin(), findings.end(), [](const policy::LintFinding& a, const policy::LintFinding& b) {
    return std::tie(a.pos.file, a.pos.line, a.pos.column) < std::tie(b.pos.file, b.pos.line, b.pos.column);
  });
  if (format == "json") {
    write_json(out, findings);
  } else {
    for (const auto& f : findings) out << policy::format_finding(f) << "\n";
    if (findings.empty()) out << "no findings\n";
    else out << findings.size() << " finding" << (findings.size() == 1 ? "" : "s") << "\n";
  }
  return findings.empty() ? kOk : kExpectationFailed;
}

}  // namespace packetwalk::ui::cli
