// sshlib::client's forwarding: remote TCP and UNIX-socket forwards (tcpip-forward,
// streamlocal-forward@openssh.com), the checks on the channels the server opens to us, and
// serving forwarded agent channels.
#include "connection/channel_messages.hpp"
#include "connection/client_impl.hpp"

#include "wire/reader.hpp"

#include <algorithm>

namespace sshlib {
using boost::system::error_code;

bytes client::direct_streamlocal_data(std::string_view path) { return connection::make_direct_streamlocal_open(path); }

void client::do_global_request(std::string name, bool want_reply, bytes data, detail::completion<error_code, bytes> done) {
  if (!impl_->core_) return done(make_error_code(errc::connection_closed), bytes{});
  impl_->core_->global_request(std::move(name), want_reply, std::move(data), std::move(done));
}

// The seed's strictVendor: OpenSSH extensions go only to servers known to speak them.
bool client_impl::vendor_allows_openssh_extensions() const {
  if (!config_.strict_vendor || !session_) return true;
  const auto& software = session_->machine().peer().software;
  return software.starts_with("OpenSSH") || software.starts_with("sshlib");
}

bool client::no_more_sessions() {
  if (!impl_->core_ || !impl_->vendor_allows_openssh_extensions()) return false;
  impl_->core_->global_request("no-more-sessions@openssh.com", false, {}, [](error_code, bytes) {});
  return true;
}

void client::do_wait_closed(detail::completion<error_code> done) {
  if (impl_->core_) return impl_->core_->wait_closed(std::move(done));
  done(impl_->last_error_ ? impl_->last_error_->code : make_error_code(errc::connection_closed));
}

void client::do_forward_in(std::string address, std::uint32_t port, detail::completion<error_code, std::uint32_t> done) {
  if (!impl_->core_) return done(make_error_code(errc::connection_closed), 0);
  if (port > 65535) return done(make_error_code(errc::invalid_value), 0);
  std::weak_ptr<client_impl> weak = impl_;
  auto data = connection::make_tcpip_forward(address, port);
  impl_->core_->global_request(
      "tcpip-forward", true, std::move(data),
      [weak, address = std::move(address), port, done = std::move(done)](error_code ec, bytes reply) mutable {
        if (ec) return done(ec, 0);
        std::uint32_t bound = port;
        if (port == 0) {
          // RFC 4254 section 7.1: the reply carries the port the server chose.
          wire::reader r(reply);
          if (!r.read_u32(bound) || bound == 0 || bound > 65535) return done(make_error_code(errc::protocol_error), 0);
        }
        if (auto self = weak.lock()) self->tcp_forwards_.push_back({std::move(address), bound});
        done(error_code{}, bound);
      });
}

void client::do_forward_request(bool streamlocal, bool add, std::string where, std::uint32_t port,
                                detail::completion<error_code> done) {
  if (!impl_->core_) return done(make_error_code(errc::connection_closed));
  if (streamlocal && !impl_->vendor_allows_openssh_extensions()) return done(make_error_code(errc::unsupported_algorithm));
  const char* name = streamlocal ? (add ? "streamlocal-forward@openssh.com" : "cancel-streamlocal-forward@openssh.com")
                                 : "cancel-tcpip-forward";
  auto data = streamlocal ? connection::make_streamlocal_forward(where) : connection::make_tcpip_forward(where, port);
  std::weak_ptr<client_impl> weak = impl_;
  impl_->core_->global_request(
      name, true, std::move(data),
      [weak, streamlocal, add, where = std::move(where), port, done = std::move(done)](error_code ec, bytes) mutable {
        auto self = weak.lock();
        if (!ec && self) {
          if (streamlocal && add) {
            self->streamlocal_forwards_.push_back(where);
          } else if (streamlocal) {
            std::erase(self->streamlocal_forwards_, where);
          } else {
            std::erase_if(self->tcp_forwards_, [&](const auto& f) { return f.address == where && f.port == port; });
          }
        }
        done(ec);
      });
}

void client_impl::on_channel_open(incoming_channel c) {
  auto refuse = [&](std::string why) {
    if (config_.debug) config_.debug("refused " + c.type + " channel: " + why);
    c.reject(channel_open_failure::administratively_prohibited, why);
  };
  if (c.type == "forwarded-tcpip") {
    const bool ours = std::any_of(tcp_forwards_.begin(), tcp_forwards_.end(),
                                  [&](const tcp_forward& f) { return f.address == c.host && f.port == c.port; });
    if (!ours) return refuse("no forward of ours listens at " + c.host + ":" + std::to_string(c.port));
  } else if (c.type == "forwarded-streamlocal@openssh.com") {
    if (std::find(streamlocal_forwards_.begin(), streamlocal_forwards_.end(), c.socket_path) ==
        streamlocal_forwards_.end()) {
      return refuse("no forward of ours listens at " + c.socket_path);
    }
  } else if (c.type == "x11") {
    if (!core_ || !core_->x11_requested) return refuse("X11 forwarding was not requested");
  } else if (c.type == "auth-agent@openssh.com") {
    if (!core_ || !core_->agent_requested) return refuse("agent forwarding was not requested");
    if (config_.forward_agent && config_.agent) {
      if (!agent_server_) agent_server_ = std::make_unique<agent_server>(executor_, *config_.agent);
      agent_server_->async_serve(make_byte_stream(c.accept()), [](error_code) {});
      return;
    }
  }
  if (!config_.channel_open) return refuse("not accepted");
  config_.channel_open(std::move(c));
}

}  // namespace sshlib
