#pragma once
// Private to model/cni: Felix's rule-writing helpers shared by the NetworkPolicy rendering
// (calico_felix.cpp) and the admin/baseline tier rendering (calico_tiers.cpp).
#include <openssl/evp.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "packetwalk/model/datapath/netfilter_save.h"
#include "packetwalk/model/datapath/topology.h"
#include "packetwalk/model/policy/admin.h"

namespace packetwalk::model::cni::felix {

using datapath::CommentMatch;
using datapath::MarkMatch;
using datapath::MarkTarget;
using datapath::Rule;

constexpr std::uint32_t kAccept = 0x10000;
constexpr std::uint32_t kPass = 0x20000;
constexpr std::uint32_t kScratch0 = 0x40000;
constexpr std::uint32_t kAllButAccept = 0xe0000;  // pass + scratch0 + scratch1
constexpr std::size_t kMaxChainName = 28;         // iptables' limit (XT_EXTENSION_MAXNAMELEN - 1)

// Felix-style id: URL-safe base64 of SHA-224, cut to `n` characters.
inline std::string hash_id(const std::string& text, std::size_t n) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  [[maybe_unused]] int ok = EVP_Digest(text.data(), text.size(), digest.data(), &length, EVP_sha224(), nullptr);
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (unsigned i = 0; i < length && out.size() < n; ++i) {
    acc = (acc << 8) | digest[i];
    bits += 8;
    while (bits >= 6 && out.size() < n) {
      bits -= 6;
      out += kAlphabet[(acc >> bits) & 0x3f];
    }
  }
  return out;
}

inline std::string limited_chain(const std::string& prefix, const std::string& id) {
  if (prefix.size() + id.size() <= kMaxChainName) return prefix + id;
  return prefix + "_" + hash_id(id, kMaxChainName - prefix.size() - 1);
}

inline MarkMatch bits_set(std::uint32_t b) { return MarkMatch{b, b, false}; }
inline MarkMatch bits_clear(std::uint32_t b) { return MarkMatch{0, b, false}; }
inline MarkTarget set_bits(std::uint32_t b) { return MarkTarget{MarkTarget::Op::SetXmark, b, b}; }
inline MarkTarget clear_bits(std::uint32_t b) { return MarkTarget{MarkTarget::Op::SetXmark, 0, b}; }

inline Rule make(std::vector<datapath::MatchModule> modules, datapath::Target target) {
  Rule r;
  r.modules = std::move(modules);
  r.target = std::move(target);
  return r;
}

// Appends rules to one chain, giving each Felix's "cali:<hash>" comment: a hash of the chain name,
// the previous rule's hash and the rule itself, so a rule's id changes when anything before it does.
class ChainWriter {
public:
  ChainWriter(datapath::Table& table, std::string name) : table_(table), name_(std::move(name)) { table_.chain(name_); }
  void add(Rule r) {
    prev_ = hash_id(name_ + prev_ + datapath::rule_spec_to_string(r), 16);
    r.modules.insert(r.modules.begin(), CommentMatch{"cali:" + prev_});
    table_.append(name_, std::move(r));
  }
  const std::string& name() const { return name_; }

private:
  datapath::Table& table_;
  std::string name_;
  std::string prev_;
};

}  // namespace packetwalk::model::cni::felix

// ---- admin and baseline tiers (calico_tiers.cpp) ----------------------------------------------

namespace packetwalk::model::cni::felix {

// Appends to an endpoint chain the tiers of rank [lo, hi] (policy/admin.h) whose policies select
// `pod` for `d`: per tier "Start of tier <name>" (clears the pass bit), then per policy, by
// priority and name, a jump while the pass bit is clear and a RETURN once the accept bit is set.
// Unlike the default tier these end without a drop: Calico's tiers for these kinds default to Pass.
// Renders each policy's chain (and its ipsets) into `node` the first time it is used there.
void admin_tier_sections(ChainWriter& endpoint, datapath::Netns& node, const policy::PolicyIndex& index,
                         const kube::PodInfo& pod, policy::Direction d, int lo, int hi);

}  // namespace packetwalk::model::cni::felix
