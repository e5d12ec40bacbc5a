#pragma once
// Reload on change: the files a loaded scenario came from (the scenario file, each manifest file,
// every manifest under a manifest folder, and the folders themselves so a file added or removed
// counts), stamped by modification time and size. The workspace polls once a second of wall time;
// nothing here sleeps or uses inotify (no new dependency, and the same on every filesystem).

#include <cstdint>
#include <string>
#include <vector>

namespace packetwalk::ui::gui {

struct FileStamp {
  std::string path;
  std::int64_t mtime_ns = 0;  // -1: missing
  std::uintmax_t size = 0;
  friend bool operator==(const FileStamp&, const FileStamp&) = default;
};

// The stamps of `roots`, folders walked recursively for .yaml/.yml/.json files as the manifest
// loader walks them; sorted by path.
std::vector<FileStamp> stamp_files(const std::vector<std::string>& roots);

class FileWatcher {
public:
  // Starts watching `roots` as they are now.
  void watch(std::vector<std::string> roots);
  // True once after any watched file changed, appeared or vanished since the last watch()/poll().
  bool poll();
  const std::vector<std::string>& roots() const { return roots_; }

private:
  std::vector<std::string> roots_;
  std::vector<FileStamp> stamps_;
};

}  // namespace packetwalk::ui::gui
