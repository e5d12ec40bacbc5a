#include "app.h"

#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>
#include <stb_image_write.h>  // implemented in libstb: no STB_IMAGE_WRITE_IMPLEMENTATION here

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "../render/atomic_file.h"

namespace packetwalk::ui::gui {

namespace {

// ImGui settles window sizes and the popup state over the first frames; captures from frame 2 on
// are byte-identical run to run (docs/dependencies.md §4), so capture a little later than that.
constexpr int kCaptureFrame = 4;
constexpr int kBenchWarmup = 10;

std::string g_glfw_error;

void on_glfw_error(int code, const char* text) { g_glfw_error = "GLFW error " + std::to_string(code) + ": " + text; }

void setup_style() {
  ImGui::StyleColorsLight();
  ImGuiStyle& s = ImGui::GetStyle();
  s.WindowRounding = 0;
  s.FrameRounding = 3;
  s.WindowBorderSize = 1;
  s.ItemSpacing = ImVec2(6, 4);
}

bool write_png(const std::string& path, int w, int h, std::string& error) {
  std::vector<unsigned char> pixels(static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * 3);
  glFinish();
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  glReadPixels(0, 0, w, h, GL_RGB, GL_UNSIGNED_BYTE, pixels.data());
  stbi_flip_vertically_on_write(1);  // GL's origin is bottom-left
  // Encoded in memory, then written through a temporary file: an interrupted capture never
  // leaves half a PNG under the name a workshop script or CI job looks for.
  std::string png;
  auto append = [](void* out, void* data, int size) { static_cast<std::string*>(out)->append(static_cast<const char*>(data), static_cast<std::size_t>(size)); };
  if (!stbi_write_png_to_func(append, &png, w, h, 3, pixels.data(), w * 3)) {
    error = "cannot encode " + path;
    return false;
  }
  return render::write_file_atomically(path, png, error);
}

}  // namespace

int run_app(Workspace& workspace, const AppConfig& config, std::ostream& out, std::ostream& err) {
  glfwSetErrorCallback(on_glfw_error);
  if (!glfwInit()) {
    err << "packetwalk-gui: cannot open a window (" << g_glfw_error
        << "). Run it on a desktop, or headless under a virtual display: xvfb-run -a packetwalk-gui ...\n";
    return 3;
  }
  const bool timed = config.exit_after_seconds > 0;
  const bool headless = !timed && (config.screenshot || config.bench_frames > 0 || config.exit_after_exports);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_VISIBLE, headless ? GLFW_FALSE : GLFW_TRUE);
  GLFWwindow* win = glfwCreateWindow(config.width, config.height, config.title.c_str(), nullptr, nullptr);
  if (!win) {
    err << "packetwalk-gui: cannot create an OpenGL 3.3 window (" << g_glfw_error << ")\n";
    glfwTerminate();
    return 3;
  }
  glfwMakeContextCurrent(win);
  glfwSwapInterval(headless ? 0 : 1);
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;  // every pane is placed by pane_layout.h; nothing to remember
  setup_style();
  ImGui_ImplGlfw_InitForOpenGL(win, true);
  ImGui_ImplOpenGL3_Init("#version 330 core");

  if (config.bench_frames > 0) {
    workspace.set_loop(true);
    workspace.state().playing = true;
  }
  using Clock = std::chrono::steady_clock;
  double ui_total = 0, frame_total = 0;
  int measured = 0, frame = 0, code = 0;
  // An export of the window waits for the frame after the click, so the export form is closed.
  std::optional<std::string> png_export;
  int png_export_frame = 0;
  double last = glfwGetTime();
  double first_frame_at = -1;  // wall time of the first frame (--exit-after-seconds counts from it)
  while (!glfwWindowShouldClose(win)) {
    glfwPollEvents();
    const auto t0 = Clock::now();
    // Headless runs advance by a fixed 1/60 s per frame so results do not depend on machine speed.
    const double now = glfwGetTime();
    const double dt = headless ? 1.0 / 60.0 : now - last;
    last = now;
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGui::NewFrame();
    int ww = 0, wh = 0, fbw = 0, fbh = 0;
    glfwGetWindowSize(win, &ww, &wh);
    glfwGetFramebufferSize(win, &fbw, &fbh);
    workspace.frame(static_cast<float>(ww), static_cast<float>(wh), dt);
    ImGui::Render();
    const auto t1 = Clock::now();
    glViewport(0, 0, fbw, fbh);
    glClearColor(0.95f, 0.95f, 0.95f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    if (config.bench_frames > 0) {
      glFinish();  // count the GPU (llvmpipe) work in the frame it belongs to
      const auto t2 = Clock::now();
      if (frame >= kBenchWarmup) {
        ui_total += std::chrono::duration<double, std::milli>(t1 - t0).count();
        frame_total += std::chrono::duration<double, std::milli>(t2 - t0).count();
        ++measured;
      }
      if (measured >= config.bench_frames) break;
    }
    if (png_export && frame >= png_export_frame) {
      std::string error;
      UiState& ui = workspace.state();
      if (write_png(*png_export, fbw, fbh, error)) {
        ui.status = "exported " + *png_export;
        ui.export_error.clear();
      } else {
        ui.status = "export failed: " + error;
        ui.export_error = error;
        if (config.exit_after_exports) {
          err << "packetwalk-gui: " << error << "\n";
          code = 3;
        }
      }
      png_export.reset();
    }
    if (!png_export) {
      png_export = workspace.take_png_request();
      png_export_frame = std::max(frame + 2, kCaptureFrame);
    }
    const bool time_up = timed && first_frame_at >= 0 && glfwGetTime() - first_frame_at >= config.exit_after_seconds;
    if (timed && time_up && !config.screenshot) break;
    if (config.screenshot && (timed ? time_up : frame == kCaptureFrame)) {
      std::string error;
      if (!write_png(*config.screenshot, fbw, fbh, error)) {
        err << "packetwalk-gui: " << error << "\n";
        code = 3;
      }
      break;
    }
    if (!timed && config.exit_after_exports && !png_export && frame >= kCaptureFrame) break;
    glfwSwapBuffers(win);
    if (timed && first_frame_at < 0) {
      first_frame_at = glfwGetTime();
      out << "packetwalk-gui: window open, closing in " << config.exit_after_seconds << " s" << std::endl;
    }
    ++frame;
  }
  if (config.bench_frames > 0 && measured > 0) {
    char line[200];
    std::snprintf(line, sizeof line, "bench: %d frames at %dx%d: mean frame %.3f ms (ImGui build %.3f ms, GL render %.3f ms)\n",
                  measured, config.width, config.height, frame_total / measured, ui_total / measured,
                  (frame_total - ui_total) / measured);
    out << line;
  }
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(win);
  glfwTerminate();
  return code;
}

}  // namespace packetwalk::ui::gui
