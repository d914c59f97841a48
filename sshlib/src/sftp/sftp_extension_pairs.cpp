#include "sftp/sftp_extension_pairs.hpp"

namespace sshlib::sftp::protocol {

bool read_extension_pairs(packet_reader& r, std::vector<extension_pair>& out) {
  out.clear();
  while (r.ok() && !r.at_end()) {
    if (out.size() == limits::max_extension_pairs) {
      return r.fail(errc::length_exceeds_limit,
                    "more than " + std::to_string(limits::max_extension_pairs) + " extension pairs");
    }
    extension_pair p;
    if (!r.string(p.name, limits::max_extension_name) || !r.string(p.data, limits::max_extension_data)) return false;
    out.push_back(std::move(p));
  }
  return r.ok();
}

void write_extension_pairs(packet_writer& w, const std::vector<extension_pair>& pairs) {
  w.check_count(pairs.size(), limits::max_extension_pairs, "extension pairs");
  for (const extension_pair& p : pairs) {
    w.string(p.name, limits::max_extension_name, "extension name");
    w.string(p.data, limits::max_extension_data, "extension data");
  }
}

}  // namespace sshlib::sftp::protocol
