#include "verify_scripts.h"

namespace packetwalk::ui::cli::verify {

const char* const kEchoServer = R"PY(
import selectors, socket, struct, sys
IP_PKTINFO = getattr(socket, "IP_PKTINFO", 8)
ident = sys.argv[1]
sel = selectors.DefaultSelector()
try:
    for spec in sys.argv[2:]:
        proto, port = spec.split(":")
        if proto == "tcp":
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("0.0.0.0", int(port)))
            s.listen(256)
        else:
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.setsockopt(socket.IPPROTO_IP, IP_PKTINFO, 1)
            s.bind(("0.0.0.0", int(port)))
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ, proto)
except OSError as e:
    print("error", spec, e, flush=True)
    sys.exit(1)
print("ready", flush=True)
while True:
    for key, _ in sel.select():
        s = key.fileobj
        try:
            if key.data == "tcp":
                c, addr = s.accept()
                try:
                    c.sendall(("%s %s %d\n" % (ident, addr[0], addr[1])).encode())
                finally:
                    c.close()
            else:
                data, anc, flags, addr = s.recvmsg(4096, socket.CMSG_SPACE(12))
                local = b"\0\0\0\0"
                for level, kind, value in anc:
                    if level == socket.IPPROTO_IP and kind == IP_PKTINFO and len(value) >= 12:
                        local = value[8:12]
                info = struct.pack("I4s4s", 0, local, b"\0\0\0\0")
                s.sendmsg([("%s %s %d\n" % (ident, addr[0], addr[1])).encode()],
                          [(socket.IPPROTO_IP, IP_PKTINFO, info)], 0, addr)
        except OSError:
            pass
)PY";

const char* const kClient = R"PY(
import errno, socket, sys
proto, host, port, runs, timeout = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
# size: the IP length of each UDP datagram (20 bytes of IP and 8 of UDP header, the rest payload),
# sent with DF set and no local fragmentation (IP_PMTUDISC_DO); 0: a short message
size = int(sys.argv[6]) if len(sys.argv) > 6 else 0
# source: a fixed source port (0: the kernel picks one from its ephemeral range)
source = int(sys.argv[7]) if len(sys.argv) > 7 else 0
UNREACH = (errno.EHOSTUNREACH, errno.ENETUNREACH)

def failure(e):
    if isinstance(e, socket.timeout):
        return "timeout", ""
    if isinstance(e, ConnectionRefusedError):
        return "refused", "ECONNREFUSED"
    if e.errno in UNREACH:
        return "unreachable", errno.errorcode[e.errno]
    if e.errno == errno.EMSGSIZE:
        # larger than the route's MTU with DF: the sender's kernel refuses it (or learned so
        # from an ICMP "fragmentation needed"); to the model a packet too big is unreachable
        return "unreachable", "EMSGSIZE"
    if e.errno == errno.EPERM:
        # a local netfilter DROP makes send() fail at once; to the model that is a silent drop
        return "timeout", "EPERM"
    return "error", errno.errorcode.get(e.errno, str(e.errno))

def one():
    kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
    s = socket.socket(socket.AF_INET, kind)
    s.settimeout(timeout)
    try:
        if source:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("", source))
        s.connect((host, port))
        if proto == "udp":
            if size:
                s.setsockopt(socket.IPPROTO_IP, getattr(socket, "IP_MTU_DISCOVER", 10), getattr(socket, "IP_PMTUDISC_DO", 2))
                s.send(b"packetwalk verify\n".ljust(max(size - 28, 18), b"."))
            else:
                s.send(b"packetwalk verify\n")
            return "connected", s.recv(512).decode(errors="replace").strip(), ""
    except OSError as e:
        outcome, detail = failure(e)
        return outcome, "", detail
    else:
        try:
            answer = s.recv(512).decode(errors="replace").strip()
        except OSError:
            answer = ""  # the handshake completed: connected, whatever happens next
        return "connected", answer, ""
    finally:
        s.close()

for _ in range(runs):
    outcome, answer, detail = one()
    print("%s|%s|%s" % (outcome, answer, detail), flush=True)
)PY";

}  // namespace packetwalk::ui::cli::verify
