#pragma once
// The most packetwalk reads, so that no input can exhaust memory or time: a repository's
// manifests are untrusted input when CI runs packetwalk on a stranger's pull request. Each limit
// is enforced with an error naming the file (and line) where it was crossed, exit code 2, and
// nothing simulated. docs/limits.md lists them for users.
#include <cstddef>
#include <cstdint>

namespace packetwalk::model::load::limits {

// One manifest, scenario or fix file. Real manifests are kilobytes; 150,000 generated pods fit.
inline constexpr std::uintmax_t kMaxFileBytes = 64u << 20;
// Kubernetes objects in one run, over all files (List items count one each). Checked before
// parsing where possible, so a million tiny documents fail at once instead of filling memory.
inline constexpr std::size_t kMaxObjects = 250'000;
// YAML nodes one document may reach once aliases are followed ("billion laughs" protection;
// Go's YAML decoder, which kubectl uses, refuses excessive aliasing in the same spirit).
inline constexpr std::size_t kMaxExpandedNodes = 1'000'000;
// Nesting depth: yaml-cpp's parser refuses documents nested deeper than this itself.
inline constexpr int kMaxNesting = 500;
// Pods one workload expands to (Deployment replicas, Job parallelism), and pods in one run.
inline constexpr int kMaxReplicasPerWorkload = 5000;
inline constexpr std::size_t kMaxPods = 200'000;

}  // namespace packetwalk::model::load::limits
