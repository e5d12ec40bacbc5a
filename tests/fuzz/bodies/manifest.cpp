// Target "manifest": the bytes as a manifest file (`kubectl apply -f` input) read from memory.
#include <algorithm>

#include "fuzz_bodies.h"
#include "packetwalk/model/load/manifest_loader.h"

namespace packetwalk::fuzz {

void fuzz_manifest(Bytes data) {
  const std::string_view text = as_text(data);
  model::load::Diagnostics diags;
  auto set = model::load::load_manifest_text(text, "fuzz.yaml", 0, diags);
  check_diagnostics(diags, static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1);
  // The loader's result is sorted and free of duplicates whatever the input order (manifest_loader.h):
  // loading it sorted again must not move anything.
  auto sorted = set;
  sorted.sort();
  for (std::size_t i = 0; i < set.pods.size(); ++i)
    check(set.pods[i].meta.name == sorted.pods[i].meta.name && set.pods[i].meta.namespace_ == sorted.pods[i].meta.namespace_,
          "load_manifest_text returned pods out of order");
}

}  // namespace packetwalk::fuzz
