#include "watch.h"

#include <algorithm>
#include <chrono>
#include <filesystem>

namespace packetwalk::ui::gui {

namespace fs = std::filesystem;

namespace {

FileStamp stamp(const fs::path& p) {
  FileStamp s;
  s.path = p.string();
  std::error_code ec;
  const auto t = fs::last_write_time(p, ec);
  if (ec) {
    s.mtime_ns = -1;
    return s;
  }
  s.mtime_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
  if (fs::is_regular_file(p, ec)) s.size = fs::file_size(p, ec);
  return s;
}

bool manifest_name(const fs::path& p) {
  const auto ext = p.extension().string();
  return ext == ".yaml" || ext == ".yml" || ext == ".json";
}

}  // namespace

std::vector<FileStamp> stamp_files(const std::vector<std::string>& roots) {
  std::vector<FileStamp> out;
  for (const auto& root : roots) {
    out.push_back(stamp(root));
    std::error_code ec;
    if (!fs::is_directory(root, ec)) continue;
    // An editor's atomic save replaces the file (a new mtime) and touches the folder: both seen.
    for (fs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
      const auto& p = it->path();
      std::error_code type_ec;
      if (it->is_directory(type_ec) || manifest_name(p)) out.push_back(stamp(p));
    }
  }
  std::sort(out.begin(), out.end(), [](const FileStamp& a, const FileStamp& b) { return a.path < b.path; });
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

void FileWatcher::watch(std::vector<std::string> roots) {
  std::sort(roots.begin(), roots.end());
  roots.erase(std::unique(roots.begin(), roots.end()), roots.end());
  roots_ = std::move(roots);
  stamps_ = stamp_files(roots_);
}

bool FileWatcher::poll() {
  auto now = stamp_files(roots_);
  if (now == stamps_) return false;
  stamps_ = std::move(now);
  return true;
}

}  // namespace packetwalk::ui::gui
