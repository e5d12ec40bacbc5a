#pragma once
// `packetwalk reach --services`: the pod -> Service rows in each output form, next to the pod
// rows cmd_reach.cpp writes. One verdict per (client, Service, Service port): how many of the
// backends kube-proxy may pick accept the connection (model/query/reachability_services.h).
#include <ostream>
#include <vector>

#include "packetwalk/model/query/reachability_services.h"

namespace packetwalk::ui::cli {

struct ReachServices {
  std::vector<model::query::ServiceVerdict> verdicts;
  std::vector<model::query::ServiceSkip> skipped;
};

// Table or Markdown: rows sources, columns "ns/svc:80/TCP"; '.' every backend accepts, 'X' none
// (or no backend), "k/n" k of n. Then the skipped Services, each with why.
void write_services_table(std::ostream& out, const std::vector<std::string>& pods, const ReachServices& s, bool markdown);
// JSON: the members `"services":[...],"skippedServices":[...]` (preceded by a comma).
void write_services_json(std::ostream& out, const ReachServices& s);
// CSV rows in the --services layout (kind,from,to,port,allowed,listening,reason,backends,backendsAllowed).
void write_services_csv(std::ostream& out, const ReachServices& s);
// DOT: Service nodes (ellipses, per namespace cluster), edges for connections some backend accepts.
void write_services_dot(std::ostream& out, const ReachServices& s);
// Summary: counts per (client namespace, Service namespace, Service port), then the skipped ones.
void write_services_summary(std::ostream& out, const ReachServices& s);

std::string csv_field(const std::string& s);

// The head of a truth table, pods' or Services': Markdown's header and alignment rows, or a
// terminal row padded to the widest row name. Returns that width for the rows below.
std::size_t write_matrix_header(std::ostream& out, const std::vector<std::string>& rows,
                                const std::vector<std::string>& cols, bool markdown);

}  // namespace packetwalk::ui::cli
