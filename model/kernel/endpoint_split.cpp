#include "packetwalk/model/kernel/endpoint_split.h"

#include <cmath>
#include <numeric>
#include <variant>

namespace packetwalk::model::kernel {

namespace {

bool service_chain(const std::string& name) {
  return name.rfind("KUBE-SVC-", 0) == 0 || name.rfind("KUBE-SVL-", 0) == 0;
}

// The namespace owning `a`: a pod's, else a node's (hostNetwork endpoints), else any.
std::string owner_of(const datapath::Topology& t, net::Ipv4Address a) {
  for (auto kind : {datapath::NetnsKind::Pod, datapath::NetnsKind::Node, datapath::NetnsKind::External}) {
    for (const auto& ns : t.all_netns()) {
      if (ns.kind == kind && t.iface_with_address(ns.id, a)) return ns.name;
    }
  }
  return "";
}

// The regularized upper incomplete gamma function Q(a, x): a series below a + 1, a continued
// fraction above (Numerical Recipes' gammq), accurate far beyond what a test threshold needs.
double gamma_q(double a, double x) {
  if (x <= 0) return 1.0;
  const double gln = std::lgamma(a);
  if (x < a + 1) {
    double ap = a, sum = 1.0 / a, del = sum;
    for (int n = 0; n < 1000 && std::fabs(del) > std::fabs(sum) * 1e-15; ++n) {
      ap += 1;
      del *= x / ap;
      sum += del;
    }
    return 1.0 - sum * std::exp(-x + a * std::log(x) - gln);
  }
  const double tiny = 1e-300;
  double b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
  for (int i = 1; i < 1000; ++i) {
    const double an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (std::fabs(d) < tiny) d = tiny;
    c = b + an / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1 / d;
    const double del = d * c;
    h *= del;
    if (std::fabs(del - 1) < 1e-15) break;
  }
  return std::exp(-x + a * std::log(x) - gln) * h;
}

}  // namespace

double chi_square_p_value(const std::vector<int>& observed, const std::vector<double>& probabilities,
                          double* statistic) {
  const double n = std::accumulate(observed.begin(), observed.end(), 0.0);
  double chi2 = 0;
  int categories = 0;
  bool impossible = false;
  for (std::size_t i = 0; i < observed.size() && i < probabilities.size(); ++i) {
    const double expected = n * probabilities[i];
    if (expected <= 0) {
      impossible = impossible || observed[i] > 0;
      continue;
    }
    ++categories;
    chi2 += (observed[i] - expected) * (observed[i] - expected) / expected;
  }
  if (statistic) *statistic = chi2;
  if (impossible) return 0.0;
  if (categories < 2) return 1.0;
  return gamma_q((categories - 1) / 2.0, chi2 / 2.0);
}

namespace {

// kube-proxy's nftables mode: the service chain (`service-HASH-ns/name/proto/port`, walked in
// table `ip kube-proxy`) picks an endpoint with `numgen random mod N vmap { 0 : goto endpoint-..,
// ... }`, each element with probability 1/N; ClientIP affinity is `ip saddr @affinity-.. goto
// endpoint-..` rules before it, which a first connection from a client never matches.
EndpointSplit nft_split(const datapath::Topology& topology, const trace::Trace& t) {
  EndpointSplit split;
  const datapath::NftTable* table = nullptr;
  const datapath::NftChain* chain = nullptr;
  for (const auto& leg : t.legs) {
    for (const auto& hop : leg.hops) {
      for (const auto& hit : hop.rules) {
        if (chain || hit.table.find(' ') == std::string::npos) continue;
        auto ns = topology.find_netns(hop.netns.view());
        if (!ns) continue;
        const auto family = hit.table.substr(0, hit.table.find(' '));
        const auto* tab = topology.netns(*ns).nft.find(family, hit.table.substr(hit.table.find(' ') + 1));
        const auto* c = tab ? tab->find_chain(hit.chain) : nullptr;
        if (!c) continue;
        for (const auto& rule : c->rules) {
          for (const auto& e : rule.exprs) {
            if (std::holds_alternative<datapath::NftNumgenVmap>(e)) chain = c;
          }
        }
        if (chain) {
          table = tab;
          split.chain = hit.chain;
          split.netns = hop.netns;
        }
      }
    }
  }
  if (!chain) return split;
  for (const auto& rule : chain->rules) {
    for (const auto& e : rule.exprs) {
      if (const auto* s = std::get_if<datapath::NftSetMatch>(&e); s && s->set.rfind("affinity-", 0) == 0)
        split.affinity = true;
      const auto* ng = std::get_if<datapath::NftNumgenVmap>(&e);
      if (!ng) continue;
      for (const auto& target : ng->targets) {
        EndpointShare share;
        share.probability = 1.0 / static_cast<double>(ng->targets.size());
        if (const auto* ep = table->find_chain(target.chain)) {
          for (const auto& r : ep->rules) {
            for (const auto& x : r.exprs) {
              if (const auto* d = std::get_if<datapath::NftDnat>(&x)) {
                share.endpoint = d->address.to_string() + (d->port ? ":" + std::to_string(*d->port) : std::string());
                share.backend = owner_of(topology, d->address);
              }
            }
          }
        }
        split.shares.push_back(std::move(share));
      }
      return split;
    }
  }
  return split;
}

}  // namespace

EndpointSplit endpoint_split(const datapath::Topology& topology, const trace::Trace& t) {
  EndpointSplit split;
  for (const auto& leg : t.legs) {
    for (const auto& hop : leg.hops) {
      for (const auto& hit : hop.rules) {
        if (hit.table == "nat" && service_chain(hit.chain)) {
          split.chain = hit.chain;
          split.netns = hop.netns;
          break;
        }
      }
      if (!split.chain.empty()) break;
    }
    if (!split.chain.empty()) break;
  }
  if (split.chain.empty()) return nft_split(topology, t);
  auto ns = topology.find_netns(split.netns);
  if (!ns) return {};
  const auto& nat = topology.netns(*ns).netfilter.nat;
  const datapath::Chain* chain = nat.find(split.chain);
  if (!chain) return {};

  double remaining = 1.0;
  for (const auto& rule : chain->rules) {
    const auto* jump = std::get_if<datapath::JumpTarget>(&rule.target);
    if (!jump || jump->chain.rfind("KUBE-SEP-", 0) != 0) continue;
    double p = 1.0;
    bool affinity_check = false;
    for (const auto& m : rule.modules) {
      if (const auto* s = std::get_if<datapath::StatisticMatch>(&m)) p = static_cast<double>(s->threshold) / 2147483648.0;
      if (const auto* r = std::get_if<datapath::RecentMatch>(&m)) affinity_check = affinity_check || !r->set;
    }
    if (affinity_check) {  // only taken by a client seen before: never for a first connection
      split.affinity = true;
      continue;
    }
    EndpointShare share;
    share.probability = remaining * p;
    remaining -= share.probability;
    if (const datapath::Chain* sep = nat.find(jump->chain)) {
      for (const auto& r : sep->rules) {
        if (const auto* d = std::get_if<datapath::DnatTarget>(&r.target)) {
          share.endpoint = d->address.to_string() + (d->port ? ":" + std::to_string(*d->port) : std::string());
          share.backend = owner_of(topology, d->address);
        }
      }
    }
    split.shares.push_back(std::move(share));
    if (remaining <= 0) break;
  }
  return split;
}

}  // namespace packetwalk::model::kernel
