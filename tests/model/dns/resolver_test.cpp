// glibc's search-list walk and sending rules, with a scripted transport (k8s-semantics §4.3, §8.7).
#include <gtest/gtest.h>

#include <map>

#include "packetwalk/model/dns/resolver.h"

namespace packetwalk::model::dns {
namespace {

ResolvConf cluster_first() {
  ResolvConf c;
  c.nameservers = {"10.96.0.10"};
  c.search = {"default.svc.cluster.local", "svc.cluster.local", "cluster.local"};
  c.options = {"ndots:5"};
  apply_options(c);
  return c;
}

// A server that knows some names (A records) and treats the others as NXDOMAIN; names listed as
// `silent` time out, `refuse` gives ICMP port unreachable for everything.
struct FakeServer {
  std::map<std::string, std::string> a;  // canonical name -> address
  std::vector<std::string> silent;
  bool refuse = false;
  bool truncate_udp = false;
  std::vector<ResolverQuery> seen;

  QueryTransport transport() {
    return [this](const ResolverQuery& q) {
      seen.push_back(q);
      ResolverReply r;
      r.elapsed = sim::Time::us(100);
      if (refuse) {
        r.status = ExchangeStatus::Refused;
        return r;
      }
      const auto& question = q.message.questions.front();
      std::string name = canonical(question.name);
      if (std::find(silent.begin(), silent.end(), name) != silent.end()) {
        r.status = ExchangeStatus::Timeout;
        return r;
      }
      r.status = ExchangeStatus::Answered;
      auto it = a.find(name);
      Message m = make_reply(q.message, it == a.end() ? Rcode::NxDomain : Rcode::NoError);
      if (it != a.end() && question.type == rr::A)
        m.answers.push_back(ResourceRecord::make_a(question.name, 30, *net::Ipv4Address::parse(it->second)));
      if (truncate_udp && !q.tcp) {
        m.tc = true;
        m.answers.clear();
      }
      r.message = m;
      return r;
    };
  }
};

std::vector<std::string> queried(const FakeServer& s) {
  std::vector<std::string> out;
  for (const auto& q : s.seen) out.push_back(type_name(q.message.questions[0].type) + " " + q.message.questions[0].name);
  return out;
}

TEST(SearchCandidates, NdotsDecidesWhetherTheSearchListComesFirst) {
  auto c = cluster_first();
  std::string plan;
  EXPECT_EQ(search_candidates("api-server", c, &plan),
            (std::vector<std::string>{"api-server.default.svc.cluster.local.", "api-server.svc.cluster.local.",
                                      "api-server.cluster.local.", "api-server."}));
  EXPECT_EQ(plan, "0 dots < ndots:5: the search list first, then the name as is");
  EXPECT_EQ(search_candidates("api-server.default.svc.cluster.local", c),
            (std::vector<std::string>{"api-server.default.svc.cluster.local.default.svc.cluster.local.",
                                      "api-server.default.svc.cluster.local.svc.cluster.local.",
                                      "api-server.default.svc.cluster.local.cluster.local.",
                                      "api-server.default.svc.cluster.local."}));
  EXPECT_EQ(search_candidates("www.a.b.c.example.com", c).front(), "www.a.b.c.example.com.");  // 5 dots: as is first
  EXPECT_EQ(search_candidates("api-server.default.svc.cluster.local.", c, &plan),
            std::vector<std::string>{"api-server.default.svc.cluster.local."});
  EXPECT_EQ(plan, "a trailing dot makes the name absolute: only the name itself");
}

TEST(Resolve, TheSeedArticlesNameHitsOnTheFourthCandidateAfterThreeNxdomains) {
  FakeServer s;
  s.a["api-server.default.svc.cluster.local."] = "10.96.0.20";
  auto r = resolve("api-server.default.svc.cluster.local", {rr::A, rr::AAAA}, cluster_first(), s.transport());
  EXPECT_EQ(r.status, LookupStatus::Success);
  EXPECT_EQ(r.answered_name, "api-server.default.svc.cluster.local.");
  EXPECT_EQ(r.addresses, std::vector<net::Ipv4Address>{*net::Ipv4Address::parse("10.96.0.20")});
  ASSERT_EQ(r.exchanges.size(), 8u);  // A and AAAA for each of the 4 names
  EXPECT_EQ(queried(s)[0], "A api-server.default.svc.cluster.local.default.svc.cluster.local.");
  EXPECT_EQ(queried(s)[1], "AAAA api-server.default.svc.cluster.local.default.svc.cluster.local.");
  EXPECT_EQ(queried(s)[6], "A api-server.default.svc.cluster.local.");
  // A and AAAA of a name share one socket; the next name gets another.
  EXPECT_EQ(s.seen[0].socket, s.seen[1].socket);
  EXPECT_NE(s.seen[1].socket, s.seen[2].socket);
  // Query ids increase one by one.
  EXPECT_EQ(s.seen[7].message.id, s.seen[0].message.id + 7);
  EXPECT_EQ(r.elapsed, sim::Time::us(400));  // 4 names, A and AAAA in parallel: 100us each
}

TEST(Resolve, EveryCandidateNxdomainIsNxdomain) {
  FakeServer s;
  auto r = resolve("nosuch", {rr::A}, cluster_first(), s.transport());
  EXPECT_EQ(r.status, LookupStatus::NxDomain);
  EXPECT_EQ(r.candidates.size(), 4u);
}

TEST(Resolve, ATimeoutStopsTheSearchListButTheNameAsIsIsStillTried) {
  FakeServer s;
  s.silent = {"api.default.svc.cluster.local."};
  s.a["api."] = "192.0.2.1";
  auto r = resolve("api", {rr::A}, cluster_first(), s.transport());
  EXPECT_EQ(r.status, LookupStatus::Success);
  EXPECT_EQ(queried(s), (std::vector<std::string>{"A api.default.svc.cluster.local.", "A api.default.svc.cluster.local.",
                                                   "A api."}));
  EXPECT_EQ(s.seen[1].attempt, 2);
  EXPECT_EQ(s.seen[1].socket, s.seen[0].socket);  // the retry leaves from the same socket
  EXPECT_EQ(r.elapsed, sim::Time::s(10) + sim::Time::us(100));  // 2 attempts x 5 s, then the answer

  FakeServer all_silent;
  all_silent.silent = {"api.default.svc.cluster.local.", "api."};
  auto t = resolve("api", {rr::A}, cluster_first(), all_silent.transport());
  EXPECT_EQ(t.status, LookupStatus::Timeout);
  EXPECT_EQ(t.elapsed, sim::Time::s(20));
}

TEST(Resolve, PortUnreachableFromEveryServerEndsTheLookupAtOnce) {
  FakeServer s;
  s.refuse = true;
  auto r = resolve("api-server", {rr::A, rr::AAAA}, cluster_first(), s.transport());
  EXPECT_EQ(r.status, LookupStatus::Refused);
  EXPECT_EQ(r.candidates.size(), 1u);
  EXPECT_EQ(r.exchanges.size(), 4u);  // A and AAAA, 2 attempts each, all refused
  // Each round sends A and AAAA together from one socket; the ICMP error makes glibc close it, so
  // the second round leaves from a new socket (a new source port).
  EXPECT_EQ(queried(s), (std::vector<std::string>{"A api-server.default.svc.cluster.local.",
                                                   "AAAA api-server.default.svc.cluster.local.",
                                                   "A api-server.default.svc.cluster.local.",
                                                   "AAAA api-server.default.svc.cluster.local."}));
  EXPECT_EQ(s.seen[0].socket, s.seen[1].socket);
  EXPECT_EQ(s.seen[2].socket, s.seen[3].socket);
  EXPECT_NE(s.seen[0].socket, s.seen[2].socket);
  EXPECT_EQ(s.seen[2].attempt, 2);
}

TEST(Resolve, TrailingDotAsksOnlyTheNameAndTruncationRetriesOverTcp) {
  FakeServer s;
  s.a["web.default.svc.cluster.local."] = "10.244.1.2";
  s.truncate_udp = true;
  auto r = resolve("web.default.svc.cluster.local.", {rr::A}, cluster_first(), s.transport());
  EXPECT_EQ(r.status, LookupStatus::Success);
  ASSERT_EQ(s.seen.size(), 2u);
  EXPECT_FALSE(s.seen[0].tcp);
  EXPECT_TRUE(s.seen[1].tcp);
}

TEST(Resolve, AnswersOwnedByAnotherNameAreNotUsed) {
  // CoreDNS `rewrite` without `answer auto`: the record's owner is the rewritten name.
  ResolvConf c = cluster_first();
  QueryTransport t = [](const ResolverQuery& q) {
    ResolverReply r;
    r.status = ExchangeStatus::Answered;
    Message m = make_reply(q.message, Rcode::NoError);
    m.answers.push_back(ResourceRecord::make_a("other.default.svc.cluster.local.", 30, net::Ipv4Address(1)));
    r.message = m;
    return r;
  };
  auto r = resolve("legacy.default.svc.cluster.local.", {rr::A}, c, t);
  EXPECT_EQ(r.status, LookupStatus::NoData);
  EXPECT_NE(r.reason.find("answer auto"), std::string::npos);
}

}  // namespace
}  // namespace packetwalk::model::dns
