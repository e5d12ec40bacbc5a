// Chain-name hashing. SHA-256 comes from OpenSSL's libcrypto (EVP interface: the low-level
// SHA256_* calls are deprecated in OpenSSL 3); base32 is small enough to write here.

#include "packetwalk/model/kubeproxy/chain_names.h"

#include <openssl/evp.h>

#include <array>
#include <cassert>
#include <cstdint>

namespace packetwalk::model::kubeproxy {

std::string base32_std(const unsigned char* data, std::size_t size) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string out;
  out.reserve((size + 4) / 5 * 8);
  std::uint64_t buffer = 0;
  int bits = 0;
  for (std::size_t i = 0; i < size; ++i) {
    buffer = (buffer << 8) | data[i];
    bits += 8;
    while (bits >= 5) {
      out += kAlphabet[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (5 - bits)) & 31];
  while (out.size() % 8 != 0) out += '=';
  return out;
}

std::string sha256_base32(std::string_view text) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  [[maybe_unused]] int ok = EVP_Digest(text.data(), text.size(), digest.data(), &length, EVP_sha256(), nullptr);
  assert(ok == 1 && length == 32);
  return base32_std(digest.data(), length);
}

std::string service_port_name(std::string_view namespace_, std::string_view name, std::string_view port_name) {
  std::string out;
  out.reserve(namespace_.size() + name.size() + port_name.size() + 2);
  out.append(namespace_).append("/").append(name);
  if (!port_name.empty()) out.append(":").append(port_name);
  return out;
}

std::string port_proto_hash(std::string_view service_port_name, net::Protocol protocol) {
  std::string input(service_port_name);
  input += net::lower_name(protocol);
  return sha256_base32(input).substr(0, 16);
}

std::string svc_chain(std::string_view spn, net::Protocol p) { return "KUBE-SVC-" + port_proto_hash(spn, p); }
std::string svl_chain(std::string_view spn, net::Protocol p) { return "KUBE-SVL-" + port_proto_hash(spn, p); }
std::string ext_chain(std::string_view spn, net::Protocol p) { return "KUBE-EXT-" + port_proto_hash(spn, p); }
std::string fw_chain(std::string_view spn, net::Protocol p) { return "KUBE-FW-" + port_proto_hash(spn, p); }

std::string sep_chain(std::string_view spn, net::Protocol protocol, std::string_view endpoint) {
  std::string input(spn);
  input += net::lower_name(protocol);
  input += endpoint;
  return "KUBE-SEP-" + sha256_base32(input).substr(0, 16);
}

std::string nft_hash_and_truncate(std::string_view name, std::size_t max_length) {
  std::string out = sha256_base32(name).substr(0, 8) + "-" + std::string(name);
  if (out.size() > max_length && max_length >= 3) out = out.substr(0, max_length - 3) + "...";
  return out;
}

std::string nft_service_base(std::string_view namespace_, std::string_view name, net::Protocol protocol,
                             std::string_view port_name) {
  std::string text;
  text.append(namespace_).append("/").append(name).append("/");
  text.append(net::lower_name(protocol)).append("/").append(port_name);
  return nft_hash_and_truncate(text);
}

std::string nft_endpoint_base(std::string_view namespace_, std::string_view name, net::Protocol protocol,
                              std::string_view port_name, std::string_view endpoint) {
  // "ip:port" -> "ip/port"; IPv4 only here, so the last colon separates the port.
  std::string ep(endpoint);
  if (auto colon = ep.rfind(':'); colon != std::string::npos) ep[colon] = '/';
  std::string text;
  text.append(namespace_).append("/").append(name).append("/");
  text.append(net::lower_name(protocol)).append("/").append(port_name).append("__").append(ep);
  return nft_hash_and_truncate(text);
}

}  // namespace packetwalk::model::kubeproxy
