// Pieces the codec's translation units share: building a framed message (length placeholder
// patched once the body is written, size checked against the cap) and the add-identity
// decoder, which lives in its own file with the constraint parser.
#pragma once

#include "agent/agent_codec.hpp"
#include "wire/reader.hpp"
#include "wire/writer.hpp"

#include <string>

namespace sshlib::agent_protocol {

/// Writes one framed message into a Container (bytes, or secure_bytes for messages that
/// carry secrets).
template <class Container>
class message_builder {
public:
  explicit message_builder(message_type type) : out_(frame_header_size, 0), w_(out_) {
    w_.write_byte(static_cast<std::uint8_t>(type));
  }
  message_builder(const message_builder&) = delete;
  message_builder& operator=(const message_builder&) = delete;

  wire::basic_writer<Container>& writer() noexcept { return w_; }

  /// Patches the length prefix. Errors: length_exceeds_limit when the payload is larger
  /// than an agent accepts.
  result<Container> finish() && {
    const std::size_t length = out_.size() - frame_header_size;
    if (length > limits::max_message_length) {
      return error{errc::length_exceeds_limit, "agent message of " + std::to_string(length) + " bytes, above " +
                                                   std::to_string(limits::max_message_length)};
    }
    for (std::size_t i = 0; i < frame_header_size; ++i) {
      out_[i] = static_cast<std::uint8_t>(length >> (8 * (frame_header_size - 1 - i)));
    }
    return std::move(out_);
  }

private:
  Container out_;
  wire::basic_writer<Container> w_;
};

/// A framed message made of its type byte alone.
template <class Container>
Container empty_message(message_type type) {
  return std::move(*message_builder<Container>(type).finish());
}

/// The body of SSH_AGENTC_ADD_IDENTITY (constrained = false: nothing may follow the
/// comment) or SSH_AGENTC_ADD_ID_CONSTRAINED, after the type byte.
result<request> decode_add_identity(wire::reader& r, bool constrained);

}  // namespace sshlib::agent_protocol
