#pragma once
// The controllers that serve Ingresses and Gateways, as objects in the cluster. When the manifests
// have Ingresses of class `nginx` but no ingress-nginx controller, packetwalk installs the one the
// upstream static manifests (deploy/static/provider/cloud) install:
//   Namespace ingress-nginx; IngressClass nginx (controller k8s.io/ingress-nginx, not default);
//   Deployment ingress-nginx-controller, 1 replica, labels app.kubernetes.io/name=ingress-nginx,
//     app.kubernetes.io/instance=ingress-nginx, app.kubernetes.io/component=controller, container
//     "controller" with ports http 80, https 443 (webhook 8443);
//   Service ingress-nginx-controller, LoadBalancer, externalTrafficPolicy Local, ports http 80 ->
//     http, https 443 -> https.
// A controller counts as present when a Pod or workload template carries the labels
// app.kubernetes.io/name=ingress-nginx and app.kubernetes.io/component=controller.
//
// For each Gateway whose GatewayClass exists, unless pods labelled
// gateway.networking.k8s.io/gateway-name=<gateway> run in its namespace, packetwalk installs a data
// plane the way Istio and Envoy Gateway do (named as Istio names it): Deployment and LoadBalancer
// Service "<gateway>-<class>" in the Gateway's namespace, listening on every listener port;
// spec.addresses become the Service's LoadBalancer addresses.

#include <string>

#include "packetwalk/model/load/diagnostic.h"
#include "packetwalk/model/load/manifest_loader.h"

namespace packetwalk::model::ingress {

inline constexpr std::string_view kNginxNamespace = "ingress-nginx";
inline constexpr std::string_view kNginxName = "ingress-nginx-controller";
inline constexpr std::string_view kGatewayNameLabel = "gateway.networking.k8s.io/gateway-name";
// Where installed objects say they come from (their position's file).
inline constexpr std::string_view kInstalledFile = "<installed by packetwalk>";

// Adds the missing controllers to `manifests` (before the inventory is built). Returns what was
// installed, one line each ("ingress-nginx controller (Deployment ingress-nginx/...)"), and
// notes it in `diags` as nothing: installation is normal, the `routes` command reports it.
std::vector<std::string> install_default_controllers(load::ManifestSet& manifests, load::Diagnostics& diags);

}  // namespace packetwalk::model::ingress
