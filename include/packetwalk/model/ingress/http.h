#pragma once
// HTTP/1.1 as bytes on a simulated TCP connection: requests and responses are real HTTP/1.1 text
// (request line, headers, CRLFs), so a trace's payload is what tcpdump would show. Also URLs as
// users type them after --to ("http://api.example.com/v1/users").
//
// Simplifications: no bodies beyond a short text one, no chunked encoding, no percent-decoding or
// dot-segment normalisation of paths before matching (nginx does normalise; write paths plainly).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace packetwalk::model::ingress {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "GET";
  std::string path = "/";  // the path of the request target, without the query
  std::string query;       // after '?', without it; "" when none
  std::string host;        // Host header without port, lower-case
  int host_port = 0;       // port written in the Host header (0 = none)
  HeaderList headers;      // every other header, in order, names as written
  bool tls = false;        // sent over TLS (https): the SNI is `host`

  std::string target() const { return query.empty() ? path : path + "?" + query; }
  // The first value of a header, names compared case-insensitively ("host" gives `host`).
  std::optional<std::string> header(std::string_view name) const;
  // The first value of a query parameter (exact, case-sensitive name).
  std::optional<std::string> query_param(std::string_view name) const;
  void set_header(const std::string& name, const std::string& value);  // replaces every same-named header
  void add_header(const std::string& name, const std::string& value);
  void remove_header(std::string_view name);
  std::string summary() const;  // "GET api.example.com/v1/users"
};

struct HttpResponse {
  int status = 200;
  HeaderList headers;
  std::string body;
  std::string summary() const;  // "HTTP 200 OK"
};

std::string_view reason_phrase(int status);  // "OK", "Not Found", ...; "" for unknown codes

std::vector<std::uint8_t> to_bytes(const HttpRequest& r);
std::vector<std::uint8_t> to_bytes(const HttpResponse& r);
// nullopt when the bytes are not an HTTP/1.x request (or response).
std::optional<HttpRequest> parse_request(const std::vector<std::uint8_t>& bytes);
std::optional<HttpResponse> parse_response(const std::vector<std::uint8_t>& bytes);
bool looks_like_http_request(const std::vector<std::uint8_t>& bytes);

// The plain server's answer to an HTTP request (a pod without a modelled application): 200 with a
// body naming the pod, as an echo server would.
HttpResponse plain_server_response(const HttpRequest& request, const std::string& served_by);

struct Url {
  std::string scheme;  // "http" | "https"
  std::string host;    // lower-case
  int port = 0;        // explicit port, else 80 / 443
  bool explicit_port = false;
  std::string path = "/";
  std::string query;
  std::string to_string() const;
};

bool looks_like_url(std::string_view text);  // starts with http:// or https://
std::optional<Url> parse_url(std::string_view text, std::string& error);

// Lower-cases a host and strips a port and a trailing dot ("API.example.com:8080." -> "api.example.com").
std::string normalize_host(std::string_view host);

}  // namespace packetwalk::model::ingress
