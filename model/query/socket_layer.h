#pragma once
// Private to query/: what the applications in each namespace do with packets the stack hands
// them. Listeners come from containerPort declarations; the one client is the probe.

#include <functional>
#include <map>
#include <set>

#include "packetwalk/model/datapath/engine.h"
#include "packetwalk/model/query/application.h"

namespace packetwalk::model::query {

// Whether a connected UDP socket (no IP_RECVERR, as applications open them) reports an ICMP
// error. Linux passes on only the "hard" ones (port and protocol unreachable, administratively
// prohibited); net and host unreachable and time exceeded are transient (RFC 1122 3.2.2.1) and
// the socket keeps waiting for an answer. A connecting TCP socket takes any of them.
bool udp_socket_reports(net::IcmpKind kind);

class SocketLayer {
public:
  using ClientHandler = std::function<void(const net::Packet&, sim::Time)>;
  using ServerEvent = std::function<void(datapath::NetnsId, const std::string& container, const net::Packet&)>;

  SocketLayer(datapath::PacketEngine& engine, const ApplicationRegistry* apps) : engine_(engine), apps_(apps) {}

  // `outgoing` is the tuple of packets the client sends; replies are matched against it.
  void open_client(datapath::NetnsId ns, const net::FiveTuple& outgoing, ClientHandler handler);
  void reset();
  void on_delivery(const datapath::LocalDelivery& d);
  // The servers' SYN-ACK timers fired: every half-open connection sends its SYN-ACK again.
  void resend_syn_acks(sim::Time at, const std::string& note);

  ServerEvent on_accept;       // a listener received a connection request (SYN / datagram)
  ServerEvent on_established;  // the final ACK of a handshake reached the server

private:
  // `note` names the reply in the trace; the fixed ones ("SYN-ACK", "RST") are interned.
  void answer(datapath::NetnsId ns, const net::Packet& to, std::uint8_t flags, text::SharedText note, sim::Time t,
              std::vector<std::uint8_t> payload = {});
  // Runs the listener's application on a request; returns false when it stays silent.
  bool serve(const datapath::LocalDelivery& d, const datapath::Listener& listener, std::uint8_t reply_flags);

  datapath::PacketEngine& engine_;
  const ApplicationRegistry* apps_;
  std::map<std::pair<datapath::NetnsId, net::FiveTuple>, std::string> established_;  // -> container
  std::map<std::pair<datapath::NetnsId, net::FiveTuple>, ClientHandler> clients_;
  std::map<std::pair<datapath::NetnsId, net::FiveTuple>, std::string> half_open_;  // SYN seen -> container
};

}  // namespace packetwalk::model::query
