// Forwarding messages: the global requests and channel-open data of TCP/IP, X11 and UNIX
// socket forwarding (RFC 4254 sections 6.3 and 7, OpenSSH PROTOCOL 2.4). Sans-IO.
#include "connection/channel_messages.hpp"

#include "wire/reader.hpp"
#include "wire/writer.hpp"

namespace sshlib::connection {
namespace {

// Host names and addresses (RFC 1035 allows 255 bytes) and socket paths (sun_path is 108
// bytes on Linux; other systems allow somewhat more).
constexpr std::size_t max_host = 255;
constexpr std::size_t max_socket_path = 1024;

}  // namespace

result<tcpip_forward_request> parse_tcpip_forward(byte_view data) {
  wire::reader r(data);
  tcpip_forward_request f;
  if (!r.read_string(f.address, max_host) || !r.read_u32(f.port)) {
    return error{errc::protocol_error, "malformed tcpip-forward request"};
  }
  if (f.port > 65535) return error{errc::invalid_value, "tcpip-forward port " + std::to_string(f.port) + " out of range"};
  return f;
}

bytes make_tcpip_forward(std::string_view address, std::uint32_t port) {
  bytes d;
  wire::writer w(d);
  w.write_string(address);
  w.write_u32(port);
  return d;
}

result<std::string> parse_streamlocal_forward(byte_view data) {
  wire::reader r(data);
  std::string path;
  if (!r.read_string(path, max_socket_path) || path.empty()) {
    return error{errc::protocol_error, "malformed streamlocal-forward request"};
  }
  return path;
}

bytes make_streamlocal_forward(std::string_view path) {
  bytes d;
  wire::writer(d).write_string(path);
  return d;
}

bytes make_tcpip_open(std::string_view host, std::uint32_t port, std::string_view origin_host, std::uint32_t origin_port) {
  bytes d;
  wire::writer w(d);
  w.write_string(host);
  w.write_u32(port);
  w.write_string(origin_host);
  w.write_u32(origin_port);
  return d;
}

bytes make_x11_open(std::string_view origin_host, std::uint32_t origin_port) {
  bytes d;
  wire::writer w(d);
  w.write_string(origin_host);
  w.write_u32(origin_port);
  return d;
}

bytes make_direct_streamlocal_open(std::string_view path) {
  bytes d;
  wire::writer w(d);
  w.write_string(path);
  w.write_string("");  // reserved
  w.write_u32(0);      // reserved
  return d;
}

bytes make_forwarded_streamlocal_open(std::string_view path) {
  bytes d;
  wire::writer w(d);
  w.write_string(path);
  w.write_string("");  // reserved
  return d;
}

bool decode_open_fields(std::string_view type, byte_view data, incoming_channel& out) {
  wire::reader r(data);
  if (type == "direct-tcpip" || type == "forwarded-tcpip") {
    return r.read_string(out.host, max_host) && r.read_u32(out.port) && r.read_string(out.origin_host, max_host) &&
           r.read_u32(out.origin_port) && out.port <= 65535 && out.origin_port <= 65535;
  }
  if (type == "x11") {
    // RFC 4254 section 6.3.2; some old clients omit the origin, which we accept.
    if (r.remaining() == 0) return true;
    return r.read_string(out.origin_host, max_host) && r.read_u32(out.origin_port) && out.origin_port <= 65535;
  }
  if (type == "direct-streamlocal@openssh.com" || type == "forwarded-streamlocal@openssh.com") {
    // The reserved fields after the path are ignored, as OpenSSH does.
    return r.read_string(out.socket_path, max_socket_path) && !out.socket_path.empty();
  }
  return true;
}

}  // namespace sshlib::connection
