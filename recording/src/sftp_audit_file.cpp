#include "sftp_audit_file.hpp"

#include <sshlib/sftp_types.hpp>

#include <algorithm>
#include <utility>

namespace bastion::recording::sftp_detail {

namespace {

using sshlib::sftp::open_mode;

std::string hex(const sshlib::bytes& digest) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(digest.size() * 2);
  for (const std::uint8_t b : digest) {
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 0x0f]);
  }
  return out;
}

bool has(std::uint32_t flags, open_mode flag) noexcept {
  return (flags & static_cast<std::uint32_t>(flag)) != 0;
}

// The digest of what a hasher saw, or of nothing when none was needed (an empty file).
std::string digest_of(std::optional<sshlib::crypto::hasher>& h) {
  if (!h) h.emplace(sshlib::crypto::digest_algorithm::sha256);
  return hex(h->finish());
}

}  // namespace

file_state::file_state(std::string path, bool directory, std::uint32_t flags, bool hash,
                       held_budget& budget)
    : path_(std::move(path)),
      directory_(directory),
      flags_(flags),
      hash_(hash),
      budget_(budget),
      write_chain_(opened_for_upload()) {}

file_state::~file_state() {
  release_held();
}

bool file_state::opened_for_upload() const noexcept {
  // Only a file that starts empty ends up holding exactly the bytes written.
  return !directory_ && has(flags_, open_mode::write) &&
         (has(flags_, open_mode::truncate) || has(flags_, open_mode::exclusive));
}

void file_state::write_begin(std::uint64_t offset, std::size_t length) {
  write_sent_ = true;
  ++writes_unanswered_;
  // APPEND writes land at the end whatever their offset, so order alone decides.
  write_current_hashed_ = write_chain_ && (offset == write_next_ || has(flags_, open_mode::append));
  if (!write_current_hashed_) {
    write_chain_ = false;
    write_hash_.reset();
    return;
  }
  write_next_ += length;
  if (hash_ && !write_hash_) write_hash_.emplace(sshlib::crypto::digest_algorithm::sha256);
}

void file_state::write_data(sshlib::byte_view piece) {
  if (write_current_hashed_ && write_hash_) write_hash_->update(piece);
}

void file_state::write_answered(bool ok, std::size_t length) {
  if (writes_unanswered_ != 0) --writes_unanswered_;
  if (ok) {
    bytes_written_ += length;
    ++write_ops_;
  } else {
    write_chain_ = false;
    write_hash_.reset();
  }
}

void file_state::written_elsewhere() noexcept {
  write_sent_ = true;
  write_chain_ = false;
  write_hash_.reset();
}

void file_state::read_begin(std::uint64_t offset, std::uint32_t asked, std::size_t length) {
  read_answered_ = true;
  bytes_read_ += length;
  ++read_ops_;
  read_current_length_ = length;
  // Saturating: an offset near 2^64 must not wrap the end below it.
  read_current_asked_end_ = asked > ~std::uint64_t{0} - offset ? ~std::uint64_t{0} : offset + asked;
  read_mode_ = read_mode::skip;
  if (!read_chain_) return;
  if (offset == read_next_) {
    if (hash_ && !read_hash_) read_hash_.emplace(sshlib::crypto::digest_algorithm::sha256);
    read_mode_ = read_mode::hash;
    return;
  }
  // Behind what is hashed (a re-read), a second reply for a held offset, or over budget:
  // the order can no longer be trusted or afforded.
  if (offset < read_next_ || held_.contains(offset) || length > budget_.cap - budget_.used) {
    give_up_reads();
    return;
  }
  holding_ = &held_[offset];
  holding_->data.reserve(length);
  holding_->asked_end = read_current_asked_end_;
  budget_.used += length;
  held_bytes_ += length;
  read_mode_ = read_mode::hold;
}

void file_state::read_data(sshlib::byte_view piece) {
  if (read_mode_ == read_mode::hash) {
    if (read_hash_) read_hash_->update(piece);
  } else if (read_mode_ == read_mode::hold) {
    holding_->data.insert(holding_->data.end(), piece.begin(), piece.end());
  }
}

void file_state::read_end() {
  if (read_mode_ == read_mode::hash) {
    read_next_ += read_current_length_;
    read_asked_end_ = read_current_asked_end_;
    drain_held();
  }
  read_mode_ = read_mode::skip;
  holding_ = nullptr;
}

void file_state::read_status(std::uint64_t offset, bool eof) {
  read_answered_ = true;
  if (!eof) {
    give_up_reads();
    return;
  }
  if (!eof_at_ || offset < *eof_at_) eof_at_ = offset;
}

void file_state::readdir_answered(std::size_t count) noexcept {
  ++readdir_ops_;
  entries_ += count;
}

void file_state::drain_held() {
  while (!held_.empty() && read_chain_) {
    auto it = held_.begin();
    if (it->first > read_next_) return;
    if (it->first < read_next_) {  // overlaps what is hashed
      give_up_reads();
      return;
    }
    const std::size_t n = it->second.data.size();
    if (read_hash_) read_hash_->update(it->second.data);
    read_next_ += n;
    read_asked_end_ = it->second.asked_end;
    budget_.used -= n;
    held_bytes_ -= n;
    held_.erase(it);
  }
}

void file_state::give_up_reads() noexcept {
  read_chain_ = false;
  read_mode_ = read_mode::skip;
  read_hash_.reset();
  release_held();
}

void file_state::release_held() noexcept {
  budget_.used -= held_bytes_;
  held_bytes_ = 0;
  held_.clear();
  holding_ = nullptr;
}

void file_state::summarize(nlohmann::json& fields) {
  if (directory_) {
    fields["kind"] = "dir";
    fields["entries"] = entries_;
    fields["readdir_ops"] = readdir_ops_;
    return;
  }
  fields["kind"] = "file";
  fields["bytes_read"] = bytes_read_;
  fields["bytes_written"] = bytes_written_;
  fields["read_ops"] = read_ops_;
  fields["write_ops"] = write_ops_;
  const bool upload = write_chain_ && !read_answered_ && writes_unanswered_ == 0;
  const bool download = !write_sent_ && read_answered_ && read_chain_ && held_.empty() && eof_at_ &&
                        *eof_at_ >= read_next_ && *eof_at_ <= std::max(read_next_, read_asked_end_);
  if (upload || download) {
    fields["whole"] = true;
    if (hash_) fields["sha256"] = digest_of(upload ? write_hash_ : read_hash_);
  } else if (write_sent_ || read_answered_) {
    fields["whole"] = false;
  }
  release_held();
}

}  // namespace bastion::recording::sftp_detail
