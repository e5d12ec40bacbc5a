#pragma once
// kube-proxy's chain names, computed exactly as upstream computes them (pkg/proxy/iptables and
// pkg/proxy/nftables proxier.go), so names printed by packetwalk match a real node's.
//
// iptables: prefix + base32std(sha256(servicePortName + protocol [+ endpoint]))[0:16]
//   KUBE-SVC-/KUBE-SVL-/KUBE-EXT-/KUBE-FW- share one hash; KUBE-SEP- hashes the endpoint too.
// nftables: prefix + HASH8 + "-" + "ns/name/proto/portName[__ip/port]", HASH8 being the first 8
//   base32 characters of the sha256 of the text after the dash, cut to a maximum length.

#include <cstddef>
#include <string>
#include <string_view>

#include "packetwalk/model/net/ip.h"

namespace packetwalk::model::kubeproxy {

// RFC 4648 base32, standard alphabet (A-Z2-7), with '=' padding (Go's base32.StdEncoding).
std::string base32_std(const unsigned char* data, std::size_t size);
// Upper-case base32 of the SHA-256 of `text` (56 characters; callers keep a prefix).
std::string sha256_base32(std::string_view text);

// ServicePortName.String(): "ns/name" plus ":portName" when the Service port has a name.
std::string service_port_name(std::string_view namespace_, std::string_view name, std::string_view port_name);

// The 16-character hash shared by a service port's SVC/SVL/EXT/FW chains.
std::string port_proto_hash(std::string_view service_port_name, net::Protocol protocol);

std::string svc_chain(std::string_view service_port_name, net::Protocol protocol);  // KUBE-SVC-<16>
std::string svl_chain(std::string_view service_port_name, net::Protocol protocol);  // KUBE-SVL-<16>
std::string ext_chain(std::string_view service_port_name, net::Protocol protocol);  // KUBE-EXT-<16>
std::string fw_chain(std::string_view service_port_name, net::Protocol protocol);   // KUBE-FW-<16>
// KUBE-SEP-<16>; `endpoint` is "ip:port" (net.JoinHostPort form).
std::string sep_chain(std::string_view service_port_name, net::Protocol protocol, std::string_view endpoint);

// --- nftables mode --------------------------------------------------------------------------

// Longest base (hash, dash and text) before it is cut to end in "...". The semantics reference
// (k8s-semantics.md §2.2) gives 112 = 128 - 16 (knftables' NameLengthMax of 128 minus the
// longest prefix); current upstream uses 256 - 16 = 240. Names of real objects never reach either.
inline constexpr std::size_t kNftChainNameBaseMax = 112;

// HASH8 + "-" + name, cut to `max_length` characters ending in "..." when longer.
std::string nft_hash_and_truncate(std::string_view name, std::size_t max_length = kNftChainNameBaseMax);
// "ULMVA6XW-ns1/svc1/tcp/p80" (portName may be empty: "HASH-ns/svc/tcp/").
std::string nft_service_base(std::string_view namespace_, std::string_view name, net::Protocol protocol,
                             std::string_view port_name);
// "5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80"; `endpoint` is "ip:port".
std::string nft_endpoint_base(std::string_view namespace_, std::string_view name, net::Protocol protocol,
                              std::string_view port_name, std::string_view endpoint);

// Chain and set names: prefix + base.
inline std::string nft_service_chain(const std::string& base) { return "service-" + base; }
inline std::string nft_local_chain(const std::string& base) { return "local-" + base; }
inline std::string nft_external_chain(const std::string& base) { return "external-" + base; }
inline std::string nft_firewall_chain(const std::string& base) { return "firewall-" + base; }
inline std::string nft_endpoint_chain(const std::string& endpoint_base) { return "endpoint-" + endpoint_base; }
inline std::string nft_affinity_set(const std::string& endpoint_base) { return "affinity-" + endpoint_base; }

}  // namespace packetwalk::model::kubeproxy
