#include "packetwalk/model/ingress/http.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace packetwalk::model::ingress {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool iequals(std::string_view a, std::string_view b) { return a.size() == b.size() && lower(a) == lower(b); }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// Splits HTTP/1.x text into its start line and header lines (up to the blank line); body after.
bool split_message(const std::vector<std::uint8_t>& bytes, std::string& start, std::vector<std::string>& lines,
                   std::string& body) {
  std::string text(bytes.begin(), bytes.end());
  auto end = text.find("\r\n\r\n");
  if (end == std::string::npos) return false;
  body = text.substr(end + 4);
  std::string_view head(text.data(), end);
  std::size_t at = 0;
  bool first = true;
  while (at <= head.size()) {
    auto nl = head.find("\r\n", at);
    auto line = head.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at);
    if (first) start = std::string(line);
    else lines.emplace_back(line);
    first = false;
    if (nl == std::string_view::npos) break;
    at = nl + 2;
  }
  return true;
}

void split_host_port(std::string_view value, std::string& host, int& port) {
  host = std::string(value);
  port = 0;
  auto colon = value.rfind(':');
  if (colon != std::string_view::npos) {
    int p = 0;
    auto digits = value.substr(colon + 1);
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), p);
    if (ec == std::errc() && ptr == digits.data() + digits.size()) {
      host = std::string(value.substr(0, colon));
      port = p;
    }
  }
  host = normalize_host(host);
}

}  // namespace

std::string normalize_host(std::string_view host) {
  auto colon = host.find(':');
  if (colon != std::string_view::npos) host = host.substr(0, colon);
  // nginx drops one trailing dot (ngx_http_validate_host). A name ending in two dots is not
  // valid there at all (400); it is kept as it is here, so it matches no server name and
  // normalising twice changes nothing (found by fuzz-ingress).
  if (!host.empty() && host.back() == '.' && !(host.size() >= 2 && host[host.size() - 2] == '.')) host.remove_suffix(1);
  return lower(host);
}

std::optional<std::string> HttpRequest::header(std::string_view name) const {
  if (iequals(name, "host")) return host_port ? host + ":" + std::to_string(host_port) : host;
  for (const auto& [k, v] : headers)
    if (iequals(k, name)) return v;
  return std::nullopt;
}

std::optional<std::string> HttpRequest::query_param(std::string_view name) const {
  std::string_view q = query;
  while (!q.empty()) {
    auto amp = q.find('&');
    auto pair = q.substr(0, amp);
    auto eq = pair.find('=');
    auto key = pair.substr(0, eq);
    if (key == name) return std::string(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    q.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

void HttpRequest::set_header(const std::string& name, const std::string& value) {
  if (iequals(name, "host")) {
    split_host_port(value, host, host_port);
    return;
  }
  remove_header(name);
  headers.emplace_back(name, value);
}

void HttpRequest::add_header(const std::string& name, const std::string& value) {
  for (auto& [k, v] : headers) {
    if (iequals(k, name)) {
      v += "," + value;  // Gateway API: append to the existing value, comma-separated
      return;
    }
  }
  headers.emplace_back(name, value);
}

void HttpRequest::remove_header(std::string_view name) {
  std::erase_if(headers, [&](const auto& h) { return iequals(h.first, name); });
}

std::string HttpRequest::summary() const {
  return method + " " + (tls ? "https://" : "http://") + host + target();
}

std::string HttpResponse::summary() const {
  return "HTTP " + std::to_string(status) + " " + std::string(reason_phrase(status));
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 421: return "Misdirected Request";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "";
  }
}

std::vector<std::uint8_t> to_bytes(const HttpRequest& r) {
  std::string s = r.method + " " + r.target() + " HTTP/1.1\r\n";
  s += "Host: " + r.host + (r.host_port ? ":" + std::to_string(r.host_port) : "") + "\r\n";
  for (const auto& [k, v] : r.headers) s += k + ": " + v + "\r\n";
  s += "\r\n";
  return {s.begin(), s.end()};
}

std::vector<std::uint8_t> to_bytes(const HttpResponse& r) {
  std::string s = "HTTP/1.1 " + std::to_string(r.status) + " " + std::string(reason_phrase(r.status)) + "\r\n";
  for (const auto& [k, v] : r.headers) s += k + ": " + v + "\r\n";
  s += "Content-Length: " + std::to_string(r.body.size()) + "\r\n\r\n" + r.body;
  return {s.begin(), s.end()};
}

bool looks_like_http_request(const std::vector<std::uint8_t>& bytes) {
  static constexpr std::string_view kMethods[] = {"GET ", "HEAD ", "POST ", "PUT ", "DELETE ", "CONNECT ", "OPTIONS ", "TRACE ", "PATCH "};
  std::string_view s(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  return std::any_of(std::begin(kMethods), std::end(kMethods), [&](std::string_view m) { return s.substr(0, m.size()) == m; });
}

std::optional<HttpRequest> parse_request(const std::vector<std::uint8_t>& bytes) {
  if (!looks_like_http_request(bytes)) return std::nullopt;
  std::string start, body;
  std::vector<std::string> lines;
  if (!split_message(bytes, start, lines, body)) return std::nullopt;
  HttpRequest r;
  auto sp1 = start.find(' ');
  auto sp2 = start.rfind(' ');
  if (sp1 == std::string::npos || sp2 == sp1 || start.compare(sp2 + 1, 5, "HTTP/") != 0) return std::nullopt;
  r.method = start.substr(0, sp1);
  std::string target = start.substr(sp1 + 1, sp2 - sp1 - 1);
  auto q = target.find('?');
  r.path = target.substr(0, q);
  if (q != std::string::npos) r.query = target.substr(q + 1);
  bool has_host = false;
  for (const auto& line : lines) {
    // A field line holds no control characters but tab (RFC 9110 5.5): nginx answers a bare CR
    // or LF, or a NUL, inside a header with 400 ("client sent invalid header line"). Found by
    // fuzz-ingress: a Host holding a CR did not survive being written and read again.
    if (std::any_of(line.begin(), line.end(), [](char c) { return (static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f; }))
      return std::nullopt;
    auto colon = line.find(':');
    if (colon == std::string::npos) return std::nullopt;
    auto name = std::string(trim(std::string_view(line).substr(0, colon)));
    auto value = std::string(trim(std::string_view(line).substr(colon + 1)));
    if (iequals(name, "host")) {
      // A Host is a uri-host with an optional port (RFC 9110 7.2): no whitespace or control
      // character inside (nginx: 400). Whitespace around the value is the header's, already trimmed.
      if (std::any_of(value.begin(), value.end(), [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f; }))
        return std::nullopt;
      split_host_port(value, r.host, r.host_port);
      has_host = true;
    } else {
      r.headers.emplace_back(name, value);
    }
  }
  if (!has_host) return std::nullopt;  // HTTP/1.1 requires Host (nginx answers 400)
  return r;
}

std::optional<HttpResponse> parse_response(const std::vector<std::uint8_t>& bytes) {
  std::string start, body;
  std::vector<std::string> lines;
  if (bytes.size() < 12 || !split_message(bytes, start, lines, body)) return std::nullopt;
  if (start.compare(0, 5, "HTTP/") != 0) return std::nullopt;
  auto sp = start.find(' ');
  if (sp == std::string::npos) return std::nullopt;
  HttpResponse r;
  int status = 0;
  auto [ptr, ec] = std::from_chars(start.data() + sp + 1, start.data() + start.size(), status);
  if (ec != std::errc()) return std::nullopt;
  (void)ptr;
  r.status = status;
  for (const auto& line : lines) {
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    auto name = std::string(trim(std::string_view(line).substr(0, colon)));
    if (iequals(name, "content-length")) continue;
    r.headers.emplace_back(name, std::string(trim(std::string_view(line).substr(colon + 1))));
  }
  r.body = body;
  return r;
}

HttpResponse plain_server_response(const HttpRequest& request, const std::string& served_by) {
  HttpResponse r;
  r.status = 200;
  r.headers.emplace_back("Content-Type", "text/plain");
  r.body = "served by " + served_by + ": " + request.method + " " + request.target() + "\n";
  return r;
}

std::string Url::to_string() const {
  std::string out = scheme + "://" + host;
  if (explicit_port) out += ":" + std::to_string(port);
  out += path;
  if (!query.empty()) out += "?" + query;
  return out;
}

bool looks_like_url(std::string_view text) {
  return text.substr(0, 7) == "http://" || text.substr(0, 8) == "https://";
}

std::optional<Url> parse_url(std::string_view text, std::string& error) {
  Url u;
  if (text.substr(0, 7) == "http://") {
    u.scheme = "http";
    text.remove_prefix(7);
  } else if (text.substr(0, 8) == "https://") {
    u.scheme = "https";
    text.remove_prefix(8);
  } else {
    error = "\"" + std::string(text) + "\" is not an http:// or https:// URL";
    return std::nullopt;
  }
  auto slash = text.find_first_of("/?");
  auto authority = text.substr(0, slash);
  auto rest = slash == std::string_view::npos ? std::string_view{} : text.substr(slash);
  if (authority.empty()) {
    error = "the URL has no host";
    return std::nullopt;
  }
  auto colon = authority.rfind(':');
  if (colon != std::string_view::npos) {
    int p = 0;
    auto digits = authority.substr(colon + 1);
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), p);
    if (ec != std::errc() || ptr != digits.data() + digits.size() || p < 1 || p > 65535) {
      error = "\"" + std::string(digits) + "\" is not a port number (1-65535)";
      return std::nullopt;
    }
    u.port = p;
    u.explicit_port = true;
    authority = authority.substr(0, colon);
  } else {
    u.port = u.scheme == "https" ? 443 : 80;
  }
  u.host = lower(authority);
  auto q = rest.find('?');
  u.path = std::string(rest.substr(0, q));
  if (u.path.empty()) u.path = "/";
  if (q != std::string_view::npos) u.query = std::string(rest.substr(q + 1));
  return u;
}

}  // namespace packetwalk::model::ingress
