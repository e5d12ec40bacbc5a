#include "socket_layer.h"

#include <algorithm>

#include "packetwalk/model/ingress/http.h"

namespace packetwalk::model::query {

using trace::DropReason;
using trace::HopAction;

namespace {
// The fixed reply notes, one copy each for every trace (see Packet::payload_note).
const text::SharedText kReplyNote = text::SharedText::interned("reply");
const text::SharedText kRstNote = text::SharedText::interned("RST");
const text::SharedText kSynAckNote = text::SharedText::interned("SYN-ACK");
}  // namespace

bool udp_socket_reports(net::IcmpKind kind) {
  switch (kind) {
    case net::IcmpKind::NetUnreachable:
    case net::IcmpKind::HostUnreachable:
    case net::IcmpKind::TimeExceeded:
      return false;
    default:
      return true;
  }
}

void SocketLayer::open_client(datapath::NetnsId ns, const net::FiveTuple& outgoing, ClientHandler handler) {
  clients_[{ns, outgoing}] = std::move(handler);
}

void SocketLayer::reset() {
  clients_.clear();
  half_open_.clear();
  established_.clear();
}

void SocketLayer::answer(datapath::NetnsId ns, const net::Packet& to, std::uint8_t flags, text::SharedText note,
                         sim::Time t, std::vector<std::uint8_t> payload) {
  net::Packet reply;
  reply.id = engine_.new_packet_id();
  reply.src = to.dst;
  reply.dst = to.src;
  reply.sport = to.dport;
  reply.dport = to.sport;
  reply.protocol = to.protocol;
  reply.tcp_flags = flags;
  const std::size_t header = to.protocol == net::Protocol::Tcp ? 52 : 28;  // IP + TCP (with timestamps) / IP + UDP
  reply.length = static_cast<std::uint16_t>(std::min<std::size_t>(header + payload.size(), 65535));
  if (to.protocol == net::Protocol::Tcp && (flags & net::kSyn)) reply.length = 60;
  reply.payload = std::move(payload);
  reply.payload_note = std::move(note);
  engine_.send(ns, std::move(reply), t + engine_.costs().socket);
}

void SocketLayer::resend_syn_acks(sim::Time at, const std::string& note) {
  for (const auto& [key, container] : half_open_) {
    net::Packet syn;
    syn.protocol = key.second.protocol;
    syn.src = key.second.src;
    syn.dst = key.second.dst;
    syn.sport = key.second.sport;
    syn.dport = key.second.dport;
    answer(key.first, syn, net::kSyn | net::kAck, text::SharedText::interned(note), at - engine_.costs().socket);
  }
}

bool SocketLayer::serve(const datapath::LocalDelivery& d, const datapath::Listener& listener, std::uint8_t reply_flags) {
  const Application* app = apps_ && !listener.app.empty() ? apps_->find(listener.app) : nullptr;
  if (!app) {
    // A plain server answers an HTTP request as an echo server would (200, naming the pod), so
    // HTTP through ingress controllers ends in a real response; anything else gets a bare reply.
    if (d.packet.protocol == net::Protocol::Tcp && ingress::looks_like_http_request(d.packet.payload)) {
      if (auto request = ingress::parse_request(d.packet.payload)) {
        auto response = ingress::plain_server_response(*request, engine_.topology().netns(d.netns).name);
        answer(d.netns, d.packet, reply_flags, response.summary(), d.time, ingress::to_bytes(response));
        return true;
      }
    }
    answer(d.netns, d.packet, reply_flags, kReplyNote, d.time);
    return true;
  }
  AppRequest req;
  req.netns = d.netns;
  req.netns_name = engine_.topology().netns(d.netns).name;
  req.container = listener.container;
  req.packet = &d.packet;
  req.time = d.time;
  AppResponse resp = (*app)(req);
  if (!resp.answer) {
    engine_.emit(HopAction::Deliver, d.netns, datapath::kNone, d.packet, d.time,
                 listener.app + " in " + listener.container + " does not answer" + (resp.note.empty() ? "" : ": " + resp.note));
    return false;
  }
  net::Packet to = d.packet;
  answer(d.netns, to, reply_flags, resp.note.empty() ? kReplyNote : text::SharedText(resp.note), d.time + resp.delay - engine_.costs().socket,
         std::move(resp.payload));
  return true;
}

void SocketLayer::on_delivery(const datapath::LocalDelivery& d) {
  const net::Packet& p = d.packet;
  const auto& ns = engine_.topology().netns(d.netns);

  // ICMP errors go to the socket that sent the quoted packet.
  if (p.protocol == net::Protocol::Icmp) {
    if (p.icmp_quoted) {
      auto it = clients_.find({d.netns, *p.icmp_quoted});
      if (it != clients_.end()) {
        const bool ignored = p.icmp_quoted->protocol == net::Protocol::Udp && !udp_socket_reports(p.icmp);
        engine_.emit(HopAction::Deliver, d.netns, datapath::kNone, p, d.time,
                     ignored ? "a transient error to a UDP socket: ignored, the client keeps waiting"
                             : "error reported to the client socket");
        it->second(p, d.time);
        return;
      }
    }
    engine_.emit_drop(d.netns, datapath::kNone, p, d.time, DropReason::NoSocket, "no socket for this ICMP message");
    return;
  }

  // Replies to our client.
  if (auto it = clients_.find({d.netns, p.tuple().reversed()}); it != clients_.end()) {
    static const text::SharedText kToClient = text::SharedText::interned("delivered to the client socket");  // one copy for every trace
    engine_.emit(HopAction::Deliver, d.netns, datapath::kNone, p, d.time, kToClient);
    it->second(p, d.time);
    return;
  }

  auto listener = ns.listeners.find({p.protocol, p.dport});
  if (p.protocol == net::Protocol::Tcp) {
    const bool syn = p.tcp_flags & net::kSyn;
    const bool ack = p.tcp_flags & net::kAck;
    if (syn && !ack) {
      if (listener == ns.listeners.end()) {
        engine_.emit_drop(d.netns, datapath::kNone, p, d.time, DropReason::NoListener,
                          "nothing listens on TCP port " + std::to_string(p.dport) + ": connection refused");
        answer(d.netns, p, net::kRst | net::kAck, kRstNote, d.time);
        return;
      }
      engine_.emit(HopAction::Deliver, d.netns, datapath::kNone, p, d.time,
                   "accepted by " + listener->second.container + " listening on TCP " + std::to_string(p.dport));
      half_open_[{d.netns, p.tuple()}] = listener->second.container;
      if (on_accept) on_accept(d.netns, listener->second.container, p);
      answer(d.netns, p, net::kSyn | net::kAck, kSynAckNote, d.time);
      return;
    }
    if (auto it = half_open_.find({d.netns, p.tuple()}); it != half_open_.end() && ack && !(p.tcp_flags & net::kRst)) {
      static const text::SharedText kEstablished = text::SharedText::interned("handshake complete: connection established");
      engine_.emit(HopAction::Deliver, d.netns, datapath::kNone, p, d.time, kEstablished);
      std::string container = it->second;
      half_open_.erase(it);
      established_[{d.netns, p.tuple()}] = container;
      if (on_established) on_established(d.netns, container, p);
      if (p.payload.empty()) return;
    }
    if (auto it = established_.find({d.netns, p.tuple()}); it != established_.end() && !p.payload.empty()) {
      engine_.emit(HopAction::Deliver, d.netns, datapath::kNone, p, d.time,
                   "request data (" + std::to_string(p.payload.size()) + " bytes) read by " + it->second);
      if (listener != ns.listeners.end()) serve(d, listener->second, net::kPsh | net::kAck);
      return;
    }
    if (established_.count({d.netns, p.tuple()})) return;  // a bare ACK on an open connection
    if (p.tcp_flags & net::kRst) {
      engine_.emit_drop(d.netns, datapath::kNone, p, d.time, DropReason::NoSocket, "RST for no connection: ignored");
      return;
    }
    engine_.emit_drop(d.netns, datapath::kNone, p, d.time, DropReason::NoSocket, "segment for no connection: answered with RST");
    answer(d.netns, p, net::kRst, kRstNote, d.time);
    return;
  }

  // UDP and SCTP datagrams.
  if (listener == ns.listeners.end()) {
    engine_.emit_drop(d.netns, datapath::kNone, p, d.time, DropReason::NoListener,
                      "nothing listens on " + std::string(net::kube_name(p.protocol)) + " port " + std::to_string(p.dport));
    engine_.send_icmp_error(d.netns, p, net::IcmpKind::PortUnreachable, d.time);
    return;
  }
  engine_.emit(HopAction::Deliver, d.netns, datapath::kNone, p, d.time,
               "received by " + listener->second.container + " on " + std::string(net::kube_name(p.protocol)) + " " +
                   std::to_string(p.dport));
  if (on_accept) on_accept(d.netns, listener->second.container, p);
  if (on_established) on_established(d.netns, listener->second.container, p);
  serve(d, listener->second, 0);
}

}  // namespace packetwalk::model::query
