#include "diff_output.h"

#include <ostream>

#include "json_text.h"

namespace packetwalk::ui::cli {

namespace {

using model::query::FlowChange;
using model::query::FlowSide;
using model::query::ReachDiff;

std::string join(const std::vector<std::string>& items, const std::string& sep, const std::string& quote = "") {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : sep) + quote + i + quote;
  return out;
}

std::string ports_text(const ReachDiff& d) {
  std::vector<std::string> p;
  for (const auto& port : d.ports) p.push_back(port.to_string());
  return p.empty() ? "none" : join(p, ", ");
}

std::string cni_text(const std::string& cni, bool enforced) {
  return "CNI " + cni + (enforced ? ", enforces NetworkPolicy" : ", does not enforce NetworkPolicy");
}

std::string summary(const ReachDiff& d) {
  return std::string(d.changes.empty() ? "no changes: " : "") + std::to_string(d.opened()) + " opened, " +
         std::to_string(d.closed()) + " closed (" + std::to_string(d.flows_compared) + " flows compared)";
}

// The side whose verdict is "allowed" says whether anything declares the port there.
const FlowSide& allowed_side(const FlowChange& c) { return c.opened ? c.after : c.before; }

std::string destination(const FlowChange& c) { return c.service.empty() ? c.to : "Service " + c.service; }

// "80/TCP", or for a Service flow "80/TCP -> ns/backend 8080/TCP" (with the old target port when
// it changed).
std::string flow_port(const FlowChange& c) {
  if (c.service.empty()) return c.port.to_string();
  if (c.to.empty()) return c.port.to_string() + " -> (no backend)";
  const auto& now = c.after.present ? c.after.target : c.before.target;
  std::string out = c.port.to_string() + " -> " + c.to + " " + now.to_string();
  if (c.before.present && c.after.present && c.before.target != c.after.target)
    out += " (was " + c.before.target.to_string() + ")";
  return out;
}

std::string listening_note(const FlowChange& c) {
  const auto& s = allowed_side(c);
  if (s.listening || (!c.service.empty() && c.to.empty())) return "";
  return " (no container declares the port: the connection is delivered, nothing listens)";
}

void write_names(std::ostream& out, const char* what, const std::vector<std::string>& names) {
  if (!names.empty()) out << what << ": " << join(names, ", ") << "\n";
}

std::string side_json(const FlowSide& s, bool service) {
  return std::string("{\"exists\":") + (s.present ? "true" : "false") + ",\"allowed\":" + (s.allowed ? "true" : "false") +
         ",\"listening\":" + (s.listening ? "true" : "false") + ",\"targetPort\":" +
         (service && s.present && s.target.port ? json_string(s.target.to_string()) : "null") +
         ",\"reason\":" + json_string(s.reason) + "}";
}

std::string json_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + json_string(items[i]);
  return out + "]";
}

std::string md_cell(const std::string& s) {
  std::string out;
  for (char c : s) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out;
}

}  // namespace

void write_diff_text(std::ostream& out, const ReachDiff& d, const DiffLabels& labels) {
  out << "old: " << labels.before << " (" << cni_text(d.cni_before, d.enforced_before) << ")\n"
      << "new: " << labels.after << " (" << cni_text(d.cni_after, d.enforced_after) << ")\n"
      << "ports: " << ports_text(d) << (labels.services ? "; and every Service port" : "") << "\n";
  write_names(out, "pods added", d.pods_added);
  write_names(out, "pods removed", d.pods_removed);
  for (const auto& r : d.pods_replaced)
    out << "pod replaced: " << r.before << " -> " << r.after << " (same owner, new pod template; compared as one pod)\n";
  write_names(out, "services added", d.services_added);
  write_names(out, "services removed", d.services_removed);
  std::string group;
  for (const auto& c : d.changes) {
    if (destination(c) != group) {
      group = destination(c);
      out << "\nto " << group << "\n";
    }
    out << "  " << (c.opened ? "opened" : "closed") << "  from " << c.from << "  " << flow_port(c) << listening_note(c) << "\n"
        << "    old: " << (c.before.present ? "" : "(no such flow) ") << c.before.reason << "\n"
        << "    new: " << (c.after.present ? "" : "(no such flow) ") << c.after.reason << "\n";
  }
  out << "\n" << summary(d) << "\n";
}

void write_diff_json(std::ostream& out, const ReachDiff& d, const DiffLabels& labels) {
  out << "{\"schema\":\"packetwalk/diff/v1\""
      << ",\"old\":{\"path\":" << json_string(labels.before) << ",\"cni\":" << json_string(d.cni_before)
      << ",\"enforced\":" << (d.enforced_before ? "true" : "false") << "}"
      << ",\"new\":{\"path\":" << json_string(labels.after) << ",\"cni\":" << json_string(d.cni_after)
      << ",\"enforced\":" << (d.enforced_after ? "true" : "false") << "}";
  std::vector<std::string> ports;
  for (const auto& p : d.ports) ports.push_back(p.to_string());
  out << ",\"ports\":" << json_list(ports) << ",\"pods\":{\"added\":" << json_list(d.pods_added)
      << ",\"removed\":" << json_list(d.pods_removed) << ",\"replaced\":[";
  for (std::size_t i = 0; i < d.pods_replaced.size(); ++i)
    out << (i ? "," : "") << "{\"old\":" << json_string(d.pods_replaced[i].before) << ",\"new\":" << json_string(d.pods_replaced[i].after) << "}";
  out << "]},\"services\":{\"compared\":" << (labels.services ? "true" : "false") << ",\"added\":" << json_list(d.services_added)
      << ",\"removed\":" << json_list(d.services_removed) << "}"
      << ",\"summary\":{\"opened\":" << d.opened() << ",\"closed\":" << d.closed() << ",\"compared\":" << d.flows_compared << "}"
      << ",\"changes\":[";
  for (std::size_t i = 0; i < d.changes.size(); ++i) {
    const auto& c = d.changes[i];
    const bool svc = !c.service.empty();
    out << (i ? "," : "") << "\n{\"change\":" << (c.opened ? "\"opened\"" : "\"closed\"") << ",\"from\":" << json_string(c.from)
        << ",\"to\":" << (c.to.empty() ? "null" : json_string(c.to)) << ",\"service\":" << (svc ? json_string(c.service) : "null")
        << ",\"port\":" << json_string(c.port.to_string()) << ",\"old\":" << side_json(c.before, svc)
        << ",\"new\":" << side_json(c.after, svc) << "}";
  }
  out << "]}\n";
}

void write_diff_markdown(std::ostream& out, const ReachDiff& d, const DiffLabels& labels) {
  out << "### packetwalk diff: "
      << (d.changes.empty() ? std::string("no changes")
                            : std::to_string(d.opened()) + " opened, " + std::to_string(d.closed()) + " closed")
      << "\n\n"
      << "Old `" << labels.before << "` (" << cni_text(d.cni_before, d.enforced_before) << "); new `" << labels.after << "` ("
      << cni_text(d.cni_after, d.enforced_after) << "). Ports " << ports_text(d)
      << (labels.services ? " and every Service port" : "") << "; " << d.flows_compared << " flows compared.\n";
  auto names = [&](const char* what, const std::vector<std::string>& list) {
    if (!list.empty()) out << "\n" << what << ": " << join(list, ", ", "`") << ".\n";
  };
  names("Pods added", d.pods_added);
  names("Pods removed", d.pods_removed);
  for (const auto& r : d.pods_replaced)
    out << "\nPod replaced: `" << r.before << "` → `" << r.after << "` (same owner, new pod template; compared as one pod).\n";
  names("Services added", d.services_added);
  names("Services removed", d.services_removed);
  if (d.changes.empty()) return;
  out << "\n| To | From | Port | Change | Old | New |\n|---|---|---|---|---|---|\n";
  for (const auto& c : d.changes) {
    out << "| " << (c.service.empty() ? "`" + c.to + "`" : "Service `" + c.service + "`") << " | `" << c.from << "` | "
        << md_cell(flow_port(c)) << " | **" << (c.opened ? "opened" : "closed") << "**" << md_cell(listening_note(c)) << " | "
        << md_cell(c.before.reason) << " | " << md_cell(c.after.reason) << " |\n";
  }
}

}  // namespace packetwalk::ui::cli
