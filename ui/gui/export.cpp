#include "export.h"

#include "../render/atomic_file.h"
#include "../render/trace_render.h"

namespace packetwalk::ui::gui {

namespace {

const ProbeView* probe_at(const Snapshot& snap, int probe) {
  if (probe < 0 || probe >= static_cast<int>(snap.probes.size())) return nullptr;
  const ProbeView& p = snap.probes[static_cast<std::size_t>(probe)];
  return p.error.empty() ? &p : nullptr;
}

}  // namespace

std::string trace_document(const Snapshot& snap, int probe) {
  const ProbeView* p = probe_at(snap, probe);
  return p ? render::to_json(p->report) : std::string();
}

bool export_trace_json(const Snapshot& snap, int probe, const std::string& path, std::string& error) {
  const std::string doc = trace_document(snap, probe);
  if (doc.empty()) {
    error = "no trace to export: select a probe that ran";
    return false;
  }
  return render::write_file_atomically(path, doc, error);
}

std::string default_export_name(const Snapshot& snap, int probe, std::string_view ext) {
  std::string name;
  if (probe >= 0 && probe < static_cast<int>(snap.probes.size())) {
    // Probe names are Kubernetes-style already; anything else (a '/' from a typed probe) becomes '-'.
    for (char c : snap.probes[static_cast<std::size_t>(probe)].input.name) {
      const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
      name += ok ? c : '-';
    }
  }
  if (name.empty() || name.front() == '.') name = "packetwalk-trace";
  return name + "." + std::string(ext);
}

}  // namespace packetwalk::ui::gui
