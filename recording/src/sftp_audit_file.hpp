// What the SFTP audit knows about one open handle: the path it was opened with, the bytes
// and operations of its READs and WRITEs, and whether the data seen so far is the whole file
// in order, with its running SHA-256.
//
// A file counts as transferred whole (docs/recording.md, "SFTP audit"):
//   upload: opened for writing with TRUNC or EXCL (so it started empty), never read, every
//     WRITE's offset continuing the previous one in the order sent (APPEND: any offset) and
//     every WRITE answered OK;
//   download: never written, the DATA replies matched to their READ's offset covering
//     0..end without gap or overlap, and a READ at the end answered EOF. Replies that come
//     ahead of an earlier one are held (bounded by a budget shared by all files) until the
//     gap is filled. "At the end" includes an EOF for a READ inside the range the last
//     (short) DATA was asked for: servers answer short only at the end of a file, and
//     clients other than OpenSSH's do not always ask again for the rest.
#pragma once

#include "crypto/digest.hpp"

#include <sshlib/bytes.hpp>

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace bastion::recording::sftp_detail {

/// Bytes of READ replies held out of order, all files of one audit together.
struct held_budget {
  std::size_t used = 0;
  std::size_t cap = 0;
};

class file_state {
 public:
  /// `flags`: OPEN's pflags (0 for a directory). `hash`: whether to compute SHA-256.
  /// `budget` must outlive the file_state.
  file_state(std::string path, bool directory, std::uint32_t flags, bool hash, held_budget& budget);
  ~file_state();
  file_state(const file_state&) = delete;
  file_state& operator=(const file_state&) = delete;

  const std::string& path() const noexcept { return path_; }
  bool directory() const noexcept { return directory_; }

  /// A WRITE of `length` bytes at `offset` was sent; its data follows in write_data.
  void write_begin(std::uint64_t offset, std::size_t length);
  void write_data(sshlib::byte_view piece);
  /// The server answered a WRITE of `length` bytes.
  void write_answered(bool ok, std::size_t length);

  /// The file was written without its data crossing the channel (copy-data).
  void written_elsewhere() noexcept;

  /// A DATA reply of `length` bytes to a READ of `asked` bytes at `offset`; its data
  /// follows in read_data, then read_end.
  void read_begin(std::uint64_t offset, std::uint32_t asked, std::size_t length);
  void read_data(sshlib::byte_view piece);
  void read_end();
  /// A READ at `offset` answered by a STATUS: EOF marks the end of the file, anything else
  /// breaks the whole-file chain.
  void read_status(std::uint64_t offset, bool eof);

  /// A READDIR answered: by a NAME of `count` entries, or by a STATUS (0).
  void readdir_answered(std::size_t count) noexcept;

  /// Adds the counters to a "close" event's fields and, for a file transferred whole, its
  /// "sha256" ("whole": true/false whenever data moved). Called once, at the end.
  void summarize(nlohmann::json& fields);

 private:
  enum class read_mode : std::uint8_t { skip, hash, hold };

  bool opened_for_upload() const noexcept;
  void give_up_reads() noexcept;
  void drain_held();
  void release_held() noexcept;

  std::string path_;
  bool directory_;
  std::uint32_t flags_;
  bool hash_;
  held_budget& budget_;

  std::uint64_t bytes_read_ = 0, bytes_written_ = 0, read_ops_ = 0, write_ops_ = 0;
  std::uint64_t entries_ = 0, readdir_ops_ = 0;

  // Writes: the chain is unbroken while write_chain_ holds.
  bool write_sent_ = false;
  bool write_chain_;
  bool write_current_hashed_ = false;
  std::uint64_t write_next_ = 0;
  std::uint64_t writes_unanswered_ = 0;
  std::optional<sshlib::crypto::hasher> write_hash_;

  // Reads: replies hashed up to read_next_; later ones held by offset.
  bool read_answered_ = false;
  bool read_chain_ = true;
  read_mode read_mode_ = read_mode::skip;
  std::size_t read_current_length_ = 0;
  std::uint64_t read_next_ = 0;
  std::uint64_t read_asked_end_ = 0;  // end of the range the last hashed READ asked for
  std::uint64_t read_current_asked_end_ = 0;
  std::optional<std::uint64_t> eof_at_;
  struct held_reply {
    sshlib::bytes data;
    std::uint64_t asked_end = 0;
  };
  std::map<std::uint64_t, held_reply> held_;
  held_reply* holding_ = nullptr;  // the held_ entry the current DATA fills
  std::size_t held_bytes_ = 0;
  std::optional<sshlib::crypto::hasher> read_hash_;
};

}  // namespace bastion::recording::sftp_detail
