// Corefile syntax (Caddyfile: server blocks of directives, `#` comments, quoted tokens) and the
// dispatch of directives to the plugin readers.
#include "packetwalk/model/dns/corefile.h"

#include <algorithm>
#include <array>

#include "corefile_parts.h"
#include "packetwalk/model/dns/message.h"

namespace packetwalk::model::dns {

namespace detail {

load::SourcePos CorefileReporter::pos(int line) const {
  if (source_.first_line <= 0 || line <= 0) return {source_.file, 0, 0};
  return {source_.file, source_.first_line + line - 1, 0};
}

void CorefileReporter::error(int line, const std::string& message) {
  diags_.error(pos(line), source_.object, "Corefile line " + std::to_string(line) + ": " + message);
}

void CorefileReporter::warning(int line, const std::string& message) {
  diags_.warning(pos(line), source_.object, "Corefile line " + std::to_string(line) + ": " + message);
}

std::string zone_arg(const std::string& text) { return canonical(text); }

}  // namespace detail

namespace {

using detail::CorefileReporter;
using detail::Directive;
using detail::Token;

std::vector<Token> tokenize(std::string_view text, CorefileReporter& report) {
  std::vector<Token> out;
  int line = 1;
  std::size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == '\n') {
      ++line;
      ++i;
    } else if (c == ' ' || c == '\t' || c == '\r') {
      ++i;
    } else if (c == '#') {
      while (i < text.size() && text[i] != '\n') ++i;
    } else if (c == '"') {
      Token t{"", line, true};
      ++i;
      while (i < text.size() && text[i] != '"') {
        if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == '"') ++i;
        if (text[i] == '\n') ++line;
        t.text += text[i++];
      }
      if (i >= text.size()) report.error(t.line, "unterminated quoted string");
      ++i;
      out.push_back(std::move(t));
    } else {
      Token t{"", line, false};
      while (i < text.size() && text[i] != ' ' && text[i] != '\t' && text[i] != '\r' && text[i] != '\n') t.text += text[i++];
      out.push_back(std::move(t));
    }
  }
  return out;
}

bool is_open(const Token& t) { return !t.quoted && t.text == "{"; }
bool is_close(const Token& t) { return !t.quoted && t.text == "}"; }

// Reads directives from tokens[i] up to the `}` closing the enclosing block (consumed). Returns
// false on a missing `}`.
bool read_directives(const std::vector<Token>& tokens, std::size_t& i, std::vector<Directive>& out, int open_line,
                     CorefileReporter& report) {
  while (i < tokens.size()) {
    if (is_close(tokens[i])) {
      ++i;
      return true;
    }
    if (is_open(tokens[i])) {
      report.error(tokens[i].line, "unexpected '{' without a directive before it");
      return false;
    }
    Directive d;
    d.name = tokens[i].text;
    d.line = tokens[i].line;
    ++i;
    while (i < tokens.size() && tokens[i].line == d.line && !is_open(tokens[i]) && !is_close(tokens[i]))
      d.args.push_back(tokens[i++]);
    if (i < tokens.size() && is_open(tokens[i]) && tokens[i].line == d.line) {
      d.has_block = true;
      int brace_line = tokens[i].line;
      ++i;
      if (!read_directives(tokens, i, d.block, brace_line, report)) return false;
    }
    out.push_back(std::move(d));
  }
  report.error(open_line, "'{' is never closed");
  return false;
}

// Plugins that do not change what a query is answered with (they log, export metrics, reload,
// shuffle order, tune transport): accepted silently.
constexpr std::array<std::string_view, 22> kNeutral = {
    "errors", "health",   "ready",   "prometheus", "loop",  "reload",   "loadbalance", "log",
    "debug",  "bind",     "bufsize", "cancel",     "nsid",  "pprof",    "trace",       "metadata",
    "dnstap", "timeouts", "tls",     "transfer",   "whoami", "multisocket"};
// Known CoreDNS plugins whose effect packetwalk does not model.
constexpr std::array<std::string_view, 25> kUnmodelled = {
    "autopath", "template", "file",   "auto",     "secondary", "etcd",     "k8s_external", "dns64", "acl",
    "header",   "dnssec",   "sign",   "route53",  "azure",     "clouddns", "grpc",         "erratic", "view",
    "on",       "any",      "chaos",  "minimal",  "local",     "geoip",    "import"};

void interpret_block(const std::vector<Token>& keys, const std::vector<Directive>& directives, int line,
                     Corefile& out, CorefileReporter& report) {
  ServerBlock block;
  block.line = line;
  if (!detail::read_block_keys(keys, block, report)) return;
  for (const auto& d : directives) {
    block.plugins.push_back(d.name);
    if (d.name == "kubernetes") detail::read_kubernetes(d, block, report);
    else if (d.name == "forward") detail::read_forward(d, block, report);
    else if (d.name == "hosts") detail::read_hosts(d, block, report);
    else if (d.name == "rewrite") detail::read_rewrite(d, block, report);
    else if (d.name == "cache") detail::read_cache(d, block, report);
    else if (std::find(kNeutral.begin(), kNeutral.end(), d.name) != kNeutral.end()) continue;
    else if (std::find(kUnmodelled.begin(), kUnmodelled.end(), d.name) != kUnmodelled.end())
      report.warning(d.line, "plugin \"" + d.name + "\" is not modelled by packetwalk; it is ignored");
    else report.warning(d.line, "unknown plugin \"" + d.name + "\" (CoreDNS would refuse to start); it is ignored");
  }
  out.blocks.push_back(std::move(block));
}

}  // namespace

std::string_view pods_mode_name(PodsMode m) {
  switch (m) {
    case PodsMode::Disabled: return "disabled";
    case PodsMode::Insecure: return "insecure";
    case PodsMode::Verified: return "verified";
  }
  return "?";
}

bool falls_through(const Fallthrough& f, std::string_view qname) {
  if (!f) return false;
  if (f->empty()) return true;
  return std::any_of(f->begin(), f->end(), [&](const std::string& z) { return in_zone(qname, z); });
}

const ServerBlock* Corefile::block_for(std::string_view qname, int port) const {
  const ServerBlock* best = nullptr;
  std::size_t best_length = 0;
  for (const auto& b : blocks) {
    if (b.port != port) continue;
    for (const auto& z : b.zones) {
      if (!in_zone(qname, z)) continue;
      std::size_t length = z == "." ? 0 : z.size();
      if (!best || length > best_length) {
        best = &b;
        best_length = length;
      }
    }
  }
  return best;
}

Corefile parse_corefile(std::string_view text, const CorefileSource& source, load::Diagnostics& diags) {
  Corefile out;
  out.origin = source.object.empty() ? "kubeadm's default Corefile" : source.object;
  CorefileReporter report(source, diags);
  auto tokens = tokenize(text, report);
  std::size_t i = 0;
  while (i < tokens.size()) {
    std::vector<Token> keys;
    int line = tokens[i].line;
    while (i < tokens.size() && !is_open(tokens[i]) && !is_close(tokens[i])) keys.push_back(tokens[i++]);
    if (i >= tokens.size() || is_close(tokens[i])) {
      report.error(i < tokens.size() ? tokens[i].line : line,
                   keys.empty() ? "unexpected '}'" : "server block \"" + keys.front().text + "\" has no '{ ... }' body");
      return out;
    }
    if (keys.empty()) {
      report.error(tokens[i].line, "a server block needs zones before '{' (e.g. \".:53 {\")");
      return out;
    }
    int brace_line = tokens[i].line;
    ++i;
    std::vector<Directive> directives;
    if (!read_directives(tokens, i, directives, brace_line, report)) return out;
    interpret_block(keys, directives, line, out, report);
  }
  if (out.blocks.empty() && !tokens.empty()) report.error(1, "no server block");
  return out;
}

std::string kubeadm_corefile(std::string_view cluster_domain) {
  std::string d(cluster_domain);
  return ".:53 {\n"
         "    errors\n"
         "    health {\n"
         "       lameduck 5s\n"
         "    }\n"
         "    ready\n"
         "    kubernetes " + d + " in-addr.arpa ip6.arpa {\n"
         "       pods insecure\n"
         "       fallthrough in-addr.arpa ip6.arpa\n"
         "       ttl 30\n"
         "    }\n"
         "    prometheus :9153\n"
         "    forward . /etc/resolv.conf {\n"
         "       max_concurrent 1000\n"
         "    }\n"
         "    cache 30 {\n"
         "       disable success " + d + "\n"
         "       disable denial " + d + "\n"
         "    }\n"
         "    loop\n"
         "    reload\n"
         "    loadbalance\n"
         "}\n";
}

}  // namespace packetwalk::model::dns
