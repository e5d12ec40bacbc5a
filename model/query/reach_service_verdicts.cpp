// `reach --services`: per-backend cells folded into one verdict per (client, Service port), the
// way a client experiences it — kube-proxy picks a backend at random for each connection, so a
// Service that some backends refuse fails some connections, not none or all.

#include "packetwalk/model/query/reachability_services.h"

namespace packetwalk::model::query {

namespace {

// A cell's reason without its leading "allowed: " / "denied: ": the verdict's own words say which.
std::string bare(const std::string& reason) {
  for (std::string_view prefix : {"allowed: ", "denied: "}) {
    if (reason.rfind(prefix, 0) == 0) return reason.substr(prefix.size());
  }
  return reason;
}

// "x/c, x/d: <why>; x/e: <other why>": backends grouped by the reason they share, in backend order.
std::string grouped(const std::vector<const ServiceReachCell*>& cells) {
  std::vector<std::pair<std::string, std::string>> groups;  // (why, backends), first-seen order
  for (const auto* c : cells) {
    const std::string why = bare(c->reason);
    auto it = groups.begin();
    while (it != groups.end() && it->first != why) ++it;
    if (it == groups.end()) groups.emplace_back(why, c->backend);
    else it->second += ", " + c->backend;
  }
  std::string out;
  for (const auto& [why, names] : groups) out += (out.empty() ? "" : "; ") + names + ": " + why;
  return out;
}

ServiceVerdict fold(std::vector<ServiceReachCell> cells) {
  ServiceVerdict v;
  v.from = cells.front().from;
  v.service = cells.front().service;
  v.port = cells.front().port;
  if (cells.size() == 1 && cells.front().backend.empty()) {
    v.reason = cells.front().reason;  // no backend to pick: kube-proxy's own verdict
    return v;
  }
  std::vector<const ServiceReachCell*> ok, denied;
  v.listening = true;
  for (const auto& c : cells) {
    (c.allowed ? ok : denied).push_back(&c);
    v.listening = v.listening && c.listening;
  }
  v.backends = cells.size();
  v.backends_allowed = ok.size();
  v.allowed = denied.empty();
  const std::string count = std::to_string(ok.size()) + "/" + std::to_string(cells.size());
  if (denied.empty()) {
    v.reason = "allowed: " + count + " backends accept it (" + grouped(ok) + ")";
  } else if (ok.empty()) {
    v.reason = "denied: " + count + " backends accept it (" + grouped(denied) + ")";
  } else {
    // Not `allowed`: a random share of the client's connections fails. Name what denies them.
    v.reason = "partly denied: " + count + " backends accept it, kube-proxy picks one at random per connection; denied by " +
               grouped(denied);
  }
  v.detail = std::move(cells);
  return v;
}

}  // namespace

std::vector<ServiceVerdict> service_verdicts(const std::vector<ServiceReachCell>& cells) {
  std::vector<ServiceVerdict> out;
  std::vector<ServiceReachCell> run;
  for (const auto& c : cells) {
    if (!run.empty() && (run.front().service != c.service || run.front().port != c.port || run.front().from != c.from)) {
      out.push_back(fold(std::move(run)));
      run.clear();
    }
    run.push_back(c);
  }
  if (!run.empty()) out.push_back(fold(std::move(run)));
  return out;
}

}  // namespace packetwalk::model::query
