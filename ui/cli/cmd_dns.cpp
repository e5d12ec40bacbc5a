// packetwalk dns: a name lookup from a pod, as its resolver makes it, every query through the datapath.
#include <algorithm>
#include <iostream>

#include "../render/dns_render.h"
#include "commands.h"
#include "options.h"
#include "packetwalk/model/dns/lookup.h"
#include "packetwalk/model/query/target.h"

namespace packetwalk::ui::cli {

int cmd_dns(const Args& args, std::ostream& out, std::ostream& err) {
  po::options_description d("Options");
  add_input_options(d);
  d.add_options()("scenario", po::value<std::string>(), "scenario file whose cluster to use (instead of the default)")(
      "from", po::value<std::string>()->required(), "who asks: NS/POD, POD, node/NODE or external/HOST")(
      "name", po::value<std::string>()->required(), "the name to look up (positional); an address with --type PTR")(
      "type,t", po::value<std::string>()->default_value("A"),
      "A, AAAA, SRV, PTR, CNAME, TXT, SOA, NS, or A,AAAA (getaddrinfo: both per name tried)");
  add_namespace_option(d, "namespace for --from without one");
  add_output_option(d, "text | json");
  add_verbosity_options(d);
  po::positional_options_description pos;
  pos.add("name", 1);
  po::variables_map vm;
  bool help = false;
  const std::string usage =
      "packetwalk dns -f PATH... [--scenario FILE] --from NS/POD NAME [--type A|AAAA|SRV|PTR|CNAME|A,AAAA] [-o text|json]";
  if (!parse_args(args, d, pos, vm, out, err, usage, help)) return help ? kOk : kBadInput;
  const std::string format = vm["output"].as<std::string>();
  if (format != "text" && format != "json") {
    err << "packetwalk dns: unknown output format \"" << format << "\" (text, json)\n";
    return kBadInput;
  }
  auto types = model::dns::parse_type_list(vm["type"].as<std::string>());
  if (!types) {
    err << "packetwalk dns: unknown record type \"" << vm["type"].as<std::string>()
        << "\" (A, AAAA, SRV, PTR, CNAME, TXT, SOA, NS, A,AAAA)\n";
    return kBadInput;
  }
  std::string name = vm["name"].as<std::string>();
  // dig -x: a PTR lookup of an address asks for its in-addr.arpa name.
  if (types->size() == 1 && types->front() == model::dns::rr::PTR) {
    if (auto ip = model::net::Ipv4Address::parse(name)) name = model::dns::reverse_name(*ip);
  }
  if (auto why = model::dns::name_error(name); !why.empty()) {
    err << "packetwalk dns: " << why << "\n";
    return kBadInput;
  }
  std::optional<std::string> scenario;
  if (vm.count("scenario")) scenario = vm["scenario"].as<std::string>();
  if (!scenario && files_from(vm).empty()) {
    err << "packetwalk dns: give manifests with -f PATH (or --scenario FILE)\nUsage: " << usage << "\n";
    return kBadInput;
  }
  auto loaded = load_cluster(scenario, files_from(vm), overrides_from(vm), err);
  if (!loaded.cluster) return loaded.exit_code;
  auto& cluster = *loaded.cluster;

  std::string error;
  auto src = model::query::resolve_source(cluster, vm["from"].as<std::string>(), vm["namespace"].as<std::string>(), error);
  if (!src) {
    err << "packetwalk dns: " << error << "\n";
    return kBadInput;
  }
  model::query::ProbeRunner runner(cluster.topology(), cluster.spec().seed);
  runner.set_applications(&cluster.applications());
  auto lookup = model::dns::lookup_name(cluster, runner, *src, name, *types);
  if (format == "json") {
    out << render::dns_to_json(lookup);
  } else if (vm["quiet"].as<bool>()) {
    const auto& r = lookup.result;
    out << r.name << ": " << model::dns::lookup_status_name(r.status);
    for (auto a : r.addresses) out << " " << a.to_string();
    for (const auto& rec : r.records) out << " " << rec.rdata_text();
    out << "\n";
  } else {
    render::write_dns_text(out, lookup, vm["verbose"].as<bool>());
  }
  return kOk;
}

}  // namespace packetwalk::ui::cli
