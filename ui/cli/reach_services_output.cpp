// The Service rows of `packetwalk reach --services`, in every output form (reach_services_output.h).
#include "reach_services_output.h"

#include <array>
#include <iomanip>
#include <map>
#include <set>
#include <tuple>

#include "json_text.h"

namespace packetwalk::ui::cli {

namespace {

using model::query::ServiceVerdict;

std::string column_of(const ServiceVerdict& v) { return v.service + ":" + v.port.to_string(); }

// '.' every backend accepts, 'X' none does (or kube-proxy has none), "k/n" otherwise.
std::string mark(const ServiceVerdict& v) {
  if (v.allowed) return ".";
  if (v.backends_allowed == 0) return "X";
  return std::to_string(v.backends_allowed) + "/" + std::to_string(v.backends);
}

std::string ns_of(const std::string& name) { return name.substr(0, name.find('/')); }

void write_skipped(std::ostream& out, const ReachServices& s, bool markdown) {
  if (s.skipped.empty()) return;
  out << "\n" << (markdown ? "Services not judged:\n\n" : "Services not judged:\n");
  for (const auto& k : s.skipped) out << (markdown ? "- `" : "  ") << k.service << (markdown ? "`: " : ": ") << k.note << "\n";
}

}  // namespace

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::size_t write_matrix_header(std::ostream& out, const std::vector<std::string>& rows,
                                const std::vector<std::string>& cols, bool markdown) {
  std::size_t width = 1;
  for (const auto& r : rows) width = std::max(width, r.size());
  if (markdown) {
    out << "| from \\ to |";
    for (const auto& c : cols) out << " " << c << " |";
    out << "\n|---|";
    for (std::size_t i = 0; i < cols.size(); ++i) out << ":-:|";
    out << "\n";
  } else {
    out << std::left << std::setw(static_cast<int>(width)) << "-";
    for (const auto& c : cols) out << "  " << c;
    out << "\n";
  }
  return width;
}

void write_services_table(std::ostream& out, const std::vector<std::string>& pods, const ReachServices& s, bool markdown) {
  out << "\n" << (markdown ? "### " : "") << "Services\n\n";
  if (s.verdicts.empty()) {
    out << "No Service with a ClusterIP and pod endpoints in scope.\n";
    write_skipped(out, s, markdown);
    return;
  }
  out << "Rows: client pods, columns: Service:port. kube-proxy sends each connection to one backend at random: "
      << (markdown ? "`.`" : "'.'") << " every backend accepts it, " << (markdown ? "`X`" : "'X'")
      << " none does (or there is no backend), k/n: k of n backends accept it.\n\n";
  std::vector<std::string> cols;
  std::map<std::pair<std::string, std::string>, const ServiceVerdict*> cells;
  for (const auto& v : s.verdicts) {
    const auto col = column_of(v);
    if (cols.empty() || cols.back() != col) cols.push_back(col);  // verdicts come by (service, port)
    cells[{v.from, col}] = &v;
  }
  const std::size_t width = write_matrix_header(out, pods, cols, markdown);
  for (const auto& from : pods) {
    if (markdown) out << "| " << from << " |";
    else out << std::left << std::setw(static_cast<int>(width)) << from;
    for (std::size_t i = 0; i < cols.size(); ++i) {
      auto it = cells.find({from, cols[i]});
      const std::string m = it == cells.end() ? "-" : mark(*it->second);
      if (markdown) out << " " << m << " |";
      else if (i + 1 == cols.size()) out << "  " << m;  // no trailing blanks
      else out << "  " << std::left << std::setw(static_cast<int>(cols[i].size())) << m;
    }
    out << "\n";
  }
  // The partial cells are the surprising ones: say which backends refuse, and why.
  bool header = false;
  for (const auto& v : s.verdicts) {
    if (v.allowed || v.backends_allowed == 0) continue;
    if (!header) out << "\n" << (markdown ? "Partly denied:\n\n" : "Partly denied:\n");
    header = true;
    out << (markdown ? "- " : "  ") << v.from << " -> " << column_of(v) << ": " << v.reason << "\n";
  }
  write_skipped(out, s, markdown);
}

void write_services_json(std::ostream& out, const ReachServices& s) {
  out << ",\"services\":[";
  for (std::size_t i = 0; i < s.verdicts.size(); ++i) {
    const auto& v = s.verdicts[i];
    out << (i ? "," : "") << "\n{\"from\":" << json_string(v.from) << ",\"service\":" << json_string(v.service)
        << ",\"port\":" << json_string(v.port.to_string()) << ",\"allowed\":" << (v.allowed ? "true" : "false")
        << ",\"backends\":" << v.backends << ",\"backendsAllowed\":" << v.backends_allowed
        << ",\"reason\":" << json_string(v.reason) << ",\"detail\":[";
    for (std::size_t j = 0; j < v.detail.size(); ++j) {
      const auto& d = v.detail[j];
      out << (j ? "," : "") << "{\"backend\":" << json_string(d.backend) << ",\"targetPort\":" << json_string(d.target.to_string())
          << ",\"allowed\":" << (d.allowed ? "true" : "false") << ",\"listening\":" << (d.listening ? "true" : "false")
          << ",\"reason\":" << json_string(d.reason) << "}";
    }
    out << "]}";
  }
  out << "],\"skippedServices\":[";
  for (std::size_t i = 0; i < s.skipped.size(); ++i)
    out << (i ? "," : "") << "\n{\"service\":" << json_string(s.skipped[i].service) << ",\"reason\":" << json_string(s.skipped[i].note) << "}";
  out << "]";
}

void write_services_csv(std::ostream& out, const ReachServices& s) {
  for (const auto& v : s.verdicts) {
    out << "service," << csv_field(v.from) << "," << csv_field(v.service) << "," << v.port.to_string() << ","
        << (v.allowed ? "true" : "false") << "," << (v.listening ? "true" : "false") << "," << csv_field(v.reason) << ","
        << v.backends << "," << v.backends_allowed << "\n";
  }
  for (const auto& k : s.skipped) out << "skipped,," << csv_field(k.service) << ",,,," << csv_field(k.note) << ",,\n";
}

void write_services_dot(std::ostream& out, const ReachServices& s) {
  std::map<std::string, std::set<std::string>> by_ns;
  for (const auto& v : s.verdicts) by_ns[ns_of(v.service)].insert(v.service);
  for (const auto& [ns, names] : by_ns) {
    out << "  subgraph " << json_string("cluster_" + ns) << " {\n";
    for (const auto& n : names) out << "    " << json_string("svc/" + n) << " [shape=ellipse, label=" << json_string("Service " + n) << "];\n";
    out << "  }\n";
  }
  std::map<std::pair<std::string, std::string>, std::string> edges;
  for (const auto& v : s.verdicts) {
    if (v.backends_allowed == 0) continue;
    auto& label = edges[{v.from, v.service}];
    label += (label.empty() ? "" : ",") + v.port.to_string() + (v.allowed ? "" : " " + mark(v));
  }
  for (const auto& [key, label] : edges) {
    const bool partial = label.find('/') != label.rfind('/');  // "80/TCP 2/3" has two slashes
    out << "  " << json_string(key.first) << " -> " << json_string("svc/" + key.second) << " [label=" << json_string(label)
        << (partial ? ", style=dashed" : "") << "];\n";
  }
  for (const auto& k : s.skipped) out << "  // not judged: Service " << k.service << ": " << k.note << "\n";
}

void write_services_summary(std::ostream& out, const ReachServices& s) {
  std::size_t all = 0, part = 0, none = 0;
  std::map<std::tuple<std::string, std::string, model::query::ReachPort>, std::array<std::size_t, 3>> rows;
  for (const auto& v : s.verdicts) {
    auto& r = rows[{ns_of(v.from), v.service, v.port}];
    const int k = v.allowed ? 0 : v.backends_allowed ? 1 : 2;
    ++r[static_cast<std::size_t>(k)];
    ++(k == 0 ? all : k == 1 ? part : none);
  }
  out << "\n(client, Service, port) cells: " << all << " allowed by every backend, " << part << " by some, " << none
      << " by none.\n";
  if (!rows.empty()) {
    std::size_t wf = 4, ws = 7, wp = 4;
    for (const auto& [key, r] : rows) {
      wf = std::max(wf, std::get<0>(key).size());
      ws = std::max(ws, std::get<1>(key).size());
      wp = std::max(wp, std::get<2>(key).to_string().size());
    }
    out << "\n" << std::left << std::setw(static_cast<int>(wf)) << "FROM" << "  " << std::setw(static_cast<int>(ws)) << "SERVICE"
        << "  " << std::setw(static_cast<int>(wp)) << "PORT" << "  " << std::right << std::setw(12) << "ALLOWED" << "  "
        << std::setw(12) << "PARTLY" << "  " << std::setw(12) << "DENIED" << "\n";
    for (const auto& [key, r] : rows) {
      out << std::left << std::setw(static_cast<int>(wf)) << std::get<0>(key) << "  " << std::setw(static_cast<int>(ws))
          << std::get<1>(key) << "  " << std::setw(static_cast<int>(wp)) << std::get<2>(key).to_string() << "  " << std::right
          << std::setw(12) << r[0] << "  " << std::setw(12) << r[1] << "  " << std::setw(12) << r[2] << "\n";
    }
  }
  write_skipped(out, s, false);
}

}  // namespace packetwalk::ui::cli
