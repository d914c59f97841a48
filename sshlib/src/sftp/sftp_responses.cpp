// The responses of draft-ietf-secsh-filexfer-02 sections 4, 7 and 8, both ways.
#include "sftp/sftp_attrs.hpp"
#include "sftp/sftp_codec.hpp"
#include "sftp/sftp_codec_detail.hpp"
#include "sftp/sftp_extension_pairs.hpp"

#include <type_traits>

namespace sshlib::sftp::protocol {
namespace {

// A NAME entry takes at least its filename and longname lengths and its ATTRS flags.
constexpr std::size_t min_name_entry_size = 4 + 4 + min_attributes_size;

// --- reading: each function reads the fields after the type byte ---------------------------

bool read_fields(packet_reader& r, version_response& m) {
  return r.u32(m.version) && read_extension_pairs(r, m.extensions);
}

// The message and language tag are optional here: OpenSSH's client reads only the code, and
// servers written against earlier drafts (which had neither) still send the bare code.
bool read_fields(packet_reader& r, status_response& m) {
  std::uint32_t code = 0;
  if (!r.u32(m.id) || !r.u32(code)) return false;
  m.code = static_cast<status_code>(code);
  if (r.at_end()) return true;
  if (!r.string(m.message, limits::max_status_message)) return false;
  return r.at_end() || r.string(m.language, limits::max_language_tag);
}

bool read_fields(packet_reader& r, handle_response& m) { return r.u32(m.id) && r.handle(m.handle); }

bool read_fields(packet_reader& r, data_response& m) {
  return r.u32(m.id) && r.string(m.data, limits::max_data_length);
}

bool read_entry(packet_reader& r, directory_entry& e) {
  return r.path(e.filename) && r.string(e.longname, limits::max_longname_length) && read_attributes(r, e.attrs);
}

bool read_fields(packet_reader& r, name_response& m) {
  std::uint32_t count = 0;
  if (!r.u32(m.id) || !r.count(count, limits::max_names_per_reply, min_name_entry_size, "names")) return false;
  m.entries.resize(count);
  for (directory_entry& e : m.entries) {
    if (!read_entry(r, e)) return false;
  }
  return true;
}

bool read_fields(packet_reader& r, attrs_response& m) { return r.u32(m.id) && read_attributes(r, m.attrs); }

bool read_fields(packet_reader& r, extended_reply& m) { return r.u32(m.id) && r.take_rest(m.data); }

template <class M>
result<response> decode_as(packet_reader& r) {
  M m;
  if (!read_fields(r, m) || !r.end()) return r.failure(detail::message_name(M::type));
  return response{std::move(m)};
}

// --- writing: each function writes the fields after the type byte --------------------------

void write_fields(packet_writer& w, const version_response& m) {
  w.u32(m.version);
  write_extension_pairs(w, m.extensions);
}

// Always with message and language tag, as the draft requires.
void write_fields(packet_writer& w, const status_response& m) {
  w.u32(m.id);
  w.u32(static_cast<std::uint32_t>(m.code));
  w.string(m.message, limits::max_status_message, "status message");
  w.string(m.language, limits::max_language_tag, "language tag");
}

void write_fields(packet_writer& w, const handle_response& m) {
  w.u32(m.id);
  w.handle(m.handle);
}

void write_fields(packet_writer& w, const data_response& m) {
  w.u32(m.id);
  w.string(m.data, limits::max_data_length, "data");
}

void write_fields(packet_writer& w, const name_response& m) {
  w.u32(m.id);
  w.check_count(m.entries.size(), limits::max_names_per_reply, "names");
  w.u32(static_cast<std::uint32_t>(m.entries.size()));
  for (const directory_entry& e : m.entries) {
    w.path(e.filename, "file name");
    w.string(e.longname, limits::max_longname_length, "long name");
    write_attributes(w, e.attrs);
  }
}

void write_fields(packet_writer& w, const attrs_response& m) {
  w.u32(m.id);
  write_attributes(w, m.attrs);
}

void write_fields(packet_writer& w, const extended_reply& m) {
  w.u32(m.id);
  w.raw(m.data);
}

}  // namespace

result<response> decode_response(byte_view payload) {
  if (payload.size() > limits::max_packet_length) {
    return error{errc::length_exceeds_limit, "SFTP response of " + std::to_string(payload.size()) + " bytes, above " +
                                                 std::to_string(limits::max_packet_length)};
  }
  packet_reader r(payload);
  std::uint8_t type = 0;
  if (!r.byte(type)) return r.failure("SFTP response type");
  switch (static_cast<message_type>(type)) {
    case message_type::version: return decode_as<version_response>(r);
    case message_type::status: return decode_as<status_response>(r);
    case message_type::handle: return decode_as<handle_response>(r);
    case message_type::data: return decode_as<data_response>(r);
    case message_type::name: return decode_as<name_response>(r);
    case message_type::attrs: return decode_as<attrs_response>(r);
    case message_type::extended_reply: return decode_as<extended_reply>(r);
    default: break;
  }
  return error{errc::sftp_unknown_message, "SFTP response of type " + std::to_string(type)};
}

result<bytes> encode_response(const response& message) {
  return std::visit(
      [](const auto& m) {
        packet_writer w(static_cast<std::uint8_t>(std::decay_t<decltype(m)>::type));
        write_fields(w, m);
        return std::move(w).finish();
      },
      message);
}

}  // namespace sshlib::sftp::protocol
