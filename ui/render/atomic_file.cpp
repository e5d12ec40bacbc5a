#include "atomic_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace packetwalk::ui::render {

bool write_file_atomically(const std::string& path, std::string_view bytes, std::string& error) {
  namespace fs = std::filesystem;
  // Same directory, so the rename stays within one filesystem; the pid keeps two packetwalk
  // processes writing the same target from sharing a temporary file.
  const fs::path tmp = path + ".tmp-" + std::to_string(::getpid());
  std::error_code ignored;
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) {
      error = "cannot write " + path + ": " + std::strerror(errno);
      return false;
    }
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    f.close();
    if (!f) {
      error = "cannot write " + path + " (disk full?)";
      fs::remove(tmp, ignored);
      return false;
    }
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    error = "cannot write " + path + ": " + ec.message();
    fs::remove(tmp, ignored);
    return false;
  }
  return true;
}

}  // namespace packetwalk::ui::render
