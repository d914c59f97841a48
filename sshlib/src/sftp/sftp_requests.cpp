// The requests of draft-ietf-secsh-filexfer-02 sections 4 and 6, both ways. Extended
// requests are parsed in sftp_extended.cpp.
#include "sftp/sftp_attrs.hpp"
#include "sftp/sftp_codec.hpp"
#include "sftp/sftp_codec_detail.hpp"
#include "sftp/sftp_extension_pairs.hpp"

#include <type_traits>

namespace sshlib::sftp::protocol {
namespace {

// --- reading: each function reads the fields after the type byte ---------------------------

bool read_fields(packet_reader& r, init_request& m) { return r.u32(m.version) && read_extension_pairs(r, m.extensions); }

bool read_fields(packet_reader& r, open_request& m) {
  std::uint32_t flags = 0;
  if (!r.u32(m.id) || !r.path(m.path) || !r.u32(flags) || !read_attributes(r, m.attrs)) return false;
  m.flags = static_cast<open_mode>(flags);
  return true;
}

bool read_fields(packet_reader& r, read_request& m) {
  return r.u32(m.id) && r.handle(m.handle) && r.u64(m.offset) && r.u32(m.length);
}

bool read_fields(packet_reader& r, write_request& m) {
  return r.u32(m.id) && r.handle(m.handle) && r.u64(m.offset) && r.string(m.data, limits::max_data_length);
}

// Requests made of an id and one path.
template <class M>
  requires requires(M m) { m.path; }
bool read_fields(packet_reader& r, M& m) {
  if constexpr (requires { m.attrs; }) {
    return r.u32(m.id) && r.path(m.path) && read_attributes(r, m.attrs);
  } else {
    return r.u32(m.id) && r.path(m.path);
  }
}

// Requests made of an id and one handle.
template <class M>
  requires requires(M m) { m.handle; }
bool read_fields(packet_reader& r, M& m) {
  if constexpr (requires { m.attrs; }) {
    return r.u32(m.id) && r.handle(m.handle) && read_attributes(r, m.attrs);
  } else {
    return r.u32(m.id) && r.handle(m.handle);
  }
}

bool read_fields(packet_reader& r, rename_request& m) {
  return r.u32(m.id) && r.path(m.old_path) && r.path(m.new_path);
}

bool read_fields(packet_reader& r, symlink_request& m) {
  return r.u32(m.id) && r.path(m.link_path) && r.path(m.target_path);
}

template <class M>
result<request> decode_as(packet_reader& r) {
  M m;
  if (!read_fields(r, m) || !r.end()) return r.failure(detail::message_name(M::type));
  return request{std::move(m)};
}

// --- writing: each function writes the fields after the type byte --------------------------

void write_fields(packet_writer& w, const init_request& m) {
  w.u32(m.version);
  write_extension_pairs(w, m.extensions);
}

void write_fields(packet_writer& w, const open_request& m) {
  w.u32(m.id);
  w.path(m.path);
  w.u32(static_cast<std::uint32_t>(m.flags));
  write_attributes(w, m.attrs);
}

void write_fields(packet_writer& w, const read_request& m) {
  w.u32(m.id);
  w.handle(m.handle);
  w.u64(m.offset);
  w.u32(m.length);
}

void write_fields(packet_writer& w, const write_request& m) {
  w.u32(m.id);
  w.handle(m.handle);
  w.u64(m.offset);
  w.string(m.data, limits::max_data_length, "write data");
}

template <class M>
  requires requires(M m) { m.path; }
void write_fields(packet_writer& w, const M& m) {
  w.u32(m.id);
  w.path(m.path);
  if constexpr (requires { m.attrs; }) write_attributes(w, m.attrs);
}

template <class M>
  requires requires(M m) { m.handle; }
void write_fields(packet_writer& w, const M& m) {
  w.u32(m.id);
  w.handle(m.handle);
  if constexpr (requires { m.attrs; }) write_attributes(w, m.attrs);
}

void write_fields(packet_writer& w, const rename_request& m) {
  w.u32(m.id);
  w.path(m.old_path, "old path");
  w.path(m.new_path, "new path");
}

void write_fields(packet_writer& w, const symlink_request& m) {
  w.u32(m.id);
  w.path(m.link_path, "link path");
  w.path(m.target_path, "target path");
}

template <class M>
void write_message(packet_writer& w, const M& m) {
  if constexpr (std::is_same_v<M, extended_request>) {
    w.u32(m.id);
    w.string(m.name, limits::max_extension_name, "extension name");
    w.raw(m.data);
  } else if constexpr (requires { M::extension_name; }) {
    w.u32(m.id);
    w.string(M::extension_name, limits::max_extension_name, "extension name");
    detail::write_extension_fields(w, m);
  } else {
    write_fields(w, m);
  }
}

}  // namespace

result<request> decode_request(byte_view payload) {
  if (payload.size() > limits::max_packet_length) {
    return error{errc::length_exceeds_limit, "SFTP request of " + std::to_string(payload.size()) + " bytes, above " +
                                                 std::to_string(limits::max_packet_length)};
  }
  packet_reader r(payload);
  std::uint8_t type = 0;
  if (!r.byte(type)) return r.failure("SFTP request type");
  switch (static_cast<message_type>(type)) {
    case message_type::init: return decode_as<init_request>(r);
    case message_type::open: return decode_as<open_request>(r);
    case message_type::close: return decode_as<close_request>(r);
    case message_type::read: return decode_as<read_request>(r);
    case message_type::write: return decode_as<write_request>(r);
    case message_type::lstat: return decode_as<lstat_request>(r);
    case message_type::fstat: return decode_as<fstat_request>(r);
    case message_type::setstat: return decode_as<setstat_request>(r);
    case message_type::fsetstat: return decode_as<fsetstat_request>(r);
    case message_type::opendir: return decode_as<opendir_request>(r);
    case message_type::readdir: return decode_as<readdir_request>(r);
    case message_type::remove: return decode_as<remove_request>(r);
    case message_type::mkdir: return decode_as<mkdir_request>(r);
    case message_type::rmdir: return decode_as<rmdir_request>(r);
    case message_type::realpath: return decode_as<realpath_request>(r);
    case message_type::stat: return decode_as<stat_request>(r);
    case message_type::rename: return decode_as<rename_request>(r);
    case message_type::readlink: return decode_as<readlink_request>(r);
    case message_type::symlink: return decode_as<symlink_request>(r);
    case message_type::extended: return detail::decode_extended_request(r);
    default: break;
  }
  return error{errc::sftp_unknown_message, "SFTP request of type " + std::to_string(type)};
}

result<bytes> encode_request(const request& message) {
  return std::visit(
      [](const auto& m) {
        packet_writer w(static_cast<std::uint8_t>(std::decay_t<decltype(m)>::type));
        write_message(w, m);
        return std::move(w).finish();
      },
      message);
}

}  // namespace sshlib::sftp::protocol
