#pragma once
// Private to model/ingress: one reader per kind; each appends its object to RoutingObjects.

#include "object_reader.h"
#include "packetwalk/model/ingress/objects.h"

namespace packetwalk::model::ingress::detail {

void parse_ingress(ObjectReader& r, RoutingObjects& out);
void parse_ingress_class(ObjectReader& r, RoutingObjects& out);
void parse_gateway_class(ObjectReader& r, RoutingObjects& out);
void parse_gateway(ObjectReader& r, RoutingObjects& out);
void parse_http_route(ObjectReader& r, RoutingObjects& out);
void parse_reference_grant(ObjectReader& r, RoutingObjects& out);

}  // namespace packetwalk::model::ingress::detail
