#include "sftp/sftp_attrs.hpp"

#include <cstdio>

namespace sshlib::sftp::protocol {
namespace {

std::string hex32(std::uint32_t v) {
  char buf[11];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}

// A (type, data) pair takes at least its two length fields.
constexpr std::size_t min_extended_pair_size = 8;

bool read_extended(packet_reader& r, std::vector<extended_attribute>& out) {
  std::uint32_t count = 0;
  if (!r.count(count, limits::max_extended_attributes, min_extended_pair_size, "extended attributes")) return false;
  out.reserve(count);
  for (std::uint32_t i = 0; i < count; ++i) {
    extended_attribute a;
    if (!r.string(a.type, limits::max_extension_name) || !r.string(a.data, limits::max_extension_data)) return false;
    out.push_back(std::move(a));
  }
  return true;
}

// Reads a pair of uint32 fields that one flag bit announces together.
bool read_pair(packet_reader& r, std::optional<std::uint32_t>& first, std::optional<std::uint32_t>& second) {
  std::uint32_t a = 0, b = 0;
  if (!r.u32(a) || !r.u32(b)) return false;
  first = a;
  second = b;
  return true;
}

}  // namespace

bool read_attributes(packet_reader& r, file_attributes& out) {
  out = file_attributes{};
  std::uint32_t flags = 0;
  if (!r.u32(flags)) return false;
  if ((flags & ~attr_flags::known) != 0) {
    return r.fail(errc::invalid_value, "ATTRS flags " + hex32(flags) + " carry bits version 3 does not define");
  }
  if ((flags & attr_flags::size) != 0) {
    std::uint64_t size = 0;
    if (!r.u64(size)) return false;
    out.size = size;
  }
  if ((flags & attr_flags::uidgid) != 0 && !read_pair(r, out.uid, out.gid)) return false;
  if ((flags & attr_flags::permissions) != 0) {
    std::uint32_t permissions = 0;
    if (!r.u32(permissions)) return false;
    out.permissions = permissions;
  }
  if ((flags & attr_flags::acmodtime) != 0 && !read_pair(r, out.atime, out.mtime)) return false;
  if ((flags & attr_flags::extended) != 0 && !read_extended(r, out.extended)) return false;
  return true;
}

std::uint32_t attribute_flags(const file_attributes& attrs) noexcept {
  std::uint32_t flags = 0;
  if (attrs.size) flags |= attr_flags::size;
  if (attrs.uid && attrs.gid) flags |= attr_flags::uidgid;
  if (attrs.permissions) flags |= attr_flags::permissions;
  if (attrs.atime && attrs.mtime) flags |= attr_flags::acmodtime;
  if (!attrs.extended.empty()) flags |= attr_flags::extended;
  return flags;
}

void write_attributes(packet_writer& w, const file_attributes& attrs) {
  if (attrs.uid.has_value() != attrs.gid.has_value()) {
    w.fail(errc::invalid_value, "ATTRS: uid and gid are sent together (SSH_FILEXFER_ATTR_UIDGID); one is missing");
  }
  if (attrs.atime.has_value() != attrs.mtime.has_value()) {
    w.fail(errc::invalid_value,
           "ATTRS: atime and mtime are sent together (SSH_FILEXFER_ATTR_ACMODTIME); one is missing");
  }
  w.check_count(attrs.extended.size(), limits::max_extended_attributes, "extended attributes");
  const std::uint32_t flags = attribute_flags(attrs);
  w.u32(flags);
  if (attrs.size) w.u64(*attrs.size);
  if ((flags & attr_flags::uidgid) != 0) {
    w.u32(*attrs.uid);
    w.u32(*attrs.gid);
  }
  if (attrs.permissions) w.u32(*attrs.permissions);
  if ((flags & attr_flags::acmodtime) != 0) {
    w.u32(*attrs.atime);
    w.u32(*attrs.mtime);
  }
  if ((flags & attr_flags::extended) != 0) {
    w.u32(static_cast<std::uint32_t>(attrs.extended.size()));
    for (const extended_attribute& a : attrs.extended) {
      w.string(a.type, limits::max_extension_name, "extended attribute type");
      w.string(a.data, limits::max_extension_data, "extended attribute data");
    }
  }
}

}  // namespace sshlib::sftp::protocol
