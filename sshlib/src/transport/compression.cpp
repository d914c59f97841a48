#include "transport/compression.hpp"

#include <zlib.h>

namespace sshlib::transport {

struct compressor::state {
  z_stream z{};
  bool ready = false;
  ~state() {
    if (ready) deflateEnd(&z);
  }
};

compressor::compressor() : s_(std::make_unique<state>()) {}
compressor::~compressor() = default;

result<std::unique_ptr<compressor>> compressor::create() {
  auto c = std::make_unique<compressor>();
  if (deflateInit(&c->s_->z, Z_DEFAULT_COMPRESSION) != Z_OK) {
    return error{errc::invalid_value, "zlib deflateInit failed"};
  }
  c->s_->ready = true;
  return c;
}

result<void> compressor::compress(byte_view payload, bytes& out) {
  z_stream& z = s_->z;
  z.next_in = const_cast<Bytef*>(payload.data());
  z.avail_in = static_cast<uInt>(payload.size());
  std::uint8_t chunk[4096];
  do {
    z.next_out = chunk;
    z.avail_out = sizeof chunk;
    const int rc = deflate(&z, Z_PARTIAL_FLUSH);
    if (rc != Z_OK && rc != Z_BUF_ERROR) return error{errc::invalid_value, "zlib deflate failed"};
    out.insert(out.end(), chunk, chunk + (sizeof chunk - z.avail_out));
  } while (z.avail_out == 0);
  return {};
}

struct decompressor::state {
  z_stream z{};
  bool ready = false;
  ~state() {
    if (ready) inflateEnd(&z);
  }
};

decompressor::decompressor() : s_(std::make_unique<state>()) {}
decompressor::~decompressor() = default;

result<std::unique_ptr<decompressor>> decompressor::create() {
  auto d = std::make_unique<decompressor>();
  if (inflateInit(&d->s_->z) != Z_OK) return error{errc::invalid_value, "zlib inflateInit failed"};
  d->s_->ready = true;
  return d;
}

result<void> decompressor::decompress(byte_view compressed, bytes& out, std::size_t max_size) {
  z_stream& z = s_->z;
  out.clear();
  z.next_in = const_cast<Bytef*>(compressed.data());
  z.avail_in = static_cast<uInt>(compressed.size());
  std::uint8_t chunk[4096];
  while (true) {
    z.next_out = chunk;
    z.avail_out = sizeof chunk;
    const int rc = inflate(&z, Z_SYNC_FLUSH);
    const std::size_t produced = sizeof chunk - z.avail_out;
    if (rc != Z_OK && !(rc == Z_BUF_ERROR && produced == 0)) {
      return error{errc::decompression_failed, "corrupt zlib data in a packet"};
    }
    if (out.size() + produced > max_size) {
      return error{errc::decompression_failed, "a packet inflates beyond " + std::to_string(max_size) + " bytes"};
    }
    out.insert(out.end(), chunk, chunk + produced);
    if (z.avail_in == 0 && z.avail_out != 0) return {};
    if (rc == Z_BUF_ERROR) return {};
  }
}

}  // namespace sshlib::transport
