// sftp_audit's state, shared by its translation units: sftp_audit.cpp (framing, the
// session, replies, end) and sftp_audit_requests.cpp (one handler per request).
#pragma once

#include "bastion/recording/sftp_audit.hpp"
#include "sftp_audit_file.hpp"
#include "sftp_audit_framer.hpp"

#include "sftp/sftp_messages.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

namespace bastion::recording {

namespace sftp_detail {

/// Reply types that may answer a request, besides STATUS, which answers any.
enum reply_bits : std::uint8_t {
  reply_handle = 1,
  reply_data = 2,
  reply_name = 4,
  reply_attrs = 8,
  reply_extended = 16,
  reply_any = 0xff,
};

/// A request waiting for its reply, with what its event needs.
struct pending_op {
  enum class kind : std::uint8_t { read, write, open, opendir, close, readdir, plain };
  kind what = kind::plain;
  sshlib::sftp::protocol::message_type type{};  // of the request, for error details
  std::uint8_t accepts = 0;                     // reply_bits
  std::uint64_t seq = 0;                        // order sent, for end()
  std::shared_ptr<file_state> file;             // the handle's, when it names a known one
  std::uint64_t offset = 0;                     // READ
  std::uint32_t asked = 0;                      // READ: the length asked for
  std::size_t length = 0;                       // WRITE
  std::uint32_t open_flags = 0;                 // OPEN
  std::string handle;                           // CLOSE: the handle to forget
  const char* name_field = nullptr;             // where a NAME reply's first file name goes
  bool symlink = false;                         // fields "link" and "target" in draft order
  std::string op;                               // the event's name
  nlohmann::json fields;                        // what the request said
};

struct open_handle {
  std::shared_ptr<file_state> file;
  std::uint64_t seq = 0;  // when it was opened, for end()
};

}  // namespace sftp_detail

class sftp_audit::impl {
 public:
  impl(sink s, sftp_audit_limits limits);
  ~impl();
  impl(const impl&) = delete;
  impl& operator=(const impl&) = delete;

  void from_client(sshlib::byte_view bytes) {
    if (!stopped_ && !ended_) client_framer_.feed(bytes);
  }
  void from_server(sshlib::byte_view bytes) {
    if (!stopped_ && !ended_) server_framer_.feed(bytes);
  }
  void end();
  bool stopped() const noexcept { return stopped_; }
  const std::string& stop_reason() const noexcept { return reason_; }

  // The requests (sftp_audit_requests.cpp); each returns false when it stopped the audit.
  bool on_request(const sshlib::sftp::protocol::init_request& m);
  bool on_request(const sshlib::sftp::protocol::open_request& m);
  bool on_request(const sshlib::sftp::protocol::close_request& m);
  bool on_request(const sshlib::sftp::protocol::read_request& m);
  bool on_request(const sshlib::sftp::protocol::write_request& m);
  bool on_request(const sshlib::sftp::protocol::lstat_request& m);
  bool on_request(const sshlib::sftp::protocol::fstat_request& m);
  bool on_request(const sshlib::sftp::protocol::setstat_request& m);
  bool on_request(const sshlib::sftp::protocol::fsetstat_request& m);
  bool on_request(const sshlib::sftp::protocol::opendir_request& m);
  bool on_request(const sshlib::sftp::protocol::readdir_request& m);
  bool on_request(const sshlib::sftp::protocol::remove_request& m);
  bool on_request(const sshlib::sftp::protocol::mkdir_request& m);
  bool on_request(const sshlib::sftp::protocol::rmdir_request& m);
  bool on_request(const sshlib::sftp::protocol::realpath_request& m);
  bool on_request(const sshlib::sftp::protocol::stat_request& m);
  bool on_request(const sshlib::sftp::protocol::rename_request& m);
  bool on_request(const sshlib::sftp::protocol::readlink_request& m);
  bool on_request(const sshlib::sftp::protocol::symlink_request& m);
  bool on_request(const sshlib::sftp::protocol::posix_rename_request& m);
  bool on_request(const sshlib::sftp::protocol::statvfs_request& m);
  bool on_request(const sshlib::sftp::protocol::fstatvfs_request& m);
  bool on_request(const sshlib::sftp::protocol::hardlink_request& m);
  bool on_request(const sshlib::sftp::protocol::fsync_request& m);
  bool on_request(const sshlib::sftp::protocol::lsetstat_request& m);
  bool on_request(const sshlib::sftp::protocol::limits_request& m);
  bool on_request(const sshlib::sftp::protocol::expand_path_request& m);
  bool on_request(const sshlib::sftp::protocol::copy_data_request& m);
  bool on_request(const sshlib::sftp::protocol::home_directory_request& m);
  bool on_request(const sshlib::sftp::protocol::users_groups_by_id_request& m);
  bool on_request(const sshlib::sftp::protocol::extended_request& m);

 private:
  class client_side;
  class server_side;
  friend class client_side;
  friend class server_side;

  // Framed input (sftp_audit.cpp).
  bool client_packet(sshlib::byte_view payload);
  bool write_head(sshlib::byte_view head, std::size_t data_length);
  bool server_packet(sshlib::byte_view payload);
  bool data_head(sshlib::byte_view head, std::size_t data_length);

  // Replies (sftp_audit.cpp).
  bool on_version(const sshlib::sftp::protocol::version_response& m);
  bool on_reply(sftp_detail::pending_op& op, const sshlib::sftp::protocol::status_response& m);
  bool on_reply(sftp_detail::pending_op& op, const sshlib::sftp::protocol::handle_response& m);
  bool on_reply(sftp_detail::pending_op& op, const sshlib::sftp::protocol::name_response& m);
  bool on_reply(sftp_detail::pending_op& op, const sshlib::sftp::protocol::attrs_response& m);
  bool on_reply(sftp_detail::pending_op& op, const sshlib::sftp::protocol::extended_reply& m);
  bool on_reply(sftp_detail::pending_op& op, const sshlib::sftp::protocol::data_response& m);
  bool on_reply(sftp_detail::pending_op& op, const sshlib::sftp::protocol::version_response& m);

  // Helpers.
  /// Records a request; false (and stopped) when its id is taken or the table is full.
  bool add_pending(std::uint32_t id, sftp_detail::pending_op op);
  /// A pending_op for an event named `op` with `fields`, answered by STATUS or `accepts`.
  static sftp_detail::pending_op plain(sshlib::sftp::protocol::message_type type, std::string op,
                                       nlohmann::json fields, std::uint8_t accepts = 0);
  std::shared_ptr<sftp_detail::file_state> find_handle(sshlib::byte_view handle) const;
  /// The path a handle was opened with, or null for a handle the audit does not know.
  nlohmann::json handle_path(sshlib::byte_view handle) const;
  void emit_op(sftp_detail::pending_op& op, const nlohmann::json& result);
  void emit_close(sftp_detail::file_state* file, nlohmann::json fields, bool closed);
  bool stop(std::string reason);

  // Declared first so that it outlives every file_state holding a reference to it.
  sftp_detail::held_budget budget_;
  sink sink_;
  sftp_audit_limits limits_;
  std::unordered_map<std::uint32_t, sftp_detail::pending_op> pending_;
  std::unordered_map<std::string, sftp_detail::open_handle> handles_;
  std::unique_ptr<client_side> client_side_;
  std::unique_ptr<server_side> server_side_;
  sftp_detail::sftp_framer client_framer_;
  sftp_detail::sftp_framer server_framer_;
  std::shared_ptr<sftp_detail::file_state> client_bulk_;  // the file the current WRITE is to
  std::shared_ptr<sftp_detail::file_state> server_bulk_;  // the file the current DATA is from
  std::uint64_t seq_ = 0;
  std::uint32_t client_version_ = 0;
  nlohmann::json client_extensions_ = nlohmann::json::array();
  bool init_seen_ = false;
  bool version_seen_ = false;
  bool openssh_server_ = false;  // announced an @openssh.com extension: SYMLINK's order
  bool ended_ = false;
  bool stopped_ = false;
  std::string reason_;
};

}  // namespace bastion::recording
