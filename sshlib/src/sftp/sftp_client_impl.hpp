// The state behind sshlib::sftp_client: one channel, a table of requests waiting for their
// replies (matched by id), a queue of encoded requests for the channel, and the framing of
// replies read from it. Plain callbacks, no coroutines: each request is a few allocations
// and one completion, and fast_get keeps dozens in flight.
#pragma once

#include "sftp/sftp_codec.hpp"
#include "sftp/sftp_frame_buffer.hpp"
#include "sftp/sftp_messages.hpp"

#include <sshlib/detail/unique_function.hpp>
#include <sshlib/sftp_client.hpp>

#include <boost/system/error_code.hpp>

#include <deque>
#include <optional>
#include <unordered_map>

namespace sshlib {

class sftp_client_impl : public std::enable_shared_from_this<sftp_client_impl> {
public:
  /// A reply, or the error that ended the wait (the channel closed, the session failed).
  using reply_handler = detail::unique_function<void(boost::system::error_code, sftp::protocol::response*)>;

  sftp_client_impl(channel ch, sftp_options options);
  /// The last sftp_client is gone and nothing is outstanding: the channel goes too.
  ~sftp_client_impl();
  sftp_client_impl(const sftp_client_impl&) = delete;
  sftp_client_impl& operator=(const sftp_client_impl&) = delete;

  /// INIT, VERSION, then limits@openssh.com when offered.
  void start(detail::unique_function<void(boost::system::error_code)> done);

  /// Gives the request the next id, sends it (or queues it while max_outstanding_requests
  /// are unanswered) and calls `on_reply` with the reply of that id.
  void send(sftp::protocol::request request, reply_handler on_reply);

  void close();
  bool is_open() const noexcept { return !failed_; }
  boost::asio::any_io_executor executor() const { return channel_.get_executor(); }
  const sftp_options& options() const noexcept { return options_; }

  const std::vector<std::pair<std::string, std::string>>& extensions() const noexcept { return extensions_; }
  bool has_extension(std::string_view name) const;
  const sftp::server_limits& limits() const noexcept { return limits_; }
  /// Largest READ length and WRITE data this server takes in one request.
  std::size_t max_read() const noexcept;
  std::size_t max_write() const noexcept;

private:
  struct queued {
    std::uint32_t id;
    sftp::protocol::request request;
    reply_handler on_reply;
  };

  void transmit(queued q);
  void write_next();
  void read_more();
  void on_bytes(std::size_t n);
  bool dispatch(sftp::protocol::response&& r);
  void fail(boost::system::error_code ec, std::string_view why);
  void debug(std::string_view line) const;

  channel channel_;
  sftp_options options_;
  std::uint32_t next_id_ = 1;
  std::unordered_map<std::uint32_t, reply_handler> pending_;
  std::deque<queued> waiting_;  // over max_outstanding_requests, not yet sent
  std::deque<bytes> outgoing_;  // encoded, not yet handed to the channel
  bytes writing_;               // what the channel is writing now
  bool write_in_progress_ = false;
  sftp::protocol::frame_buffer input_;  // received, not yet taken as replies
  std::optional<boost::system::error_code> failed_;
  std::optional<detail::unique_function<void(boost::system::error_code)>> version_waiter_;
  std::vector<std::pair<std::string, std::string>> extensions_;
  sftp::server_limits limits_;
};

}  // namespace sshlib
