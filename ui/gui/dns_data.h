#pragma once
// The DNS view's data: the resolver's tries in order, one row each — the candidate name the
// search list and ndots produced, the query type, the nameserver it was sent to, where kube-proxy
// DNATed it and which CoreDNS pod answered, the answer code and records, and when — plus the
// lookup as `packetwalk dns` prints it (render::write_dns_text, the CLI's own printer). The rows
// come from the model's NameLookup (dns/lookup.h): the probe's own lookup when its `to` was a
// name, or one the user typed (Session::lookup, the code behind `packetwalk dns`).

#include <optional>
#include <string>
#include <vector>

#include "packetwalk/model/dns/lookup.h"

namespace packetwalk::ui::gui {

struct DnsTry {
  int number = 0;            // 1-based, as `packetwalk dns` numbers its queries
  std::string type;          // "A", "AAAA", "SRV"
  std::string name;          // the candidate: "api-server.default.svc.cluster.local."
  int attempt = 1;           // round over the nameservers
  std::string server;        // "10.96.0.10:53 UDP"
  std::string sent;          // "+0ns", offset from the start of the lookup
  std::string waited;        // how long the resolver waited
  std::string path;          // "DNAT on node-1 to 10.244.1.3:53, answered by kube-system/coredns-..."
  std::string outcome;       // "NOERROR", "NXDOMAIN", or why there was no reply ("refused", "timeout")
  bool answered = false;     // a decodable reply came back
  bool records_found = false;  // with answers: the lookup ends here
  std::vector<std::string> records;  // answer section, as dig prints each record
};

struct DnsViewData {
  std::string title;         // "default/pod-a looks up api-server (A)"
  std::vector<std::string> resolv_conf;  // the file's lines, then the resolver's plan
  std::vector<DnsTry> tries;
  std::string result;        // "success: ..." / "NXDOMAIN: ..."
  bool success = false;
  std::string text;          // the whole lookup as `packetwalk dns` prints it
};

DnsViewData dns_view_data(const model::dns::NameLookup& lookup);

// The view's content as text (what --dump-view writes): the title, one line per try, the
// result, then `text`.
std::string dns_view_dump(const DnsViewData& v);

}  // namespace packetwalk::ui::gui
