// SSH_FXP_EXTENDED requests (draft section 8) with OpenSSH's extensions (openssh-portable
// PROTOCOL section 4), and the bodies of their EXTENDED_REPLY answers.
#include "sftp/sftp_attrs.hpp"
#include "sftp/sftp_codec.hpp"
#include "sftp/sftp_codec_detail.hpp"

#include <string>

namespace sshlib::sftp::protocol {
namespace detail {
namespace {

// users-groups-by-id@openssh.com packs its lists into strings: ids as consecutive uint32s,
// names as consecutive strings (PROTOCOL section 4.12).
constexpr std::size_t max_packed_ids_length = limits::max_ids_per_request * 4;

bool read_packed_ids(packet_reader& r, std::vector<std::uint32_t>& out, std::string_view what) {
  byte_view packed;
  if (!r.string(packed, max_packed_ids_length)) return false;
  if (packed.size() % 4 != 0) {
    return r.fail(errc::invalid_value,
                  std::string(what) + " of " + std::to_string(packed.size()) + " bytes, not a multiple of 4");
  }
  packet_reader ids(packed);
  out.resize(packed.size() / 4);
  for (std::uint32_t& id : out) ids.u32(id);
  return true;
}

void write_packed_ids(packet_writer& w, const std::vector<std::uint32_t>& ids, std::string_view what) {
  w.check_count(ids.size(), limits::max_ids_per_request, what);
  bytes packed;
  wire::writer pw(packed);
  for (std::uint32_t id : ids) pw.write_u32(id);
  w.string(packed, max_packed_ids_length, what);
}

// --- reading the fields after the name, one overload per extension ------------------------

bool read_fields(packet_reader& r, posix_rename_request& m) { return r.path(m.old_path) && r.path(m.new_path); }
bool read_fields(packet_reader& r, statvfs_request& m) { return r.path(m.path); }
bool read_fields(packet_reader& r, fstatvfs_request& m) { return r.handle(m.handle); }
bool read_fields(packet_reader& r, hardlink_request& m) { return r.path(m.old_path) && r.path(m.new_path); }
bool read_fields(packet_reader& r, fsync_request& m) { return r.handle(m.handle); }
bool read_fields(packet_reader& r, lsetstat_request& m) { return r.path(m.path) && read_attributes(r, m.attrs); }
bool read_fields(packet_reader&, limits_request&) { return true; }
bool read_fields(packet_reader& r, expand_path_request& m) { return r.path(m.path); }
bool read_fields(packet_reader& r, copy_data_request& m) {
  return r.handle(m.read_handle) && r.u64(m.read_offset) && r.u64(m.read_length) && r.handle(m.write_handle) &&
         r.u64(m.write_offset);
}
bool read_fields(packet_reader& r, home_directory_request& m) {
  return r.string(m.username, limits::max_user_name_length);
}
bool read_fields(packet_reader& r, users_groups_by_id_request& m) {
  return read_packed_ids(r, m.uids, "uid list") && read_packed_ids(r, m.gids, "gid list");
}

template <class M>
result<request> decode_as(packet_reader& r, std::uint32_t id) {
  M m;
  m.id = id;
  if (!read_fields(r, m) || !r.end()) return r.failure("SFTP EXTENDED " + std::string(M::extension_name));
  return request{std::move(m)};
}

// One entry per extension: its name and its decoder.
struct extension_decoder {
  std::string_view name;
  result<request> (*decode)(packet_reader&, std::uint32_t);
};

constexpr extension_decoder extension_decoders[] = {
    {posix_rename_request::extension_name, &decode_as<posix_rename_request>},
    {statvfs_request::extension_name, &decode_as<statvfs_request>},
    {fstatvfs_request::extension_name, &decode_as<fstatvfs_request>},
    {hardlink_request::extension_name, &decode_as<hardlink_request>},
    {fsync_request::extension_name, &decode_as<fsync_request>},
    {lsetstat_request::extension_name, &decode_as<lsetstat_request>},
    {limits_request::extension_name, &decode_as<limits_request>},
    {expand_path_request::extension_name, &decode_as<expand_path_request>},
    {copy_data_request::extension_name, &decode_as<copy_data_request>},
    {home_directory_request::extension_name, &decode_as<home_directory_request>},
    {users_groups_by_id_request::extension_name, &decode_as<users_groups_by_id_request>},
};

}  // namespace

result<request> decode_extended_request(packet_reader& r) {
  extended_request m;
  if (!r.u32(m.id) || !r.string(m.name, limits::max_extension_name)) return r.failure("SFTP EXTENDED");
  for (const extension_decoder& d : extension_decoders) {
    if (d.name == m.name) return d.decode(r, m.id);
  }
  if (!r.take_rest(m.data)) return r.failure("SFTP EXTENDED");
  return request{std::move(m)};
}

// --- writing the fields after the name ---------------------------------------------------

void write_extension_fields(packet_writer& w, const posix_rename_request& m) {
  w.path(m.old_path, "old path");
  w.path(m.new_path, "new path");
}
void write_extension_fields(packet_writer& w, const statvfs_request& m) { w.path(m.path); }
void write_extension_fields(packet_writer& w, const fstatvfs_request& m) { w.handle(m.handle); }
void write_extension_fields(packet_writer& w, const hardlink_request& m) {
  w.path(m.old_path, "old path");
  w.path(m.new_path, "new path");
}
void write_extension_fields(packet_writer& w, const fsync_request& m) { w.handle(m.handle); }
void write_extension_fields(packet_writer& w, const lsetstat_request& m) {
  w.path(m.path);
  write_attributes(w, m.attrs);
}
void write_extension_fields(packet_writer&, const limits_request&) {}
void write_extension_fields(packet_writer& w, const expand_path_request& m) { w.path(m.path); }
void write_extension_fields(packet_writer& w, const copy_data_request& m) {
  w.handle(m.read_handle);
  w.u64(m.read_offset);
  w.u64(m.read_length);
  w.handle(m.write_handle);
  w.u64(m.write_offset);
}
void write_extension_fields(packet_writer& w, const home_directory_request& m) {
  w.string(m.username, limits::max_user_name_length, "user name");
}
void write_extension_fields(packet_writer& w, const users_groups_by_id_request& m) {
  write_packed_ids(w, m.uids, "uid list");
  write_packed_ids(w, m.gids, "gid list");
}

}  // namespace detail

// --- EXTENDED_REPLY bodies -----------------------------------------------------------------

namespace {

bool read_fs_info(packet_reader& r, fs_info& s) {
  return r.u64(s.block_size) && r.u64(s.fragment_size) && r.u64(s.blocks) && r.u64(s.blocks_free) &&
         r.u64(s.blocks_available) && r.u64(s.files) && r.u64(s.files_free) && r.u64(s.files_available) &&
         r.u64(s.fsid) && r.u64(s.flags) && r.u64(s.name_max);
}

bool read_server_limits(packet_reader& r, server_limits& l) {
  return r.u64(l.max_packet_length) && r.u64(l.max_read_length) && r.u64(l.max_write_length) &&
         r.u64(l.max_open_handles);
}

// A string holding consecutive strings, each a user or group name.
bool read_packed_names(packet_reader& r, std::vector<std::string>& out, std::string_view what) {
  byte_view packed;
  if (!r.string(packed, limits::max_packet_length)) return false;
  packet_reader names(packed);
  while (names.ok() && !names.at_end()) {
    if (out.size() == limits::max_ids_per_request) {
      return r.fail(errc::length_exceeds_limit,
                    "more than " + std::to_string(limits::max_ids_per_request) + " " + std::string(what));
    }
    std::string name;
    if (!names.string(name, limits::max_user_name_length)) break;
    out.push_back(std::move(name));
  }
  if (!names.ok()) {
    error e = names.failure(what);
    return r.fail(e.code, std::move(e.detail));
  }
  return true;
}

void write_packed_names(packet_writer& w, const std::vector<std::string>& names, std::string_view what) {
  w.check_count(names.size(), limits::max_ids_per_request, what);
  bytes packed;
  wire::writer pw(packed);
  for (const std::string& name : names) {
    if (name.size() > limits::max_user_name_length) {
      w.fail(errc::length_exceeds_limit, std::string(what) + ": a name of " + std::to_string(name.size()) +
                                             " bytes, above " + std::to_string(limits::max_user_name_length));
      return;
    }
    pw.write_string(name);
  }
  w.string(packed, limits::max_packet_length, what);
}

template <class Body>
result<extended_reply_body> decode_body(byte_view data, bool (*read)(packet_reader&, Body&), std::string_view what) {
  packet_reader r(data);
  Body body;
  if (!read(r, body) || !r.end()) return r.failure(what);
  return extended_reply_body{std::move(body)};
}

bool read_users_groups(packet_reader& r, users_groups_reply& u) {
  return read_packed_names(r, u.user_names, "user names") && read_packed_names(r, u.group_names, "group names");
}

}  // namespace

result<extended_reply_body> decode_extended_reply(std::string_view extension_name, byte_view data) {
  if (extension_name == statvfs_request::extension_name || extension_name == fstatvfs_request::extension_name) {
    return decode_body<fs_info>(data, &read_fs_info, "statvfs reply");
  }
  if (extension_name == limits_request::extension_name) {
    return decode_body<server_limits>(data, &read_server_limits, "limits reply");
  }
  if (extension_name == users_groups_by_id_request::extension_name) {
    return decode_body<users_groups_reply>(data, &read_users_groups, "users-groups-by-id reply");
  }
  return extended_reply_body{raw_extended_reply{bytes(data.begin(), data.end())}};
}

result<bytes> encode_extended_reply(const extended_reply_body& body) {
  // The packet writer's checks, without its frame: the body goes into extended_reply::data.
  packet_writer w(static_cast<std::uint8_t>(message_type::extended_reply));
  if (const auto* s = std::get_if<fs_info>(&body)) {
    for (std::uint64_t v : {s->block_size, s->fragment_size, s->blocks, s->blocks_free, s->blocks_available, s->files,
                            s->files_free, s->files_available, s->fsid, s->flags, s->name_max}) {
      w.u64(v);
    }
  } else if (const auto* l = std::get_if<server_limits>(&body)) {
    for (std::uint64_t v : {l->max_packet_length, l->max_read_length, l->max_write_length, l->max_open_handles}) {
      w.u64(v);
    }
  } else if (const auto* u = std::get_if<users_groups_reply>(&body)) {
    write_packed_names(w, u->user_names, "user names");
    write_packed_names(w, u->group_names, "group names");
  } else {
    w.raw(std::get<raw_extended_reply>(body).data);
  }
  auto framed = std::move(w).finish();
  if (!framed) return std::move(framed).error();
  return bytes(framed->begin() + frame_header_size + 1, framed->end());
}

}  // namespace sshlib::sftp::protocol
