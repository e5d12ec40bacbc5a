// Writing a Graph as Graphviz DOT (`dot -Tsvg`) or as a Mermaid flowchart.
#include <map>

#include "topology_graph.h"

namespace packetwalk::ui::render {

namespace {

std::string dot_quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string dot_label(const std::vector<std::string>& lines) {
  std::string out = "\"";
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i) out += "\\n";
    for (char c : lines[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
  }
  return out + "\"";
}

const char* dot_shape(GraphShape s) {
  switch (s) {
    case GraphShape::Pod: return "ellipse";
    case GraphShape::Device: return "box";
    case GraphShape::Host: return "box3d";
    case GraphShape::Network: return "hexagon";
    case GraphShape::Service: return "diamond";
    case GraphShape::Address: return "plaintext";
  }
  return "box";
}

void dot_vertex(std::ostream& out, const GraphVertex& v, const std::string& indent) {
  out << indent << dot_quote(v.id) << " [label=" << dot_label(v.lines) << ", shape=" << dot_shape(v.shape);
  if (v.shape == GraphShape::Pod) out << ", style=filled, fillcolor=\"#e8f0fe\"";
  if (v.shape == GraphShape::Service) out << ", style=filled, fillcolor=\"#fef7e0\"";
  out << "];\n";
}

// Mermaid: ids must be plain words, label text goes in quotes where '"' has to be an entity.
std::string mermaid_text(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"') out += "#quot;";
    else if (c == '#') out += "#35;";
    else if (c == ';') out += "#59;";
    else if (c == '|') out += "#124;";
    else out += c;
  }
  return out;
}

std::string mermaid_label(const std::vector<std::string>& lines) {
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) out += (i ? "<br/>" : "") + mermaid_text(lines[i]);
  return "\"" + out + "\"";
}

std::string mermaid_shape(GraphShape s, const std::string& label) {
  switch (s) {
    case GraphShape::Pod: return "(" + label + ")";
    case GraphShape::Device: return "[" + label + "]";
    case GraphShape::Host: return "[[" + label + "]]";
    case GraphShape::Network: return "{{" + label + "}}";
    case GraphShape::Service: return "([" + label + "])";
    case GraphShape::Address: return ">" + label + "]";
  }
  return "[" + label + "]";
}

}  // namespace

void write_dot(std::ostream& out, const Graph& g) {
  out << "digraph packetwalk {\n"
         "  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=11];\n"
         "  node [fontname=\"Helvetica\", fontsize=10];\n"
         "  edge [fontname=\"Helvetica\", fontsize=9];\n";
  for (const auto& grp : g.groups) {
    out << "  subgraph " << dot_quote("cluster_" + grp.id) << " {\n"
        << "    label=" << dot_quote(grp.label) << ";\n    style=rounded;\n";
    for (const auto& v : grp.vertices) dot_vertex(out, v, "    ");
    out << "  }\n";
  }
  for (const auto& v : g.vertices) dot_vertex(out, v, "  ");
  for (const auto& e : g.edges) {
    out << "  " << dot_quote(e.from) << " -> " << dot_quote(e.to) << " [";
    if (e.line != GraphLine::Serves) out << "dir=none, ";
    if (e.line == GraphLine::Tunnel) out << "style=dashed, color=\"#1a73e8\", ";
    if (e.line == GraphLine::Serves) out << "style=dotted, color=\"#b06000\", ";
    out << "label=" << dot_quote(e.label) << "];\n";
  }
  out << "}\n";
}

void write_mermaid_flowchart(std::ostream& out, const Graph& g) {
  std::map<std::string, std::string> ids;
  auto id_of = [&](const std::string& v) {
    auto it = ids.find(v);
    if (it != ids.end()) return it->second;
    std::string id = "v" + std::to_string(ids.size() + 1);
    ids.emplace(v, id);
    return id;
  };
  out << "flowchart LR\n";
  for (std::size_t i = 0; i < g.groups.size(); ++i) {
    const auto& grp = g.groups[i];
    out << "    subgraph g" << i + 1 << " [" << mermaid_label({grp.label}) << "]\n";
    for (const auto& v : grp.vertices) out << "        " << id_of(v.id) << mermaid_shape(v.shape, mermaid_label(v.lines)) << "\n";
    out << "    end\n";
  }
  for (const auto& v : g.vertices) out << "    " << id_of(v.id) << mermaid_shape(v.shape, mermaid_label(v.lines)) << "\n";
  for (const auto& e : g.edges) {
    const char* link = e.line == GraphLine::Link ? " ---" : e.line == GraphLine::Tunnel ? " -.-" : " -.->";
    out << "    " << id_of(e.from) << link;
    if (!e.label.empty()) out << "|" << mermaid_label({e.label}) << "|";
    out << " " << id_of(e.to) << "\n";
  }
}

}  // namespace packetwalk::ui::render
