#pragma once
// The two small Python programs `packetwalk verify` runs inside the namespaces it builds (python3
// is on every supported machine; a helper binary would need installing next to packetwalk).

namespace packetwalk::ui::cli::verify {

// argv: IDENT SPEC... with SPEC "tcp:PORT" or "udp:PORT". Listens on 0.0.0.0 for each SPEC,
// prints "ready" once all are bound (or "error ..." and exits 1), then answers every TCP
// connection and every UDP datagram with one line "IDENT SRC_IP SRC_PORT": who answered and the
// source address it saw. UDP replies leave from the address the request was sent to
// (IP_PKTINFO), as the model's sockets answer.
extern const char* const kEchoServer;

// argv: PROTO HOST PORT RUNS TIMEOUT_S [SIZE]. Makes RUNS connections (TCP) or request/answer
// exchanges on fresh sockets (UDP), one after another, and prints one line per run:
// "OUTCOME|ANSWER|DETAIL" with OUTCOME connected | refused | timeout | unreachable | error,
// ANSWER the server's line (connected only) and DETAIL an errno name when there is one.
extern const char* const kClient;

}  // namespace packetwalk::ui::cli::verify
