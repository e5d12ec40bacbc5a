#pragma once
// The bodies of packetwalk's fuzz targets, as plain functions shared by two callers:
//  - tests/fuzz/targets/<name>.cpp: LLVMFuzzerTestOneInput for libFuzzer (clang, PACKETWALK_FUZZ);
//  - tests/fuzz/regression_test.cpp: a gtest (any compiler) replaying tests/fuzz/regressions/<name>/.
//
// A body feeds the bytes to the model the way a user's file would reach it and checks what the
// model promises about bad input: problems come back as load::Diagnostics (or nullopt/an error
// string for the small parsers), never as an exception, a crash or an "internal error". A broken
// promise throws InvariantBroken: under libFuzzer the uncaught exception aborts (a finding with
// its input saved), under gtest it is a test failure naming the file.

#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "packetwalk/model/load/diagnostic.h"

namespace packetwalk::fuzz {

using Bytes = std::span<const std::uint8_t>;

struct InvariantBroken : std::logic_error {
  using std::logic_error::logic_error;
};

// Throws InvariantBroken("<what>") when !ok.
void check(bool ok, const std::string& what);
// Every diagnostic has a message, and none says "internal error" (a loader's catch-all caught an
// exception: a bug the user would see as a confusing message). `lines`: lines in the input, when
// the diagnostics point into it (0: do not check positions).
void check_diagnostics(const model::load::Diagnostics& diags, std::size_t lines = 0);

std::string_view as_text(Bytes data);
std::vector<std::string> split_lines(std::string_view text, std::size_t max_fields);

// ---- the targets ---------------------------------------------------------------------------------
void fuzz_manifest(Bytes data);   // Kubernetes manifests (YAML/JSON stream) -> load_manifest_text
void fuzz_scenario(Bytes data);   // a scenario file in a sandbox directory -> load_scenario (+ build)
void fuzz_cidr(Bytes data);       // IPv4 addresses, CIDRs, per-node subnets and addresses
void fuzz_selector(Bytes data);   // a metav1.LabelSelector as YAML -> parse, validate, match
void fuzz_ingress(Bytes data);    // Ingress/Gateway host and path matching, URLs, HTTP requests
void fuzz_dns(Bytes data);        // DNS wire messages, names and search lists, Corefiles
void fuzz_pipeline(Bytes data);   // manifests -> cluster -> reach matrix -> one trace, twice

struct Target {
  std::string_view name;  // tests/fuzz/{regressions,corpus,dict}/<name>, executable fuzz-<name>
  void (*run)(Bytes);
};
// Every target, in a fixed order.
std::span<const Target> targets();

}  // namespace packetwalk::fuzz
