#pragma once
// Output files (captures, JUnit reports, request records, generated manifests, scripts) are
// written whole or not at all: the bytes go to a temporary file beside the target, which is
// renamed over it only once everything is written and closed. A run that is interrupted or fails
// part-way never leaves a truncated report where CI would read it, and an existing file is
// replaced in one step (rename(2) is atomic within a filesystem).
#include <string>
#include <string_view>

namespace packetwalk::ui::render {

// Writes `bytes` to `path` as above. False, with `error` naming the file and the reason, when the
// temporary file cannot be written or renamed; the temporary file is then removed and `path` is
// left as it was.
bool write_file_atomically(const std::string& path, std::string_view bytes, std::string& error);

}  // namespace packetwalk::ui::render
