#pragma once
// File > Export: the selected probe's trace as JSON. The document is the one `packetwalk trace
// -o json` prints (render::to_json, schema packetwalk/trace/v1), so a file exported in a workshop
// feeds the same scripts as the CLI's output; a scenario probe also carries its name and its
// expectation check, as the schema allows. The window's PNG is captured by app.cpp (GL), which
// writes it the same way: whole or not at all (render::write_file_atomically).

#include <string>
#include <string_view>

#include "snapshot.h"

namespace packetwalk::ui::gui {

// The JSON document of probe `probe` of `snap`. Empty when the index is out of range or the probe
// did not resolve (it has no trace).
std::string trace_document(const Snapshot& snap, int probe);

// Writes trace_document() to `path`. False, with `error`, when there is no trace to export or the
// file cannot be written (the previous file at `path` is then left as it was).
bool export_trace_json(const Snapshot& snap, int probe, const std::string& path, std::string& error);

// A file name offered in the export form: the probe's name made safe for a file name
// ("client-to-remote-server.json"), or "packetwalk-trace.EXT" when there is no probe.
std::string default_export_name(const Snapshot& snap, int probe, std::string_view ext);

}  // namespace packetwalk::ui::gui
