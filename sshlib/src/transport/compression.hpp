// zlib compression of packet payloads (RFC 4253 section 6.2): one deflate stream per
// direction for the life of the keys, flushed at the end of every packet so that each packet
// can be decompressed on arrival. "zlib@openssh.com" is the same, started after user
// authentication succeeds (OpenSSH PROTOCOL section 1.3).
#pragma once

#include <sshlib/bytes.hpp>
#include <sshlib/result.hpp>

#include <memory>

namespace sshlib::transport {

class compressor {
public:
  /// Errors: crypto_failure is not possible; invalid_value if zlib cannot initialise.
  static result<std::unique_ptr<compressor>> create();
  compressor();  // use create(): it initialises zlib
  ~compressor();
  /// Appends the compressed form of `payload` to `out` (a partial flush: decodable alone).
  result<void> compress(byte_view payload, bytes& out);

private:
  struct state;
  std::unique_ptr<state> s_;
};

class decompressor {
public:
  static result<std::unique_ptr<decompressor>> create();
  decompressor();  // use create(): it initialises zlib
  ~decompressor();
  /// Replaces `out` with the payload inflated from `compressed`. Errors: decompression_failed
  /// for corrupt data or output beyond `max_size` (a zip bomb).
  result<void> decompress(byte_view compressed, bytes& out, std::size_t max_size);

private:
  struct state;
  std::unique_ptr<state> s_;
};

}  // namespace sshlib::transport
