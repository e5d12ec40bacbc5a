// Validation of metadata, selectors, pods, workloads and the small core kinds.
#include "packetwalk/model/kube/validate.h"

#include <algorithm>
#include <set>

#include "validate_common.h"

namespace packetwalk::model::kube {

namespace detail {

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

void Checker::error(const std::string& path, const std::string& text) {
  if (meta_.fields_with_errors.count(path)) return;  // the loader has said it already
  diags_.error(meta_.pos_of(path), meta_.ref(), path.empty() ? text : path + ": " + text);
}

void Checker::error_at(const std::string& position_path, const std::string& path, const std::string& text) {
  if (meta_.fields_with_errors.count(path)) return;
  diags_.error(meta_.pos_of(position_path), meta_.ref(), path + ": " + text);
}

void Checker::warning(const std::string& path, const std::string& text) {
  diags_.warning(meta_.pos_of(path), meta_.ref(), path.empty() ? text : path + ": " + text);
}

void Checker::syntax(const std::string& path, std::string_view value, const std::string& problem) {
  if (!problem.empty()) error(path, problem + ", got " + quoted(value));
}

void Checker::port_number(const std::string& path, int port) {
  if (port < 1 || port > 65535) error(path, "must be between 1 and 65535, got " + std::to_string(port));
}

void validate_labels(Checker& c, const Labels& labels, const std::string& path) {
  for (const auto& [key, value] : labels) {
    if (auto e = label_key_error(key); !e.empty()) c.error(path, "key " + quoted(key) + ": " + e);
    c.syntax(path + "." + key, value, label_value_error(value));
  }
}

void validate_meta(Checker& c, NameRule rule) {
  const auto& meta = c.meta();
  switch (rule) {
    case NameRule::Dns1123Subdomain: c.syntax("metadata.name", meta.name, dns1123_subdomain_error(meta.name)); break;
    case NameRule::Dns1123Label: c.syntax("metadata.name", meta.name, dns1123_label_error(meta.name)); break;
    case NameRule::Dns1035Label: c.syntax("metadata.name", meta.name, dns1035_label_error(meta.name)); break;
  }
  if (!meta.namespace_.empty())
    c.syntax("metadata.namespace", meta.namespace_, dns1123_label_error(meta.namespace_));
  validate_labels(c, meta.labels, "metadata.labels");
  for (const auto& [key, value] : meta.annotations)
    if (auto e = label_key_error(key); !e.empty()) c.error("metadata.annotations", "key " + quoted(key) + ": " + e);
}

void validate_selector(Checker& c, const LabelSelector& selector, const std::string& path) {
  validate_labels(c, selector.match_labels, path + ".matchLabels");
  for (std::size_t i = 0; i < selector.match_expressions.size(); ++i) {
    const auto& r = selector.match_expressions[i];
    std::string at = path + ".matchExpressions[" + std::to_string(i) + "]";
    if (auto e = label_key_error(r.key); !e.empty()) c.error(at + ".key", e + ", got " + quoted(r.key));
    if (r.op == "In" || r.op == "NotIn") {
      if (r.values.empty()) c.error(at + ".values", "must be specified when `operator` is 'In' or 'NotIn'");
      for (std::size_t v = 0; v < r.values.size(); ++v)
        c.syntax(at + ".values[" + std::to_string(v) + "]", r.values[v], label_value_error(r.values[v]));
    } else if (r.op == "Exists" || r.op == "DoesNotExist") {
      if (!r.values.empty())
        c.error(at + ".values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
    } else {
      c.error(at + ".operator", "not a valid selector operator (In, NotIn, Exists, DoesNotExist), got " + quoted(r.op));
    }
  }
}

}  // namespace detail

namespace {

using detail::Checker;
using detail::quoted;

std::string index_path(const std::string& base, std::size_t i) { return base + "[" + std::to_string(i) + "]"; }

void validate_container(Checker& c, const Container& container, const std::string& at, bool host_network) {
  if (container.name.empty()) c.error(at + ".name", "required value");
  else c.syntax(at + ".name", container.name, dns1123_label_error(container.name));
  if (container.image.empty()) c.error(at + ".image", "required value");
  std::set<std::string> port_names;
  for (std::size_t i = 0; i < container.ports.size(); ++i) {
    const auto& port = container.ports[i];
    std::string p = index_path(at + ".ports", i);
    if (!port.name.empty()) {
      c.syntax(p + ".name", port.name, iana_svc_name_error(port.name));
      if (!port_names.insert(port.name).second) c.error(p + ".name", "duplicate port name " + quoted(port.name));
    }
    c.port_number(p + ".containerPort", port.container_port);
    if (port.host_port != 0) {
      c.port_number(p + ".hostPort", port.host_port);
      if (host_network && port.host_port != port.container_port)
        c.error(p + ".hostPort", "must match `containerPort` when `hostNetwork` is true, got " +
                                     std::to_string(port.host_port));
    }
  }
}

void validate_pod_spec(Checker& c, const PodSpec& spec, const std::string& at) {
  if (spec.containers.empty()) c.error(at + ".containers", "must have at least one container");
  std::set<std::string> names;
  auto check_list = [&](const std::vector<Container>& list, const std::string& base) {
    for (std::size_t i = 0; i < list.size(); ++i) {
      std::string path = index_path(base, i);
      validate_container(c, list[i], path, spec.host_network);
      if (!list[i].name.empty() && !names.insert(list[i].name).second)
        c.error(path + ".name", "duplicate container name " + quoted(list[i].name));
    }
  };
  check_list(spec.containers, at + ".containers");
  check_list(spec.init_containers, at + ".initContainers");
  if (!spec.node_name.empty()) c.syntax(at + ".nodeName", spec.node_name, dns1123_subdomain_error(spec.node_name));
  detail::validate_labels(c, spec.node_selector, at + ".nodeSelector");
  if (!spec.hostname.empty()) c.syntax(at + ".hostname", spec.hostname, dns1123_label_error(spec.hostname));
  if (!spec.subdomain.empty()) c.syntax(at + ".subdomain", spec.subdomain, dns1123_label_error(spec.subdomain));
  const auto& dns = spec.dns_config;
  if (spec.dns_policy == "None" && dns.nameservers.empty())
    c.error_at(at + ".dnsPolicy", at + ".dnsConfig.nameservers",
               "must provide at least one DNS nameserver when `dnsPolicy` is None");
  if (dns.nameservers.size() > 3)
    c.error(at + ".dnsConfig.nameservers", "must not have more than 3 nameservers, got " +
                                               std::to_string(dns.nameservers.size()));
  for (std::size_t i = 0; i < dns.nameservers.size(); ++i) {
    if (!net::Ipv4Address::parse(dns.nameservers[i]))
      c.error(index_path(at + ".dnsConfig.nameservers", i),
              "must be a valid IPv4 address, got " + quoted(dns.nameservers[i]));
  }
  if (dns.searches.size() > 32)
    c.error(at + ".dnsConfig.searches", "must not have more than 32 search paths, got " +
                                            std::to_string(dns.searches.size()));
  for (std::size_t i = 0; i < dns.options.size(); ++i)
    if (dns.options[i].name.empty()) c.error(index_path(at + ".dnsConfig.options", i) + ".name", "required value");
}

void validate_workload(Checker& c, const Workload& w, bool selector_required) {
  detail::validate_meta(c, detail::NameRule::Dns1123Subdomain);
  if (w.replicas < 0) c.error("spec.replicas", "must be greater than or equal to 0, got " + std::to_string(w.replicas));
  if (w.selector.empty()) {
    if (selector_required) c.error("spec.selector", "required value (a non-empty selector matching the template's labels)");
  } else {
    detail::validate_selector(c, w.selector, "spec.selector");
    if (!w.selector.matches(w.pod_template.labels))
      c.error("spec.template.metadata.labels", "`selector` (" + w.selector.to_string() +
                                                   ") does not match template `labels`");
  }
  detail::validate_labels(c, w.pod_template.labels, "spec.template.metadata.labels");
  validate_pod_spec(c, w.pod_template.spec, "spec.template.spec");
}

}  // namespace

void validate_object(const Namespace& ns, load::Diagnostics& diags) {
  Checker c(ns.meta, diags);
  detail::validate_meta(c, detail::NameRule::Dns1123Label);
}

void validate_object(const Node& node, load::Diagnostics& diags) {
  Checker c(node.meta, diags);
  detail::validate_meta(c, detail::NameRule::Dns1123Subdomain);
  if (node.pod_cidr && node.pod_cidr->has_host_bits()) {
    c.error("spec.podCIDR", "must be a network address without host bits (e.g. " +
                                net::Cidr(node.pod_cidr->network(), node.pod_cidr->prefix_length()).to_string() +
                                "), got " + quoted(node.pod_cidr->to_string()));
  }
}

void validate_object(const ConfigMap& cm, load::Diagnostics& diags) {
  Checker c(cm.meta, diags);
  detail::validate_meta(c, detail::NameRule::Dns1123Subdomain);
  for (const auto& [key, value] : cm.data)
    if (auto e = config_key_error(key); !e.empty()) c.error("data", "key " + quoted(key) + ": " + e);
}

void validate_object(const Pod& pod, load::Diagnostics& diags) {
  Checker c(pod.meta, diags);
  detail::validate_meta(c, detail::NameRule::Dns1123Subdomain);
  validate_pod_spec(c, pod.spec, "spec");
}

void validate_object(const Deployment& d, load::Diagnostics& diags) {
  Checker c(d.meta, diags);
  validate_workload(c, d, true);
}

void validate_object(const ReplicaSet& rs, load::Diagnostics& diags) {
  Checker c(rs.meta, diags);
  validate_workload(c, rs, true);
}

void validate_object(const StatefulSet& s, load::Diagnostics& diags) {
  Checker c(s.meta, diags);
  validate_workload(c, s, true);
  if (!s.service_name.empty()) c.syntax("spec.serviceName", s.service_name, dns1123_label_error(s.service_name));
}

void validate_object(const DaemonSet& ds, load::Diagnostics& diags) {
  Checker c(ds.meta, diags);
  validate_workload(c, ds, true);
}

void validate_object(const Job& job, load::Diagnostics& diags) {
  Checker c(job.meta, diags);
  validate_workload(c, job, false);  // the Job controller generates a selector when none is given
}

void validate_object(const GenericObject& object, load::Diagnostics& diags) {
  Checker c(object.meta, diags);
  detail::validate_labels(c, object.meta.labels, "metadata.labels");
}

void validate_manifests(const load::ManifestSet& set, load::Diagnostics& diags) {
  auto all = [&](const auto& list) {
    for (const auto& object : list) validate_object(object, diags);
  };
  all(set.namespaces);
  all(set.nodes);
  all(set.config_maps);
  all(set.pods);
  all(set.deployments);
  all(set.replica_sets);
  all(set.stateful_sets);
  all(set.daemon_sets);
  all(set.jobs);
  all(set.services);
  all(set.endpoint_slices);
  all(set.network_policies);
  all(set.others);
}

}  // namespace packetwalk::model::kube
