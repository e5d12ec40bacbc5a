#include "packetwalk/model/query/probe.h"

#include <utility>

#include "packetwalk/model/trace/routing_loop.h"
#include "packetwalk/model/trace/recorder.h"
#include "socket_layer.h"

namespace packetwalk::model::query {

using trace::Disposition;

namespace {
constexpr std::uint64_t kEventBudget = 1'000'000;  // a probe is a handful of packets; more is a loop
constexpr net::Port kEphemeralLow = 32768;          // net.ipv4.ip_local_port_range default
constexpr net::Port kEphemeralHigh = 60999;
// Linux TCP: TCP_TIMEOUT_INIT (1 s) for the SYN and the SYN-ACK, doubled at each retransmission;
// net.ipv4.tcp_syn_retries (6) and tcp_synack_retries (5).
constexpr sim::Time kInitialRto = sim::Time::s(1);
constexpr int kSynRetries = 6;
constexpr int kSynAckRetries = 5;

// A datagram that netfilter drops (DROP, REJECT, a full conntrack table) before it leaves the
// sending namespace makes ip_local_out fail, and send() returns EPERM at once. Returns that as
// the probe's reason, or "" when the first packet got out (or was stopped otherwise).
std::string local_send_error(const trace::Trace& t) {
  if (t.legs.empty()) return "";
  // A copy: the conditional's two sides only meet as a temporary std::string (clang -Wdangling-gsl).
  const std::string sender = t.legs.front().hops.empty() ? std::string() : t.legs.front().hops.front().netns.str();
  for (const auto& hop : t.legs.front().hops) {
    if (hop.action == trace::HopAction::Transmit || hop.netns != sender) return "";
    if (hop.action != trace::HopAction::Drop) continue;
    if (hop.drop_reason != trace::DropReason::NetfilterDrop && hop.drop_reason != trace::DropReason::NetfilterReject &&
        hop.drop_reason != trace::DropReason::ConntrackFull)
      return "";
    return "send() fails with EPERM: netfilter stopped the datagram on its way out of " + hop.netns + ": " +
           hop.detail;
  }
  return "";
}
}  // namespace

// Per probe: a restarted simulator (time starts at zero, nothing pending), a new engine and
// sockets; the random streams live across probes. The simulator is kept, not rebuilt, so its
// event pools are allocated once per runner rather than once per probe.
struct ProbeWorld {
  sim::Simulator& simulator;
  datapath::PacketEngine engine;
  SocketLayer sockets;
  trace::Recorder recorder;

  ProbeWorld(sim::Simulator& s, datapath::Topology& t, sim::RandomStreams& random,
             std::vector<sim::RandomStream*>& proxy_random, datapath::EngineCosts costs, const ApplicationRegistry* apps)
      : simulator(s), engine(t, simulator, random, costs), sockets(engine, apps) {
    engine.record_into(&recorder);
    engine.share_proxy_random(&proxy_random);
    engine.deliver = [this](const datapath::LocalDelivery& d) { sockets.on_delivery(d); };
  }
  // Events a budget left pending hold references into this world: destroy them with it. This is
  // also what gives the next probe a clock at zero (the runner's simulator starts out new).
  ~ProbeWorld() { simulator.restart(); }

};

struct ProbeRunner::Impl {
  datapath::Topology& topology;
  sim::RandomStreams random;
  std::vector<sim::RandomStream*> proxy_random;  // the engines' stream lookups, kept with `random`
  datapath::EngineCosts costs;
  sim::Simulator simulator;

  // Whether any device carries a netem loss (the linkLoss fault): only then can a handshake
  // segment vanish at random, and only then does a probe watch its hops for retransmission.
  // Faults are planted before the runner exists, so one scan at construction is enough.
  bool netem_loss = false;

  Impl(datapath::Topology& t, std::uint64_t seed, datapath::EngineCosts c) : topology(t), random(seed), costs(c) {
    for (const auto& i : t.all_interfaces()) netem_loss = netem_loss || i.netem.loss_percent > 0;
  }

  // The source address an unbound socket gets: the route's preferred source, else the output
  // device's primary address (the kernel's inet_select_addr), or the destination itself when local.
  net::Ipv4Address source_for(datapath::NetnsId ns, net::Ipv4Address dst) const {
    if (topology.is_local_address(ns, dst)) return dst.is_loopback() ? dst : dst;
    const auto* r = topology.netns(ns).routes.lookup(dst);
    if (!r) return {};
    if (r->preferred_source) return *r->preferred_source;
    return std::as_const(topology).iface(r->dev).primary_address().value_or(net::Ipv4Address{});
  }
};

ProbeRunner::ProbeRunner(datapath::Topology& topology, std::uint64_t seed, datapath::EngineCosts costs)
    : impl_(std::make_unique<Impl>(topology, seed, costs)) {}

ProbeRunner::~ProbeRunner() = default;

ProbeResult ProbeRunner::run(const ProbeTarget& target) {
  Impl& m = *impl_;
  if (!keep_state_) {
    for (const auto& ns : m.topology.all_netns()) {
      auto& mutable_ns = m.topology.netns(ns.id);
      mutable_ns.conntrack.clear();  // the entries; max_entries is configuration (a fault may set it)
      if (!mutable_ns.recent.lists.empty()) mutable_ns.recent = datapath::RecentTable{};  // also nftables affinity sets (dynamic sets)
      mutable_ns.ipvs.clear_connections();         // IPVS connections and persistence; rr positions stay
    }
  }
  ProbeWorld w(m.simulator, m.topology, m.random, m.proxy_random, m.costs, apps_);

  ProbeResult result;
  net::Packet first;
  first.id = w.engine.new_packet_id();
  first.protocol = target.protocol;
  first.src = m.source_for(target.from, target.dst);
  first.dst = target.dst;
  first.sport = target.sport ? target.sport
                             : static_cast<net::Port>(kEphemeralLow + m.random.stream("ephemeral-port")
                                                                          .below(kEphemeralHigh - kEphemeralLow + 1));
  first.dport = target.port;
  first.length = target.size;
  first.dont_fragment = target.dont_fragment;
  if (target.protocol == net::Protocol::Tcp) {
    first.tcp_flags = net::kSyn;
    first.payload_note = text::SharedText::interned("SYN");
  } else {
    first.payload = target.payload;
    first.payload_note = target.payload_note.empty() ? text::SharedText::interned("request") : text::SharedText(target.payload_note);
    if (!target.payload.empty()) first.length = static_cast<std::uint16_t>(28 + target.payload.size());
  }
  result.tuple = first.tuple();

  enum class State { Waiting, Connected, Refused, Unreachable } state = State::Waiting;
  std::string reason;
  std::string ignored_icmp;  // a transient ICMP error the UDP socket did not report
  bool established = false;
  w.sockets.on_accept = [&](datapath::NetnsId ns, const std::string& container, const net::Packet&) {
    result.answered_by = m.topology.netns(ns).name;
    result.answered_container = container;
  };
  w.sockets.on_established = [&](datapath::NetnsId, const std::string&, const net::Packet&) { established = true; };

  // Handshake retransmission after a frame lost to a netem qdisc (the linkLoss fault). A frame a
  // rule or a missing route stops would be stopped again at every retransmission, so only random
  // loss arms the timers; the trace then shows each retransmission as its own leg.
  //   SYN or SYN-ACK lost: the client's SYN timer (1 s, 2 s, ... tcp_syn_retries) resends the SYN,
  //     which the server answers with a new SYN-ACK;
  //   ACK lost: the server's SYN-ACK timer (tcp_synack_retries) resends the SYN-ACK, and the
  //     client answers the duplicate with a new ACK.
  int syn_sent = 0, synack_sent = 0;
  bool syn_timer = false, synack_timer = false;
  sim::Time syn_rto = kInitialRto, synack_rto = kInitialRto, last_syn, last_synack;
  std::function<void()> resend_syn, resend_synack;
  resend_syn = [&]() {
    syn_timer = false;
    if (state != State::Waiting || syn_sent >= kSynRetries) return;
    ++syn_sent;
    last_syn = w.simulator.now();
    syn_rto = syn_rto * 2;
    net::Packet again = first;
    again.id = w.engine.new_packet_id();
    again.payload_note = text::SharedText::interned("SYN (retransmission " + std::to_string(syn_sent) + ")");  // at most kSynRetries texts
    w.engine.send(target.from, std::move(again), last_syn);
    syn_timer = true;  // the timer runs on until a SYN-ACK comes or the retries run out
    w.simulator.schedule_at(last_syn + syn_rto, [&]() { resend_syn(); });
  };
  resend_synack = [&]() {
    synack_timer = false;
    if (established || synack_sent >= kSynAckRetries) return;
    ++synack_sent;
    last_synack = w.simulator.now();
    synack_rto = synack_rto * 2;
    w.sockets.resend_syn_acks(last_synack, "SYN-ACK (retransmission " + std::to_string(synack_sent) + ")");
    synack_timer = true;
    w.simulator.schedule_at(last_synack + synack_rto, [&]() { resend_synack(); });
  };
  std::size_t loss_watch = 0;
  if (target.protocol == net::Protocol::Tcp && m.netem_loss) {
    loss_watch = w.engine.hop_hook.connect([&](const trace::Hop& h) {
      if (h.action == trace::HopAction::Send && h.packet.tcp_flags == (net::kSyn | net::kAck) && synack_sent == 0)
        last_synack = h.time;  // the server's first SYN-ACK starts its timer
      if (h.action != trace::HopAction::Drop || h.drop_reason != trace::DropReason::LinkLoss) return;
      // Lost on the underlay, the frame is a VXLAN carrier: the segment is the packet inside.
      const net::Packet& segment = h.packet.inner.empty() ? h.packet : h.packet.inner.front();
      if (segment.protocol != net::Protocol::Tcp) return;
      const std::uint8_t flags = segment.tcp_flags;
      if ((flags & net::kSyn) && !syn_timer && state == State::Waiting) {
        syn_timer = true;
        w.simulator.schedule_at(last_syn + syn_rto, [&]() { resend_syn(); });
      } else if (flags == net::kAck && !synack_timer && !established) {
        synack_timer = true;
        w.simulator.schedule_at(std::max(last_synack + synack_rto, h.time), [&]() { resend_synack(); });
      }
    });
  }

  const auto from = target.from;
  // A segment the client sends back on the connection a SYN-ACK `p` opened.
  auto reply_segment = [&](const net::Packet& p, std::uint8_t flags) {
    net::Packet seg;
    seg.id = w.engine.new_packet_id();
    seg.protocol = net::Protocol::Tcp;
    seg.src = p.dst;
    seg.dst = p.src;
    seg.sport = p.dport;
    seg.dport = p.sport;
    seg.tcp_flags = flags;
    seg.length = 52;
    return seg;
  };
  // The client's ACK to a SYN-ACK (the handshake's third segment, or its repeat).
  auto send_ack = [&, from](const net::Packet& p, sim::Time t, const char* note) {
    net::Packet ack = reply_segment(p, net::kAck);
    ack.payload_note = text::SharedText::interned(note);
    w.engine.send(from, std::move(ack), t + w.engine.costs().socket);
  };
  w.sockets.open_client(from, first.tuple(), [&, from](const net::Packet& p, sim::Time t) {
    // Once the handshake is done the server's data segment (an HTTP response, a DNS-over-TCP
    // answer) still has to reach the probe: only that may arrive after the state is decided.
    const bool tcp_data = p.protocol == net::Protocol::Tcp && (!p.payload.empty() || (p.tcp_flags & net::kPsh));
    if (state == State::Connected && !established && p.protocol == net::Protocol::Tcp &&
        p.tcp_flags == (net::kSyn | net::kAck)) {
      // A retransmitted SYN-ACK: our ACK was lost; acknowledge again (tcp_rcv_state_process).
      send_ack(p, t, "ACK (again)");
      return;
    }
    if (state != State::Waiting && !(state == State::Connected && tcp_data)) return;
    if (p.protocol == net::Protocol::Icmp) {
      switch (p.icmp) {
        case net::IcmpKind::PortUnreachable:
          state = State::Refused;
          reason = "ICMP port unreachable from " + p.src.to_string();
          break;
        case net::IcmpKind::FragmentationNeeded:
          reason = "ICMP fragmentation needed from " + p.src.to_string();
          break;  // path MTU discovery: the connection attempt itself still waits
        default:
          if (target.protocol == net::Protocol::Udp && !udp_socket_reports(p.icmp)) {
            ignored_icmp = "ICMP " + std::string(net::icmp_kind_name(p.icmp)) + " from " + p.src.to_string() +
                           " ignored: a UDP socket takes it as transient";
            break;
          }
          state = State::Unreachable;
          reason = "ICMP " + std::string(net::icmp_kind_name(p.icmp)) + " from " + p.src.to_string();
      }
      return;
    }
    if (p.protocol == net::Protocol::Tcp) {
      if (tcp_data) {
        if (!result.response.empty()) return;  // the first reply is the answer
        result.response = p.payload;
        result.response_note = p.payload_note;
        return;
      }
      if (p.tcp_flags & net::kRst) {
        state = State::Refused;
        reason = "connection refused: RST from " + p.src.to_string() + ":" + std::to_string(p.sport);
        return;
      }
      if ((p.tcp_flags & net::kSyn) && (p.tcp_flags & net::kAck)) {
        state = State::Connected;
        send_ack(p, t, "ACK");
        if (!target.payload.empty()) {
          net::Packet data = reply_segment(p, net::kPsh | net::kAck);
          data.payload = target.payload;
          data.length = static_cast<std::uint16_t>(52 + target.payload.size());
          data.payload_note = target.payload_note.empty() ? text::SharedText::interned("data") : text::SharedText(target.payload_note);
          w.engine.send(from, std::move(data), t + w.engine.costs().socket + sim::Time::ns(1));
        }
      }
      return;
    }
    state = State::Connected;  // a UDP answer
    result.response = p.payload;
    result.response_note = p.payload_note;
  });

  w.simulator.set_event_budget(kEventBudget);
  w.engine.send(from, first, sim::Time::zero());
  auto status = w.simulator.run();
  if (loss_watch) w.engine.hop_hook.disconnect(loss_watch);

  trace::Trace& tr = result.trace;
  tr.legs = w.recorder.take_legs();
  tr.events = static_cast<std::uint32_t>(w.simulator.executed());
  const std::string send_error = target.protocol == net::Protocol::Udp ? local_send_error(tr) : "";
  if (!send_error.empty()) {
    // send() itself failed: the application never waits for an answer, whatever ICMP the
    // REJECT queues on the socket afterwards. To the client that is a silent drop.
    tr.disposition = Disposition::Timeout;
    tr.reason = send_error;
  } else if (state == State::Connected && (established || target.protocol != net::Protocol::Tcp)) {
    tr.disposition = Disposition::Connected;
    tr.reason = result.answered_by.empty() ? "answered" : "answered by " + result.answered_by;
    if (!result.answered_container.empty()) tr.reason += " (container " + result.answered_container + ")";
  } else if (state == State::Refused) {
    tr.disposition = Disposition::Refused;
    tr.reason = reason;
  } else if (state == State::Unreachable) {
    tr.disposition = Disposition::Unreachable;
    tr.reason = reason;
  } else {
    tr.disposition = Disposition::Timeout;
    tr.reason = ignored_icmp.empty() ? "no answer" : "no answer: " + ignored_icmp;
    // The first drop explains a silent timeout.
    for (const auto& leg : tr.legs) {
      for (const auto& hop : leg.hops) {
        if (hop.action == trace::HopAction::Drop) {
          if (hop.drop_reason == trace::DropReason::NoRoute && leg.hops.size() <= 2) {
            tr.disposition = Disposition::Unreachable;
          }
          tr.reason = std::string(trace::drop_reason_name(hop.drop_reason)) + " at " + hop.netns +
                      (hop.iface.empty() ? "" : " " + hop.iface) + ": " + hop.detail;
          if (!ignored_icmp.empty()) tr.reason += "; " + ignored_icmp;
          goto done;
        }
      }
    }
  done:;
  }
  if (status == sim::Simulator::RunStatus::EventBudget) {
    tr.disposition = Disposition::Timeout;
    tr.reason = "simulation stopped after " + std::to_string(kEventBudget) + " events (a forwarding loop?)";
  }
  // A packet that went round in circles: say which hosts and routes, whatever ended it (TTL, the
  // ICMP time exceeded that came back, or the event budget).
  if (tr.disposition != Disposition::Connected)
    if (auto loop = trace::routing_loop(tr); !loop.empty()) tr.reason += "; " + loop;
  return result;
}

}  // namespace packetwalk::model::query
