#pragma once
// Turns what a user types after --from / --to (or a probe's from:/to:) into namespaces and
// addresses in a built cluster. Accepted forms:
//   source:      [pod/]NS/POD, POD (in the default namespace), node/NODE (the node's root namespace)
//   destination: NS/POD:PORT, POD:PORT, node/NODE:PORT, IP:PORT, localhost:PORT,
//                NS/SERVICE:PORT or SERVICE:PORT (its ClusterIP), when no pod has that name
//                svc/[NS/]NAME:PORT (the Service even when a pod shares its name), pod/[NS/]NAME:PORT
// Errors say what was not found, in the user's words.

#include <optional>
#include <string>
#include <string_view>

#include "packetwalk/model/cluster/cluster.h"

namespace packetwalk::model::query {

struct Source {
  datapath::NetnsId netns = datapath::kNone;
  std::string label;  // canonical "default/web-app" or "node/node-1"
};

struct Destination {
  net::Ipv4Address address;
  net::Port port = 0;
  std::string label;  // canonical form: "default/api:8080", "10.96.0.10:53"
};

std::optional<Source> resolve_source(const cluster::Cluster& c, std::string_view text, std::string_view default_ns,
                                     std::string& error);
std::optional<Destination> resolve_destination(const cluster::Cluster& c, std::string_view text, const Source& from,
                                               std::string_view default_ns, std::string& error);

}  // namespace packetwalk::model::query
