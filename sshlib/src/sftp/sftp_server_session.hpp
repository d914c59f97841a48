// One SFTP server session on a channel: cuts the channel's bytes into packets, decodes each
// request and hands it to the session's sftp_server_handlers, and writes the replies that
// come back through sftp_request in batches. Everything but deliver() runs on the channel's
// executor.
#pragma once

#include "sftp/sftp_frame_buffer.hpp"
#include "sftp/sftp_messages.hpp"

#include <sshlib/sftp_server.hpp>

#include <deque>
#include <memory>
#include <string>
#include <vector>

namespace sshlib::sftp_detail {

class server_session : public std::enable_shared_from_this<server_session> {
 public:
  server_session(channel ch, std::shared_ptr<sftp_server_handlers> handlers,
                 sftp_server_options options, detail::completion<boost::system::error_code> done);

  void start() { read_more(); }

  /// Queues an encoded reply to one request handed out earlier; from any thread.
  void deliver(bytes packet);

  /// A request of this session: what the handlers get.
  sftp_request make_request(std::uint32_t id) { return sftp_request(shared_from_this(), id); }

 private:
  std::size_t queued() const;
  void read_more();
  void on_end(boost::system::error_code ec);
  void on_bytes(std::size_t n);
  void answer(byte_view payload);
  void on_reply(bytes packet);
  void queue(bytes packet);
  void write_next();
  void fail(const std::string& why);
  void finish(boost::system::error_code ec);
  void debug(const std::string& line) const;

  channel ch_;
  boost::asio::any_io_executor executor_;
  std::shared_ptr<sftp_server_handlers> handlers_;  // released when the session ends
  sftp_server_options options_;
  detail::completion<boost::system::error_code> done_;
  sftp::protocol::frame_buffer input_;
  std::deque<bytes> out_;
  std::vector<bytes> writing_;  // the replies of the write in progress, written in place
  std::vector<boost::asio::const_buffer> writing_buffers_;
  std::size_t in_flight_ = 0;  // requests handed out and not yet answered
  bool write_in_progress_ = false;
  bool read_pending_ = false;
  bool initialised_ = false;
  bool closing_ = false;
  bool ended_ = false;
};

/// Calls the handler member that `request` (not INIT) names, with a request object made by
/// `session`.
void dispatch(sftp_server_handlers& handlers, sftp_request r, sftp::protocol::request&& request,
              bool openssh_symlink_order);

}  // namespace sshlib::sftp_detail
