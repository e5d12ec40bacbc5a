// Deployment, ReplicaSet, StatefulSet, DaemonSet, Job: replicas, selector and pod template.
#include <algorithm>

#include "parsers.h"

namespace packetwalk::model::load::detail {

namespace {

// Reads what all workloads share from their spec.
template <typename W>
void read_workload_spec(ParseContext& ctx, const MapReader& spec, W& w) {
  w.replicas = spec.integer("replicas").value_or(1);
  if (auto selector = spec.get("selector")) w.selector = parse_label_selector(ctx, *selector);
  if (auto t = spec.get("template")) w.pod_template = parse_pod_template(ctx, *t);
  else if (spec.is_map()) ctx.missing(spec.pos(), child_path(spec.path(), "template"));
}

std::optional<Field> require_spec(ParseContext& ctx, const MapReader& root) {
  auto spec = root.get("spec");
  if (!spec) ctx.missing(root.pos(), "spec");
  return spec;
}

// `status` (kubectl dumps) is accepted as a whole.
void accept_status(ParseContext& ctx, const MapReader& root) {
  if (auto status = root.get("status")) [[maybe_unused]] MapReader check(ctx, *status, {"*"});
}

}  // namespace

void parse_deployment(ParseContext& ctx, const MapReader& root, kube::ObjectMeta meta, ManifestSet& out) {
  kube::Deployment d;
  if (auto f = require_spec(ctx, root)) {
    MapReader spec(ctx, *f,
                   {"replicas", "selector", "template", "strategy", "minReadySeconds", "revisionHistoryLimit",
                    "paused", "progressDeadlineSeconds"});
    read_workload_spec(ctx, spec, d);
  }
  accept_status(ctx, root);
  finish_object(ctx, d, std::move(meta));
  out.deployments.push_back(std::move(d));
}

void parse_replica_set(ParseContext& ctx, const MapReader& root, kube::ObjectMeta meta, ManifestSet& out) {
  kube::ReplicaSet rs;
  if (auto f = require_spec(ctx, root)) {
    MapReader spec(ctx, *f, {"replicas", "selector", "template", "minReadySeconds"});
    read_workload_spec(ctx, spec, rs);
  }
  accept_status(ctx, root);
  finish_object(ctx, rs, std::move(meta));
  out.replica_sets.push_back(std::move(rs));
}

void parse_stateful_set(ParseContext& ctx, const MapReader& root, kube::ObjectMeta meta, ManifestSet& out) {
  kube::StatefulSet s;
  if (auto f = require_spec(ctx, root)) {
    MapReader spec(ctx, *f,
                   {"replicas", "selector", "template", "serviceName", "podManagementPolicy", "updateStrategy",
                    "revisionHistoryLimit", "volumeClaimTemplates", "minReadySeconds",
                    "persistentVolumeClaimRetentionPolicy", "ordinals"});
    read_workload_spec(ctx, spec, s);
    s.service_name = spec.string("serviceName").value_or("");
  }
  accept_status(ctx, root);
  finish_object(ctx, s, std::move(meta));
  out.stateful_sets.push_back(std::move(s));
}

void parse_daemon_set(ParseContext& ctx, const MapReader& root, kube::ObjectMeta meta, ManifestSet& out) {
  kube::DaemonSet ds;
  if (auto f = require_spec(ctx, root)) {
    MapReader spec(ctx, *f, {"selector", "template", "updateStrategy", "minReadySeconds", "revisionHistoryLimit",
                             "templateGeneration"});
    read_workload_spec(ctx, spec, ds);
  }
  accept_status(ctx, root);
  finish_object(ctx, ds, std::move(meta));
  out.daemon_sets.push_back(std::move(ds));
}

void parse_job(ParseContext& ctx, const MapReader& root, kube::ObjectMeta meta, ManifestSet& out) {
  kube::Job job;
  if (auto f = require_spec(ctx, root)) {
    MapReader spec(ctx, *f,
                   {"parallelism", "completions", "activeDeadlineSeconds", "backoffLimit", "backoffLimitPerIndex",
                    "maxFailedIndexes", "selector", "manualSelector", "template", "ttlSecondsAfterFinished",
                    "completionMode", "suspend", "podFailurePolicy", "podReplacementPolicy", "successPolicy",
                    "managedBy"});
    read_workload_spec(ctx, spec, job);
    // The Job controller runs min(parallelism, completions) pods at once; both default to 1.
    int parallelism = spec.integer("parallelism").value_or(1);
    auto completions = spec.integer("completions");
    job.replicas = completions ? std::min(parallelism, *completions) : parallelism;
    if (spec.boolean("suspend").value_or(false)) job.replicas = 0;
  }
  accept_status(ctx, root);
  finish_object(ctx, job, std::move(meta));
  out.jobs.push_back(std::move(job));
}

}  // namespace packetwalk::model::load::detail
