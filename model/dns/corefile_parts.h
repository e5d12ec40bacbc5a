#pragma once
// Private to model/dns: the Corefile's generic structure (Caddyfile syntax) and the readers of the
// plugins packetwalk models.

#include <string>
#include <vector>

#include "packetwalk/model/dns/corefile.h"

namespace packetwalk::model::dns::detail {

struct Token {
  std::string text;
  int line = 0;
  bool quoted = false;
};

// One line of a block: `name args...`, with its own `{ ... }` block when the line ends in `{`.
struct Directive {
  std::string name;
  std::vector<Token> args;
  std::vector<Directive> block;
  bool has_block = false;
  int line = 0;
};

// Reports into Diagnostics with Corefile line numbers mapped into the user's file.
class CorefileReporter {
public:
  CorefileReporter(const CorefileSource& source, load::Diagnostics& diags) : source_(source), diags_(diags) {}
  void error(int line, const std::string& message);
  void warning(int line, const std::string& message);
  const CorefileSource& source() const { return source_; }

private:
  load::SourcePos pos(int line) const;
  const CorefileSource& source_;
  load::Diagnostics& diags_;
};

// Server block zone keys ("cluster.local:53", "dns://.:53") into zones + port; false (reported)
// when a key is not something packetwalk can serve (another transport, a CIDR).
bool read_block_keys(const std::vector<Token>& keys, ServerBlock& block, CorefileReporter& report);

// Each reads one directive into `block`, reporting what it cannot model.
void read_kubernetes(const Directive& d, ServerBlock& block, CorefileReporter& report);
void read_forward(const Directive& d, ServerBlock& block, CorefileReporter& report);
void read_hosts(const Directive& d, ServerBlock& block, CorefileReporter& report);
void read_rewrite(const Directive& d, ServerBlock& block, CorefileReporter& report);
void read_cache(const Directive& d, ServerBlock& block, CorefileReporter& report);

// A zone argument as CoreDNS normalises it: absolute, lower-case ("Cluster.Local" -> "cluster.local.").
std::string zone_arg(const std::string& text);

}  // namespace packetwalk::model::dns::detail
