#include "sftp_samples.hpp"

#include <gtest/gtest.h>

namespace sshlib::sftp::protocol::test {

file_attributes full_attributes() {
  file_attributes a;
  a.size = 0x0102030405060708ULL;
  a.uid = 1000;
  a.gid = 100;
  a.permissions = 0100644;
  a.atime = 1700000000;
  a.mtime = 1700000001;
  a.extended = {{"acl@example.com", {1, 2, 3}}, {"empty@example.com", {}}};
  return a;
}

std::vector<request> sample_requests() {
  const bytes h{0xde, 0xad, 0xbe, 0xef};
  file_attributes mode_only;
  mode_only.permissions = 0755;
  return {
      init_request{3, {{"x@example.com", "1"}}},
      open_request{1, "/tmp/a", open_mode::write | open_mode::create | open_mode::truncate, mode_only},
      close_request{2, h},
      read_request{3, h, 0x1122334455667788ULL, 32768},
      write_request{4, h, 65536, bytes(1000, 0x5a)},
      lstat_request{5, "link"},
      fstat_request{6, h},
      setstat_request{7, "f", full_attributes()},
      fsetstat_request{8, h, mode_only},
      opendir_request{9, "/home"},
      readdir_request{10, h},
      remove_request{11, "gone"},
      mkdir_request{12, "dir", mode_only},
      rmdir_request{13, "dir"},
      realpath_request{14, "."},
      stat_request{15, "file"},
      rename_request{16, "old", "new"},
      readlink_request{17, "link"},
      symlink_request{18, "link", "target"},
      posix_rename_request{19, "a", "b"},
      statvfs_request{20, "/"},
      fstatvfs_request{21, h},
      hardlink_request{22, "a", "b"},
      fsync_request{23, h},
      lsetstat_request{24, "l", mode_only},
      limits_request{25},
      expand_path_request{26, "~/x"},
      copy_data_request{27, h, 10, 0, bytes{1}, 20},
      home_directory_request{28, "alice"},
      users_groups_by_id_request{29, {0, 1000}, {0}},
      extended_request{30, "vendor@example.com", {9, 8, 7}},
  };
}

std::vector<response> sample_responses() {
  return {
      version_response{3, {{"posix-rename@openssh.com", "1"}, {"statvfs@openssh.com", "2"}}},
      status_response{1, status_code::no_such_file, "No such file", "en"},
      handle_response{2, bytes(limits::max_handle_length, 0x01)},
      data_response{3, bytes(4096, 0xa5)},
      name_response{4,
                    {{"a.txt", "-rw-r--r--    1 alice users  12 Jan  1 00:00 a.txt", full_attributes()},
                     {"b", "", file_attributes{}}}},
      attrs_response{5, full_attributes()},
      extended_reply{6, {0, 0, 0, 1}},
  };
}

bytes payload_of(const bytes& framed) {
  auto length = decode_frame_header(framed);
  EXPECT_TRUE(length) << length.error().message();
  if (!length) return {};
  EXPECT_EQ(*length + frame_header_size, framed.size());
  return bytes(framed.begin() + frame_header_size, framed.end());
}

bytes request_payload(const request& r) {
  auto framed = encode_request(r);
  EXPECT_TRUE(framed) << framed.error().message();
  return framed ? payload_of(*framed) : bytes{};
}

bytes response_payload(const response& r) {
  auto framed = encode_response(r);
  EXPECT_TRUE(framed) << framed.error().message();
  return framed ? payload_of(*framed) : bytes{};
}

}  // namespace sshlib::sftp::protocol::test
