// What an SFTP client sends, as one byte stream, through the server's request path: the
// frame buffer, the request decoder and local_filesystem answering against a real directory
// tree. Nothing may crash; every answer must encode and carry its request's id; and nothing
// outside the root may change (a sentinel file beside it is checked after every input).
#include "sftp/sftp_codec.hpp"
#include "sftp/sftp_frame_buffer.hpp"
#include "sftp/sftp_local_filesystem.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace {

using namespace sshlib;
using namespace sshlib::sftp;

// A temporary tree made once per process: <base>/root served, <base>/sentinel outside it.
struct tree {
  std::filesystem::path base, root, sentinel;
  const std::string sentinel_text = "outside the root\n";

  tree() {
    std::string pattern = (std::filesystem::temp_directory_path() / "sshlib-sftp-fuzz-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) std::abort();
    base = pattern;
    root = base / "root";
    sentinel = base / "sentinel";
    std::filesystem::create_directories(root / "dir");
    std::ofstream(root / "file") << "0123456789";
    std::ofstream(sentinel) << sentinel_text;
  }
  // Runs when the fuzzer exits normally; a crash leaves the tree for inspection.
  ~tree() {
    std::error_code ignored;
    std::filesystem::remove_all(base, ignored);
  }
  static tree& instance() {
    static tree t;
    return t;
  }
  bool sentinel_intact() const {
    std::ifstream in(sentinel);
    const std::string text{std::istreambuf_iterator<char>(in), {}};
    std::error_code ec;
    // Only root and sentinel may exist beside each other in base.
    std::size_t entries = 0;
    for (auto it = std::filesystem::directory_iterator(base, ec); !ec && it != std::filesystem::directory_iterator(); ++it) ++entries;
    return text == sentinel_text && entries == 2;
  }
};

std::uint32_t id_of(const auto& message) {
  return std::visit(
      [](const auto& m) -> std::uint32_t {
        if constexpr (requires { m.id; }) {
          return m.id;
        } else {
          return 0;
        }
      },
      message);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto& t = tree::instance();
  auto fs = local_filesystem::open(t.root.string());
  if (!fs) std::abort();
  protocol::frame_buffer frames;
  std::size_t at = 0;
  while (at < size) {
    auto space = frames.prepare();
    const std::size_t n = std::min({space.size(), size - at, std::size_t{4096}});
    std::copy(data + at, data + at + n, space.begin());
    frames.commit(n);
    at += n;
    while (true) {
      auto payload = frames.next();
      if (!payload) return 0;  // the server closes the session here
      if (!*payload) break;
      auto request = protocol::decode_request(**payload);
      if (!request) {
        (void)protocol::request_id(**payload);
        continue;
      }
      const auto answer = fs->handle(*request);
      auto encoded = protocol::encode_response(answer);
      if (!encoded) std::abort();
      if (!std::holds_alternative<protocol::init_request>(*request) && id_of(answer) != id_of(*request)) std::abort();
    }
  }
  if (!t.sentinel_intact()) std::abort();
  return 0;
}
