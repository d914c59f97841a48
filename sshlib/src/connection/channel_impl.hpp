// The state of one channel: ids, both windows, the receive buffers per stream, parked read
// and write operations, outstanding requests, EOF/CLOSE bookkeeping (RFC 4254 section 5).
// Owned by the connection_core's channel table and by every sshlib::channel handle.
#pragma once

#include "connection/channel_messages.hpp"

#include <sshlib/channel.hpp>

#include <boost/asio/buffer.hpp>

#include <deque>
#include <memory>
#include <optional>

namespace sshlib {

namespace connection {
class connection_core;
}

class channel_impl : public std::enable_shared_from_this<channel_impl> {
 public:
  using read_done = detail::completion<boost::system::error_code, std::size_t>;

  channel_impl(std::weak_ptr<connection::connection_core> core, boost::asio::any_io_executor ex,
               std::string type, std::uint32_t local_id)
      : core_(std::move(core)),
        executor_(std::move(ex)),
        type_(std::move(type)),
        local_id_(local_id) {}

  boost::asio::any_io_executor executor() const { return executor_; }
  const std::string& type() const noexcept { return type_; }
  std::uint32_t local_id() const noexcept { return local_id_; }

  // From the public handle.
  void read(std::uint32_t data_type, boost::asio::mutable_buffer b, read_done done);
  /// Takes what is buffered now: would_block when nothing is, eof once it has ended.
  std::size_t read_now(std::uint32_t data_type, boost::asio::mutable_buffer b,
                       boost::system::error_code& ec);
  /// Completes when read_now would not give would_block.
  void wait_readable(std::uint32_t data_type, detail::completion<boost::system::error_code> done);
  void write(std::uint32_t data_type, boost::asio::const_buffer b, read_done done);
  void request(std::string type, bool want_reply, bytes data,
               detail::completion<boost::system::error_code> done);
  void send_eof();
  void close();
  void wait_closed(detail::completion<boost::system::error_code> done);

  // From the connection's dispatcher.
  void opened(std::uint32_t remote_id, std::uint32_t remote_window,
              std::uint32_t remote_max_packet);
  result<void> on_data(std::uint32_t data_type, byte_view data);
  void on_window_adjust(std::uint32_t add);
  void on_eof();
  void on_close();
  void on_request_reply(bool success);
  result<void> on_request(const connection::channel_request_message& m);
  /// The connection ended: fail everything parked.
  void abort(const boost::system::error_code& ec);
  /// The peer refused to open it: every operation fails with channel_open_failed.
  void refused(open_failure_info why);

  /// Bytes the receive buffer of a stream holds in memory, consumed or not (for tests of
  /// its bound).
  std::size_t receive_buffer_footprint(std::uint32_t data_type) const noexcept {
    return streams_[data_type == 0 ? 0 : 1].data.size();
  }
  /// Bytes allocated for the receive buffer of a stream (what an idle channel costs).
  std::size_t receive_buffer_capacity(std::uint32_t data_type) const noexcept {
    return streams_[data_type == 0 ? 0 : 1].data.capacity();
  }

  bool open_ = false;
  bool close_sent_ = false, close_received_ = false;
  bool eof_sent_ = false, eof_received_ = false;
  exit_info exit_;
  std::optional<open_failure_info> open_failure_;
  std::function<void(channel_request)> request_handler_;

 private:
  struct stream_buffer {
    bytes data;
    std::size_t start = 0;
    std::size_t size() const noexcept { return data.size() - start; }
    std::optional<std::pair<boost::asio::mutable_buffer, read_done>> parked;
    detail::completion<boost::system::error_code> readable_waiter;
  };
  struct parked_write {
    std::uint32_t data_type;
    boost::asio::const_buffer buffer;
    read_done done;
  };

  struct pending_reply {
    bool decided = false;
    bool ok = false;
  };
  void flush_replies();
  void deliver(stream_buffer& s);
  std::size_t take(stream_buffer& s, boost::asio::mutable_buffer b);
  bool read_ended() const noexcept {
    return eof_received_ || close_received_ || close_sent_ || aborted_;
  }
  boost::system::error_code end_of_reading() const;
  void try_write();
  void maybe_adjust_window(std::size_t consumed);
  void finish_if_closed();
  void release_handler();
  std::shared_ptr<connection::connection_core> core() const { return core_.lock(); }

  std::weak_ptr<connection::connection_core> core_;
  boost::asio::any_io_executor executor_;
  std::string type_;
  std::uint32_t local_id_;
  std::uint32_t remote_id_ = 0;
  std::uint64_t remote_window_ = 0;
  std::uint32_t remote_max_packet_ = 0;
  std::uint32_t local_window_ = connection::limits::default_window;  // what the peer may still send
  std::size_t unacknowledged_ = 0;  // consumed by the reader but not yet granted back
  stream_buffer streams_[2];        // data, stderr
  std::deque<parked_write> writes_;
  bool write_in_progress_ = false;
  bool in_request_handler_ = false;
  std::deque<detail::completion<boost::system::error_code>> pending_requests_;
  std::deque<std::shared_ptr<pending_reply>> reply_queue_;  // the peer's requests, in order
  std::vector<detail::completion<boost::system::error_code>> closed_waiters_;
  std::optional<boost::system::error_code> aborted_;
};

}  // namespace sshlib
