// glibc's stub resolver: __res_context_search (the walk over candidates) on top of
// __res_context_send (tries over nameservers, timeouts, TCP after truncation).
#include "packetwalk/model/dns/resolver.h"

#include <algorithm>
#include <map>

namespace packetwalk::model::dns {

namespace {

int count_dots(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  return static_cast<int>(std::count(name.begin(), name.end(), '.'));
}

std::string join(std::string_view name, std::string_view domain) {
  std::string n(name);
  if (!n.empty() && n.back() == '.') n.pop_back();
  if (domain.empty() || domain == ".") return n + ".";
  return n + "." + absolute(domain);
}

enum class Outcome { Answer, NxDomain, NoData, ServFail, Timeout, Refused };

LookupStatus status_of(Outcome o) {
  switch (o) {
    case Outcome::Answer: return LookupStatus::Success;
    case Outcome::NxDomain: return LookupStatus::NxDomain;
    case Outcome::NoData: return LookupStatus::NoData;
    case Outcome::ServFail: return LookupStatus::ServFail;
    case Outcome::Timeout: return LookupStatus::Timeout;
    case Outcome::Refused: return LookupStatus::Refused;
  }
  return LookupStatus::NxDomain;
}

// One res_send for one query type, and what the search loop learns from it.
struct SendResult {
  std::optional<Message> message;  // the reply the resolver keeps (last SERVFAIL when nothing better)
  bool timed_out = false;          // glibc's `gotsomewhere`: some server stayed silent
  sim::Time finished;
};

class Search {
public:
  Search(const ResolvConf& conf, const QueryTransport& transport, LookupResult& out, std::uint16_t first_id)
      : conf_(conf), transport_(transport), out_(out), next_id_(first_id), servers_(conf.servers()) {}

  // __res_context_querydomain for every type: one candidate.
  Outcome query(const std::string& candidate) {
    out_.candidates.push_back(candidate);
    const std::size_t index = out_.candidates.size() - 1;
    std::vector<SendResult> results = send(candidate, out_.types, index);
    sim::Time end = clock_;
    for (const auto& r : results) end = std::max(end, r.finished);
    clock_ = end;
    bool all_refused = true;
    std::optional<Rcode> rcode;
    for (const auto& r : results) {
      if (r.message && r.message->rcode == Rcode::NoError && !r.message->answers.empty()) return Outcome::Answer;
      if (r.message && (!rcode || r.message->rcode == Rcode::NoError)) rcode = r.message->rcode;
      if (r.message || r.timed_out) all_refused = false;
    }
    if (all_refused) return Outcome::Refused;
    if (!rcode) return Outcome::Timeout;  // nothing usable came back (silence, undecodable replies)
    if (*rcode == Rcode::NxDomain) return Outcome::NxDomain;
    if (*rcode == Rcode::NoError) return Outcome::NoData;
    return Outcome::ServFail;
  }

  sim::Time clock() const { return clock_; }

private:
  // __res_context_send with glibc's paired queries: each round over the nameservers sends every
  // type still unanswered together from one socket (send_dg's sendmmsg of A and AAAA) and waits for
  // them. The socket stays open across rounds after a timeout, so a retry leaves from the same
  // source port; an ICMP error makes send_dg close it (close_and_return_error), so the next round
  // opens a new socket and gets a new port. A socket lives for one candidate (one res_send).
  //
  // glibc resends the same query bytes at every try (one id per query type, from res_nmkquery),
  // so a reply that arrives after its try timed out is still taken by a later try listening on
  // the same socket: with a server slower than `timeout`, the first try times out and its answer
  // ends the second.
  std::vector<SendResult> send(const std::string& name, const std::vector<std::uint16_t>& types, std::size_t candidate) {
    std::vector<SendResult> res(types.size());
    std::vector<bool> done(types.size(), false);
    std::vector<std::optional<std::uint16_t>> ids(types.size());
    struct Late {  // a reply on its way after its try gave up on it
      sim::Time arrives;
      int socket = 0;
      std::size_t exchange = 0;
      ResolverReply reply;
    };
    std::vector<std::optional<Late>> late(types.size());
    std::map<std::size_t, int> sockets;  // per nameserver
    sim::Time t = clock_;
    const auto count = static_cast<std::int64_t>(servers_.size());
    for (int attempt = 1; attempt <= conf_.attempts; ++attempt) {
      for (std::size_t i = 0; i < servers_.size(); ++i) {
        if (!sockets.count(i)) sockets[i] = next_socket_++;
        // glibc send_dg: retrans << ns, divided by the server count past the first server.
        std::int64_t seconds = static_cast<std::int64_t>(conf_.timeout) << i;
        if (i > 0) seconds /= count;
        const sim::Time timeout = sim::Time::s(std::max<std::int64_t>(seconds, 1));
        sim::Time round = sim::Time{};
        bool socket_error = false;
        for (std::size_t k = 0; k < types.size(); ++k) {
          if (done[k]) continue;
          ResolverQuery q;
          if (!ids[k]) ids[k] = next_id_++;
          q.message = make_query(*ids[k], name, types[k]);
          q.server = servers_[i];
          q.attempt = attempt;
          q.socket = sockets[i];
          q.tcp = conf_.use_vc;
          ResolverReply r = exchange(q, candidate, t, timeout);
          const std::size_t this_exchange = out_.exchanges.size() - 1;
          if (r.status == ExchangeStatus::Answered && r.elapsed > timeout) {
            // Too late for this try: glibc stopped waiting at the timeout and moves on. The reply
            // is kept in case a later try still listens on this socket when it arrives.
            out_.exchanges.back().late = true;
            out_.exchanges.back().waited = timeout;
            if (!late[k] || t + r.elapsed < late[k]->arrives) late[k] = Late{t + r.elapsed, q.socket, this_exchange, r};
            r.status = ExchangeStatus::Timeout;
            r.message.reset();
          }
          if (r.status == ExchangeStatus::Timeout && late[k] && late[k]->socket == q.socket &&
              late[k]->arrives >= t && late[k]->arrives < t + timeout) {
            // An earlier try's reply (same id, same socket) arrives while this one waits.
            r = late[k]->reply;
            r.elapsed = late[k]->arrives - t;
            auto& e = out_.exchanges[this_exchange];
            e.waited = r.elapsed;
            e.answered_by_earlier = late[k]->exchange;
            late[k].reset();
          }
          sim::Time took = r.status == ExchangeStatus::Timeout ? timeout : r.elapsed;
          if (r.status == ExchangeStatus::Answered && r.message && r.message->tc && !q.tcp) {
            q.tcp = true;
            q.socket = next_socket_++;
            r = exchange(q, candidate, t + took, timeout);
            took += r.status == ExchangeStatus::Timeout ? timeout : r.elapsed;
          }
          round = std::max(round, took);
          if (r.status == ExchangeStatus::Timeout) res[k].timed_out = true;
          if (r.status == ExchangeStatus::Refused || r.status == ExchangeStatus::Unreachable) socket_error = true;
          if (r.status != ExchangeStatus::Answered || !r.message) continue;
          res[k].message = r.message;  // SERVFAIL, NOTIMP, REFUSED: kept if nothing better comes
          Rcode rc = r.message->rcode;
          if (rc == Rcode::ServFail || rc == Rcode::NotImp || rc == Rcode::Refused) continue;
          done[k] = true;
          res[k].finished = t + took;
        }
        t += round;
        if (socket_error) {
          // send_dg closes the socket: whatever was still on its way to it is lost.
          for (auto& l : late)
            if (l && l->socket == sockets[i]) l.reset();
          sockets.erase(i);
        }
        if (std::all_of(done.begin(), done.end(), [](bool d) { return d; })) return res;
      }
    }
    for (std::size_t k = 0; k < types.size(); ++k)
      if (!done[k]) res[k].finished = t;
    return res;
  }

  ResolverReply exchange(const ResolverQuery& q, std::size_t candidate, sim::Time sent, sim::Time timeout) {
    ResolverReply r = transport_(q);
    ResolverExchange e{q, r, sent, r.status == ExchangeStatus::Timeout ? timeout : r.elapsed, candidate};
    out_.exchanges.push_back(std::move(e));
    return r;
  }

  const ResolvConf& conf_;
  const QueryTransport& transport_;
  LookupResult& out_;
  std::uint16_t next_id_;
  std::vector<net::Ipv4Address> servers_;
  int next_socket_ = 0;
  sim::Time clock_;
};

// The records of the answering candidate that belong to it: follow CNAMEs from the candidate,
// keep the records owned by the end of the chain (glibc skips records owned by other names).
void collect(LookupResult& out) {
  const ResolverExchange* answering = nullptr;
  std::string current = out.answered_name;
  for (auto type : out.types) {
    for (const auto& e : out.exchanges) {
      // The reply the resolver took: a late one only through the later try it ended.
      const std::optional<Message>& reply =
          e.answered_by_earlier ? out.exchanges[*e.answered_by_earlier].reply.message : e.reply.message;
      if (e.late && !e.answered_by_earlier) continue;
      if (!reply || e.query.message.questions.front().type != type) continue;
      if (!names_equal(e.query.message.questions.front().name, out.answered_name)) continue;
      const auto& m = *reply;
      if (m.rcode != Rcode::NoError || m.answers.empty()) continue;
      answering = &e;
      std::string name = out.answered_name;
      for (int hops = 0; hops < 16; ++hops) {
        auto cname = std::find_if(m.answers.begin(), m.answers.end(), [&](const ResourceRecord& r) {
          return r.type == rr::CNAME && type != rr::CNAME && names_equal(r.name, name);
        });
        if (cname == m.answers.end()) break;
        name = cname->target;
      }
      current = name;
      for (const auto& r : m.answers) {
        if (!names_equal(r.name, name) && !(type == rr::CNAME && names_equal(r.name, out.answered_name))) continue;
        if (r.type == rr::A && type == rr::A) out.addresses.push_back(r.address);
        else if (r.type == type && type != rr::A && type != rr::AAAA) out.records.push_back(r);
      }
    }
  }
  out.canonical_name = current;
  if (answering && out.addresses.empty() && out.records.empty()) {
    out.status = LookupStatus::NoData;
    out.reason = "the answer's records are owned by other names than " + out.answered_name +
                 " (glibc skips them; a CoreDNS `rewrite` without `answer auto`?)";
  }
}

}  // namespace

std::string_view exchange_status_name(ExchangeStatus s) {
  switch (s) {
    case ExchangeStatus::Answered: return "answered";
    case ExchangeStatus::Refused: return "refused";
    case ExchangeStatus::Unreachable: return "unreachable";
    case ExchangeStatus::Timeout: return "timeout";
  }
  return "?";
}

std::string_view lookup_status_name(LookupStatus s) {
  switch (s) {
    case LookupStatus::Success: return "success";
    case LookupStatus::NxDomain: return "NXDOMAIN";
    case LookupStatus::NoData: return "NODATA";
    case LookupStatus::ServFail: return "SERVFAIL";
    case LookupStatus::Timeout: return "timeout";
    case LookupStatus::Refused: return "refused";
  }
  return "?";
}

std::vector<std::string> search_candidates(std::string_view name, const ResolvConf& conf, std::string* plan) {
  std::vector<std::string> out;
  const int dots = count_dots(name);
  const bool trailing = !name.empty() && name.back() == '.';
  const std::string dots_text = std::to_string(dots) + " dot" + (dots == 1 ? "" : "s");
  if (trailing) {
    if (plan) *plan = "a trailing dot makes the name absolute: only the name itself";
    return {absolute(name)};
  }
  bool as_is_first = dots >= conf.ndots;
  if (plan) {
    *plan = as_is_first ? dots_text + " >= ndots:" + std::to_string(conf.ndots) + ": the name as is first, then the search list"
                        : dots_text + " < ndots:" + std::to_string(conf.ndots) + ": the search list first, then the name as is";
  }
  bool root_on_list = false;
  if (as_is_first) out.push_back(absolute(name));
  for (const auto& d : conf.search) {
    if (d == "." || d.empty()) root_on_list = true;
    out.push_back(join(name, d));
  }
  if (!as_is_first && !root_on_list && (dots > 0 || conf.search.empty() || !conf.no_tld_query)) out.push_back(absolute(name));
  return out;
}

LookupResult resolve(std::string_view name, const std::vector<std::uint16_t>& types, const ResolvConf& conf,
                     const QueryTransport& transport, std::uint16_t first_id) {
  LookupResult out;
  out.name = std::string(name);
  out.types = types;
  search_candidates(name, conf, &out.plan);
  Search search(conf, transport, out, first_id);
  const int dots = count_dots(name);
  const bool trailing = !name.empty() && name.back() == '.';

  auto succeed = [&](const std::string& candidate) {
    out.status = LookupStatus::Success;
    out.answered_name = candidate;
    out.reason = "answered for " + candidate;
    collect(out);
    out.elapsed = search.clock();
    return out;
  };
  auto fail = [&](LookupStatus s, std::string why) {
    out.status = s;
    out.reason = std::move(why);
    out.elapsed = search.clock();
    return out;
  };

  std::optional<Outcome> saved;  // glibc's saved_herrno: the result of trying the name as is first
  bool tried_as_is = false, got_nodata = false, got_servfail = false, root_on_list = false, searched = false;
  Outcome last = Outcome::NxDomain;
  if (trailing || dots >= conf.ndots) {
    last = search.query(absolute(name));
    if (last == Outcome::Answer) return succeed(absolute(name));
    if (trailing) return fail(status_of(last), "the absolute name failed");
    saved = last;
    tried_as_is = true;
  }
  for (const auto& d : conf.search) {
    searched = true;
    if (d == "." || d.empty()) root_on_list = true;
    std::string candidate = join(name, d);
    last = search.query(candidate);
    if (last == Outcome::Answer) return succeed(candidate);
    if (last == Outcome::Refused) return fail(LookupStatus::Refused, "every nameserver refused (ICMP port unreachable): glibc gives up at once");
    if (last == Outcome::NoData) got_nodata = true;
    if (last == Outcome::ServFail) got_servfail = true;
    if (last == Outcome::Timeout) break;  // "done": stop walking the search list
  }
  if (!tried_as_is && !root_on_list && (dots > 0 || !searched || !conf.no_tld_query)) {
    last = search.query(absolute(name));
    if (last == Outcome::Answer) return succeed(absolute(name));
  }
  LookupStatus s = saved ? status_of(*saved)
                         : got_nodata ? LookupStatus::NoData
                         : got_servfail && last != Outcome::Timeout ? LookupStatus::ServFail
                                                                    : status_of(last);
  std::string why;
  switch (s) {
    case LookupStatus::NxDomain: why = "every candidate answered NXDOMAIN"; break;
    case LookupStatus::NoData: why = "the name exists but has no records of the type asked (NODATA)"; break;
    case LookupStatus::ServFail: why = "the servers answered SERVFAIL"; break;
    case LookupStatus::Timeout: why = "no answer before the timeouts (" + std::to_string(conf.attempts) + " attempts x " +
                                      std::to_string(conf.timeout) + " s per server)"; break;
    case LookupStatus::Refused: why = "every nameserver refused (ICMP port unreachable)"; break;
    case LookupStatus::Success: break;
  }
  return fail(s, why);
}

}  // namespace packetwalk::model::dns
