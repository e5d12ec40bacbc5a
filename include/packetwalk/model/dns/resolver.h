#pragma once
// A pod's stub resolver with glibc's semantics (resolv/res_query.c __res_context_search, res_send.c):
// how a name becomes candidates through the search list and ndots, which outcomes move on to the
// next candidate, and how each query is sent, retried and timed out. The transport — a real UDP
// exchange through the simulated datapath — is supplied by the caller, so this logic is testable
// on its own.
//
// Search (name with D dots, resolv.conf ndots N):
//   trailing dot          only the name itself
//   D >= N                the name as is first, then each search domain
//   D <  N                each search domain, then the name as is
// NXDOMAIN, NODATA and SERVFAIL move on to the next candidate; a timeout stops the walk through the
// search list (the name as is is still tried if it was not yet); ECONNREFUSED (ICMP port
// unreachable from every server) ends the lookup at once. The first reply with answers ends it.
// Sending (per query type): `attempts` rounds over the nameservers; a try waits `timeout` s on the
// first server (glibc: timeout << index / count on the others); SERVFAIL, REFUSED, port
// unreachable and timeouts move on to the next server; a truncated UDP reply is asked again over TCP.
// getaddrinfo(AF_UNSPEC) sends A and AAAA for each candidate together from one socket (send_dg's
// sendmmsg): each round sends the types still unanswered, A then AAAA, at the same time, and lasts
// as long as the slower of them; the candidate counts as answered when either has records. A retry
// after a timeout leaves from the same socket; after an ICMP error glibc has closed it, so the retry
// gets a new one (a new source port). Every try resends the same query (the same id), so a reply
// slower than the timeout is taken by the next try still listening on its socket (a CoreDNS that
// answers in 6 s, with timeout:5, resolves at 6 s after one retry).

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "packetwalk/model/dns/message.h"
#include "packetwalk/model/dns/resolv_conf.h"
#include "packetwalk/sim/time.h"

namespace packetwalk::model::dns {

struct ResolverQuery {
  Message message;            // what is sent (one question)
  net::Ipv4Address server;
  int attempt = 1;            // 1-based round over the nameservers
  int socket = 0;             // equal numbers share a socket (source port): A+AAAA of one name, its retries
  bool tcp = false;           // the retry over TCP after a truncated UDP reply
};

enum class ExchangeStatus {
  Answered,     // a DNS reply came back
  Refused,      // ICMP port unreachable (nothing listens, or a REJECT rule such as kube-proxy's)
  Unreachable,  // ICMP host/net unreachable, or no route
  Timeout,      // nothing came back
};
std::string_view exchange_status_name(ExchangeStatus s);  // "answered", "refused", ...

struct ResolverReply {
  ExchangeStatus status = ExchangeStatus::Timeout;
  std::optional<Message> message;  // when Answered and the bytes decoded
  sim::Time elapsed;               // until the reply or ICMP error arrived (Timeout: ignored)
  std::string decode_error;        // Answered with undecodable bytes
};

using QueryTransport = std::function<ResolverReply(const ResolverQuery&)>;

struct ResolverExchange {
  ResolverQuery query;
  ResolverReply reply;
  sim::Time sent;    // offset from the start of the lookup
  sim::Time waited;  // how long the resolver waited for it (a timeout: the full timeout)
  std::size_t candidate = 0;  // index into LookupResult::candidates
  // The reply came after the try's timeout (reply.elapsed > waited): the resolver had moved on.
  bool late = false;
  // This try ended when the late reply of that earlier exchange arrived (same id, same socket).
  std::optional<std::size_t> answered_by_earlier;
};

enum class LookupStatus {
  Success,   // records for the name
  NxDomain,  // HOST_NOT_FOUND: getaddrinfo EAI_NONAME "Name or service not known"
  NoData,    // NO_DATA: the name exists without records of the type (EAI_NODATA)
  ServFail,  // TRY_AGAIN after SERVFAIL answers (EAI_AGAIN)
  Timeout,   // TRY_AGAIN after timeouts (EAI_AGAIN "Temporary failure in name resolution")
  Refused,   // ECONNREFUSED from every nameserver (EAI_AGAIN)
};
std::string_view lookup_status_name(LookupStatus s);  // "success", "NXDOMAIN", "NODATA", ...

struct LookupResult {
  std::string name;                     // as asked
  std::vector<std::uint16_t> types;
  std::vector<std::string> candidates;  // the absolute names tried, in order
  std::string plan;                     // why in this order ("4 dots < ndots:5: search list first")
  LookupStatus status = LookupStatus::NxDomain;
  std::string reason;                   // one line: what decided the status
  std::string answered_name;            // the candidate that answered
  std::string canonical_name;           // after following CNAMEs
  std::vector<net::Ipv4Address> addresses;  // A records of the canonical name
  std::vector<ResourceRecord> records;  // other types: the answer records belonging to the name
  std::vector<ResolverExchange> exchanges;
  sim::Time elapsed;                    // wall time the application waited
};

// The candidate order if every candidate failed with NXDOMAIN (for explanations and tests).
std::vector<std::string> search_candidates(std::string_view name, const ResolvConf& conf, std::string* plan = nullptr);

// Resolves `name` for `types` (one, or {A, AAAA} for getaddrinfo AF_UNSPEC). Query ids start at
// `first_id` and increase by one per query (its retries resend it with the same id).
LookupResult resolve(std::string_view name, const std::vector<std::uint16_t>& types, const ResolvConf& conf,
                     const QueryTransport& transport, std::uint16_t first_id = 0x1000);

}  // namespace packetwalk::model::dns
