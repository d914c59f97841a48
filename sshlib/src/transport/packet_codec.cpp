#include "transport/packet_codec.hpp"

#include "crypto/random.hpp"
#include "transport/limits.hpp"
#include "wire/limits.hpp"

#include <algorithm>
#include <cstring>

namespace sshlib::transport {
namespace {

// Without keys the "block" is 8 (RFC 4253 section 6: at least 8).
constexpr std::size_t plain_block = 8;

void put_u32(std::uint8_t* p, std::uint32_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 24);
  p[1] = static_cast<std::uint8_t>(v >> 16);
  p[2] = static_cast<std::uint8_t>(v >> 8);
  p[3] = static_cast<std::uint8_t>(v);
}

std::uint32_t get_u32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

}  // namespace

std::size_t packet_sealer::block_size() const noexcept {
  return protection_ ? std::max(protection_->block_size(), plain_block) : plain_block;
}

void packet_sealer::install(std::unique_ptr<crypto::packet_protection> protection, bool reset_sequence) {
  protection_ = std::move(protection);
  if (reset_sequence) sequence_ = 0;
  counters_ = {};
}

result<void> packet_sealer::seal(byte_view payload, bytes& out) {
  if (compressor_) {
    scratch_.clear();
    if (auto r = compressor_->compress(payload, scratch_); !r) return r;
    payload = scratch_;
  }
  const std::size_t block = block_size();
  const bool aad = protection_ && protection_->length_is_aad();
  const std::size_t tag = protection_ ? protection_->tag_length() : 0;
  // RFC 4253 section 6: padding of 4..255 bytes making the padded region a block multiple.
  const std::size_t covered = (aad ? 0 : 4) + 1 + payload.size();
  std::size_t padding = block - covered % block;
  if (padding < 4) padding += block;
  const std::size_t packet_length = 1 + payload.size() + padding;
  if (packet_length > wire::limits::max_packet_length) {
    return error{errc::length_exceeds_limit, "outgoing payload of " + std::to_string(payload.size()) + " bytes is too large"};
  }
  const std::size_t at = out.size();
  out.resize(at + 4 + packet_length + tag);
  std::uint8_t* p = out.data() + at;
  put_u32(p, static_cast<std::uint32_t>(packet_length));
  p[4] = static_cast<std::uint8_t>(padding);
  std::memcpy(p + 5, payload.data(), payload.size());
  crypto::random_fill(mutable_byte_view(p + 5 + payload.size(), padding));
  if (protection_) {
    if (auto r = protection_->seal(sequence_, mutable_byte_view(p, 4 + packet_length + tag)); !r) {
      out.resize(at);
      return r;
    }
  }
  ++sequence_;  // wraps modulo 2^32 (RFC 4253 section 6.4)
  ++counters_.packets;
  counters_.bytes += 4 + packet_length + tag;
  counters_.blocks += (4 + packet_length) / block;
  return {};
}

std::size_t packet_opener::block_size() const noexcept {
  return protection_ ? std::max(protection_->block_size(), plain_block) : plain_block;
}

void packet_opener::install(std::unique_ptr<crypto::packet_protection> protection, bool reset_sequence) {
  protection_ = std::move(protection);
  if (reset_sequence) sequence_ = 0;
  counters_ = {};
}

mutable_byte_view packet_opener::prepare(std::size_t n) {
  // Move unread bytes to the front once the consumed part dominates, so the buffer stays
  // about one packet plus one read in size.
  if (start_ > 0 && (start_ >= buffer_.size() / 2 || end_ == start_)) {
    std::memmove(buffer_.data(), buffer_.data() + start_, end_ - start_);
    end_ -= start_;
    start_ = 0;
  }
  if (buffer_.size() < end_ + n) buffer_.resize(end_ + n);
  return {buffer_.data() + end_, n};
}

void packet_opener::push(byte_view data) {
  auto space = prepare(data.size());
  std::copy(data.begin(), data.end(), space.begin());
  commit(data.size());
}

result<std::optional<byte_view>> packet_opener::fail(error e) {
  failed_ = true;
  return e;
}

result<std::optional<byte_view>> packet_opener::next() {
  if (failed_) return error{errc::connection_closed, "the packet stream already failed"};
  std::uint8_t* p = buffer_.data() + start_;
  const std::size_t have = end_ - start_;
  const std::size_t tag = protection_ ? protection_->tag_length() : 0;
  if (!pending_length_) {
    const std::size_t prefix = protection_ ? protection_->length_prefix_size() : 4;
    if (have < prefix) return std::optional<byte_view>{};
    if (protection_) {
      auto len = protection_->open_length(sequence_, mutable_byte_view(p, prefix));
      if (!len) return fail(len.error());
      pending_length_ = *len;
    } else {
      const std::uint32_t len = get_u32(p);
      if (len < 5 || len > wire::limits::max_packet_length || (len + 4) % plain_block != 0) {
        return fail({errc::invalid_value, "bad packet length " + std::to_string(len)});
      }
      pending_length_ = len;
    }
  }
  const std::size_t total = 4 + std::size_t{*pending_length_} + tag;
  if (have < total) return std::optional<byte_view>{};
  if (protection_) {
    if (auto r = protection_->open(sequence_, mutable_byte_view(p, total)); !r) return fail(r.error());
  }
  const std::size_t packet_length = *pending_length_;
  pending_length_.reset();
  const std::size_t padding = p[4];
  if (padding < 4 || padding + 1 > packet_length) {
    return fail({errc::invalid_value, "bad padding length " + std::to_string(padding)});
  }
  start_ += total;
  ++sequence_;
  ++counters_.packets;
  counters_.bytes += total;
  counters_.blocks += (4 + packet_length) / block_size();
  byte_view payload(p + 5, packet_length - 1 - padding);
  if (decompressor_) {
    if (auto r = decompressor_->decompress(payload, inflated_, limits::max_decompressed_payload); !r) {
      return fail(r.error());
    }
    payload = inflated_;
  }
  return std::optional<byte_view>{payload};
}

}  // namespace sshlib::transport
