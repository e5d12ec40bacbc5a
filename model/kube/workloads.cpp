// Workload controllers: which pods Deployments, ReplicaSets, StatefulSets, DaemonSets and Jobs
// make, named the way their controllers name them.
#include <algorithm>
#include <cstdint>
#include <set>
#include <tuple>

#include "inventory_steps.h"
#include "packetwalk/model/load/input_limits.h"

namespace packetwalk::model::kube::detail {

namespace {

constexpr std::uint32_t kFnv32Offset = 2166136261u;
constexpr std::uint32_t kFnv32Prime = 16777619u;
constexpr std::uint64_t kFnv64Offset = 14695981039346656037ull;
constexpr std::uint64_t kFnv64Prime = 1099511628211ull;

// Appends `s` with its length, so that field boundaries are part of the hashed text.
void put(std::string& out, std::string_view s) {
  out += std::to_string(s.size());
  out += ':';
  out += s;
}

void put_container(std::string& out, const Container& c) {
  put(out, c.name);
  put(out, c.image);
  put(out, c.restart_policy);
  for (const auto& p : c.ports) {
    put(out, p.name);
    put(out, std::to_string(p.container_port) + "/" + std::string(net::kube_name(p.protocol)) + "/" +
                 std::to_string(p.host_port) + "/" + p.host_ip);
  }
  out += ';';
}

template <typename Map>
void put_map(std::string& out, const Map& m) {
  for (const auto& [k, v] : m) {
    put(out, k);
    put(out, v);
  }
  out += ';';
}

}  // namespace

std::string template_hash(const PodTemplate& t) {
  // Kubernetes hashes the Go object with DeepHashObject (FNV-32a over a spew dump), then writes the
  // decimal value through rand.SafeEncodeString. We hash our own canonical text of the fields
  // packetwalk models, so the hash has the same shape and stability (same template, same hash) but
  // is not byte-identical to a real cluster's.
  std::string text;
  put_map(text, t.labels);
  put_map(text, t.annotations);
  for (const auto& c : t.spec.containers) put_container(text, c);
  text += '|';
  for (const auto& c : t.spec.init_containers) put_container(text, c);
  put(text, t.spec.node_name);
  put_map(text, t.spec.node_selector);
  put(text, t.spec.host_network ? "hostNetwork" : "");
  put(text, t.spec.hostname);
  put(text, t.spec.subdomain);
  put(text, t.spec.dns_policy);
  for (const auto& s : t.spec.dns_config.nameservers) put(text, s);
  for (const auto& s : t.spec.dns_config.searches) put(text, s);
  for (const auto& o : t.spec.dns_config.options) put(text, o.name + "=" + o.value.value_or("<nil>"));
  std::uint32_t h = kFnv32Offset;
  for (unsigned char c : text) h = (h ^ c) * kFnv32Prime;
  std::string encoded;
  for (char digit : std::to_string(h)) encoded += kRandAlphabet[static_cast<unsigned char>(digit) % kRandAlphabet.size()];
  return encoded;
}

std::string name_suffix(std::string_view seed) {
  std::uint64_t h = kFnv64Offset;
  for (unsigned char c : seed) h = (h ^ c) * kFnv64Prime;
  std::string out;
  for (int i = 0; i < 5; ++i) {
    out += kRandAlphabet[h % kRandAlphabet.size()];
    h /= kRandAlphabet.size();
  }
  return out;
}

namespace {

// Pods of one expansion run: names must be unique per namespace, whoever made them.
class PodMaker {
public:
  PodMaker(std::vector<PendingPod>& out, load::Diagnostics& diags) : out_(out), diags_(diags) {}

  void add_bare(const Pod& pod) {
    if (over_limit(pod.meta.pos, pod.meta.ref())) return;
    PendingPod p;
    fill(p.info, pod.meta.namespace_, pod.meta.name, pod.meta.labels, pod.meta.annotations, pod.spec, pod.meta.pos);
    p.info.ready = pod.ready;
    p.info.owner_kind = pod.meta.owner.kind;
    p.info.owner_name = pod.meta.owner.name;
    p.node_selector = pod.spec.node_selector;
    p.node_name = pod.spec.node_name;
    p.node_name_pos = pod.meta.pos_of("spec.nodeName");
    p.node_selector_pos = pod.meta.pos_of("spec.nodeSelector");
    p.status_ip = pod.status_pod_ip;
    p.pod_ip_pos = pod.meta.pos_of("status.podIP");
    taken_.insert({pod.meta.namespace_, pod.meta.name});
    out_.push_back(std::move(p));
  }

  // A pod made by `owner` from its template; `extra_labels` are the controller's own labels.
  PendingPod* add_generated(const Workload& owner, std::string_view owner_kind, std::string owner_name,
                            std::string name, const Labels& extra_labels) {
    const auto& ns = owner.meta.namespace_;
    if (over_limit(owner.pod_template.pos, owner.meta.ref())) return nullptr;
    if (!taken_.insert({ns, name}).second) {
      diags_.error(owner.pod_template.pos, owner.meta.ref(),
                   "the pod it would create, Pod " + ns + "/" + name + ", has the same name as another pod");
      return nullptr;
    }
    PendingPod p;
    Labels labels = owner.pod_template.labels;
    for (const auto& [k, v] : extra_labels) labels[k] = v;
    fill(p.info, ns, std::move(name), labels, owner.pod_template.annotations, owner.pod_template.spec,
         owner.pod_template.pos);
    p.info.owner_kind = std::string(owner_kind);
    p.info.owner_name = std::move(owner_name);
    p.node_selector = owner.pod_template.spec.node_selector;
    p.node_name = owner.pod_template.spec.node_name;
    p.node_name_pos = owner.meta.pos_of("spec.template.spec.nodeName");
    p.node_selector_pos = owner.meta.pos_of("spec.template.spec.nodeSelector");
    out_.push_back(std::move(p));
    return &out_.back();
  }

  // "<base>-<5 chars>", unique in the namespace; the seed makes it stable across runs.
  std::string generate_name(const std::string& ns, const std::string& base, const std::string& seed) {
    for (int attempt = 0;; ++attempt) {
      std::string name = base + "-" + name_suffix(ns + "/" + seed + "#" + std::to_string(attempt));
      if (!taken_.count({ns, name})) return name;
    }
  }

  bool over_limit_reported() const { return over_limit_reported_; }

private:
  static void fill(PodInfo& info, std::string ns, std::string name, const Labels& labels,
                   const std::map<std::string, std::string>& annotations, const PodSpec& spec, load::SourcePos pos) {
    info.namespace_ = std::move(ns);
    info.name = std::move(name);
    info.labels = labels;
    info.annotations = annotations;
    info.host_network = spec.host_network;
    info.containers = spec.containers;
    info.init_containers = spec.init_containers;
    info.hostname = spec.hostname;
    info.subdomain = spec.subdomain;
    info.dns_policy = spec.dns_policy;
    info.dns_config = spec.dns_config;
    info.pos = std::move(pos);
  }

  // True once the run holds limits::kMaxPods pods; reported once, at the object that crossed it.
  bool over_limit(const load::SourcePos& at, const std::string& ref) {
    if (out_.size() < load::limits::kMaxPods) return false;
    if (!over_limit_reported_) {
      diags_.error(at, ref,
                   "the cluster would hold more than " + std::to_string(load::limits::kMaxPods) +
                       " pods; packetwalk simulates at most that many (docs/limits.md)");
    }
    over_limit_reported_ = true;
    return true;
  }

  std::vector<PendingPod>& out_;
  load::Diagnostics& diags_;
  std::set<std::pair<std::string, std::string>> taken_;
  bool over_limit_reported_ = false;
};

// Objects (pods or ReplicaSets) already present for a controller: then it is not expanded again.
template <typename List>
bool owns_any(const List& objects, const ObjectMeta& owner) {
  return std::any_of(objects.begin(), objects.end(), [&](const auto& o) {
    return o.meta.namespace_ == owner.namespace_ && o.meta.owner.kind == owner.kind && o.meta.owner.name == owner.name;
  });
}

// A simulation of more pods than this is not what anyone meant (and would not fit in memory
// for replicas: 2147483647); the API server would accept it, so this is packetwalk's limit.
constexpr int kMaxReplicas = load::limits::kMaxReplicasPerWorkload;

int replicas_to_make(const Workload& w, load::Diagnostics& diags) {
  if (w.replicas <= kMaxReplicas) return w.replicas;
  std::string field = w.meta.kind == "Job" ? "spec.parallelism" : "spec.replicas";
  diags.error(w.meta.pos_of(field), w.meta.ref(),
              field + ": packetwalk simulates at most " + std::to_string(kMaxReplicas) + " pods per workload, got " +
                  std::to_string(w.replicas));
  return kMaxReplicas;
}

void expand_replica_set(PodMaker& maker, const Workload& w, std::string_view kind, const std::string& rs_name,
                        const Labels& extra, load::Diagnostics& diags) {
  for (int i = 0, n = replicas_to_make(w, diags); i < n; ++i) {
    std::string name = maker.generate_name(w.meta.namespace_, rs_name, rs_name + "#" + std::to_string(i));
    maker.add_generated(w, kind, rs_name, std::move(name), extra);
  }
}

}  // namespace

std::vector<PendingPod> expand_pods(const load::ManifestSet& m, const std::vector<NodeInfo>& nodes,
                                    load::Diagnostics& diags) {
  std::vector<PendingPod> pods;
  PodMaker maker(pods, diags);
  for (const auto& pod : m.pods) maker.add_bare(pod);

  for (const auto& d : m.deployments) {
    if (owns_any(m.replica_sets, d.meta)) continue;
    std::string hash = template_hash(d.pod_template);
    std::string rs_name = d.meta.name + "-" + hash;
    bool dumped = std::any_of(m.pods.begin(), m.pods.end(), [&](const Pod& p) {
      return p.meta.namespace_ == d.meta.namespace_ && p.meta.owner.kind == "ReplicaSet" &&
             p.meta.owner.name.rfind(d.meta.name + "-", 0) == 0 && p.meta.labels.count("pod-template-hash") &&
             p.meta.owner.name == d.meta.name + "-" + p.meta.labels.at("pod-template-hash");
    });
    if (!dumped) expand_replica_set(maker, d, "ReplicaSet", rs_name, {{"pod-template-hash", hash}}, diags);
  }
  for (const auto& rs : m.replica_sets) {
    if (!owns_any(m.pods, rs.meta)) expand_replica_set(maker, rs, "ReplicaSet", rs.meta.name, {}, diags);
  }
  for (const auto& s : m.stateful_sets) {
    if (owns_any(m.pods, s.meta)) continue;
    std::string revision = s.meta.name + "-" + template_hash(s.pod_template);
    for (int i = 0, n = replicas_to_make(s, diags); i < n; ++i) {
      std::string name = s.meta.name + "-" + std::to_string(i);
      Labels extra = {{"controller-revision-hash", revision},
                      {"statefulset.kubernetes.io/pod-name", name},
                      {"apps.kubernetes.io/pod-index", std::to_string(i)}};
      if (auto* p = maker.add_generated(s, "StatefulSet", s.meta.name, name, extra)) {
        // The StatefulSet controller gives each pod its stable network identity.
        p->info.hostname = p->info.name;
        p->info.subdomain = s.service_name;
      }
    }
  }
  for (const auto& ds : m.daemon_sets) {
    if (owns_any(m.pods, ds.meta)) continue;
    Labels extra = {{"controller-revision-hash", template_hash(ds.pod_template)}, {"pod-template-generation", "1"}};
    for (const auto& node : nodes) {
      if (!labels_match(ds.pod_template.spec.node_selector, node.labels)) continue;
      std::string name = maker.generate_name(ds.meta.namespace_, ds.meta.name, ds.meta.name + "@" + node.name);
      if (auto* p = maker.add_generated(ds, "DaemonSet", ds.meta.name, std::move(name), extra)) {
        p->node_name = node.name;  // the DaemonSet controller pins each pod to its node
      }
    }
  }
  for (const auto& job : m.jobs) {
    if (owns_any(m.pods, job.meta)) continue;
    Labels extra = {{"job-name", job.meta.name}, {"batch.kubernetes.io/job-name", job.meta.name}};
    expand_replica_set(maker, job, "Job", job.meta.name, extra, diags);
  }

  std::sort(pods.begin(), pods.end(), [](const PendingPod& a, const PendingPod& b) {
    return std::tie(a.info.namespace_, a.info.name) < std::tie(b.info.namespace_, b.info.name);
  });
  if (maker.over_limit_reported()) pods.clear();
  return pods;
}

}  // namespace packetwalk::model::kube::detail
