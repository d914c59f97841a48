// Our SFTP client against OpenSSH's SFTP server (sshd's sftp subsystem): every operation of
// the client, OpenSSH's extensions, errors as status codes, and fast_get / fast_put with
// the data compared byte for byte.
#include "../transport/client_sshd_support.hpp"

#include "support/process.hpp"
#include "support/temp_dir.hpp"

#include <sshlib/sftp_client.hpp>

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <set>

namespace sshlib::test {
namespace {

namespace asio = boost::asio;
using boost::system::error_code;

// Runs `io` until `start` has completed its operation; fails the test after two minutes.
template <class... Results, class Start>
std::tuple<error_code, Results...> wait(asio::io_context& io, Start start) {
  std::optional<std::tuple<error_code, Results...>> out;
  start([&out](error_code ec, Results... r) { out.emplace(ec, std::move(r)...); });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(2);
  while (!out && std::chrono::steady_clock::now() < deadline) {
    io.restart();
    io.run_for(std::chrono::milliseconds(20));
  }
  if (!out) throw std::runtime_error("the SFTP operation did not complete");
  return std::move(*out);
}

std::string read_local(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_local(const std::filesystem::path& p, const std::string& data) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << data;
}

std::string random_text(std::size_t n, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

bytes as_bytes(const std::string& s) { return bytes(s.begin(), s.end()); }

sftp::file_attributes with_permissions(std::uint32_t mode) {
  sftp::file_attributes a;
  a.permissions = mode;
  return a;
}
sftp::file_attributes with_size(std::uint64_t size) {
  sftp::file_attributes a;
  a.size = size;
  return a;
}
sftp::file_attributes with_times(std::uint32_t atime, std::uint32_t mtime) {
  sftp::file_attributes a;
  a.atime = atime;
  a.mtime = mtime;
  return a;
}

class SftpClientOnSshd : public ::testing::Test {
protected:
  void SetUp() override {
    if (auto why = sshd_server::unavailable_reason(); !why.empty()) GTEST_SKIP() << why;
    server_ = std::make_unique<sshd_server>();
    user_key_ = generate_key(key_type::ed25519).value();
    server_->authorize(user_key_->public_ssh());
  }

  // Connects, starts SFTP with `options`, runs `body`, and checks the connection worked.
  template <class Body>
  void with_sftp(sftp_options options, Body body) {
    client_config c;
    c.username = sshd_server::user();
    c.private_key = user_key_;
    bool ran = false;
    const auto o = connect_to_sshd(*server_, c, {}, [&](client& cl, asio::io_context& io) {
      auto [ec, s] = wait<sftp_client>(io, [&](auto h) { sftp_client::async_start(cl, options, h); });
      ASSERT_FALSE(ec) << ec.message();
      ASSERT_TRUE(s.is_open());
      body(s, io);
      ran = true;
    });
    ASSERT_FALSE(o.ec) << o.ec.message() << "\n" << server_->log();
    EXPECT_TRUE(ran);
  }
  template <class Body>
  void with_sftp(Body body) {
    with_sftp(sftp_options{}, std::move(body));
  }

  std::string path(const std::string& name) const { return (files_ / name).string(); }

  std::unique_ptr<sshd_server> server_;
  std::optional<key> user_key_;
  temp_dir files_;
};

TEST_F(SftpClientOnSshd, VersionAnnouncesOpenSSHsExtensionsAndLimits) {
  with_sftp([&](sftp_client& s, asio::io_context&) {
    for (const char* name : {"posix-rename@openssh.com", "statvfs@openssh.com", "fstatvfs@openssh.com",
                             "hardlink@openssh.com", "fsync@openssh.com", "lsetstat@openssh.com",
                             "limits@openssh.com", "expand-path@openssh.com", "copy-data"}) {
      EXPECT_TRUE(s.has_extension(name)) << name;
    }
    // OpenSSH's sftp-server answers limits@openssh.com with 256 KiB packets.
    EXPECT_GT(s.limits().max_read_length, 32768u);
    EXPECT_GT(s.limits().max_write_length, 32768u);
  });
}

TEST_F(SftpClientOnSshd, WholeFilesWriteReadAppendRenameAndRemove) {
  const std::string text = random_text(700 * 1024, 1);  // several requests each way
  with_sftp([&](sftp_client& s, asio::io_context& io) {
    auto [w] = wait<>(io, [&](auto h) { s.async_write_file(path("a"), as_bytes(text), h); });
    ASSERT_FALSE(w) << w.message();
    EXPECT_EQ(read_local(files_ / "a"), text);

    auto [r, data] = wait<bytes>(io, [&](auto h) { s.async_read_file(path("a"), 1 << 20, h); });
    ASSERT_FALSE(r) << r.message();
    EXPECT_EQ(data, as_bytes(text));

    auto [too_big, nothing] = wait<bytes>(io, [&](auto h) { s.async_read_file(path("a"), 1000, h); });
    EXPECT_EQ(too_big, make_error_code(errc::length_exceeds_limit));

    auto [a] = wait<>(io, [&](auto h) { s.async_append_file(path("a"), as_bytes("tail"), h); });
    ASSERT_FALSE(a) << a.message();
    EXPECT_EQ(read_local(files_ / "a"), text + "tail");

    auto [st, attrs] = wait<sftp::file_attributes>(io, [&](auto h) { s.async_stat(path("a"), h); });
    ASSERT_FALSE(st);
    EXPECT_EQ(attrs.size, text.size() + 4);
    EXPECT_TRUE(attrs.is_regular_file());

    write_local(files_ / "b", "other");
    // RENAME refuses to replace; posix-rename replaces.
    auto [rn] = wait<>(io, [&](auto h) { s.async_rename(path("a"), path("b"), h); });
    EXPECT_TRUE(rn);
    auto [prn] = wait<>(io, [&](auto h) { s.async_posix_rename(path("a"), path("b"), h); });
    EXPECT_FALSE(prn) << prn.message();
    EXPECT_FALSE(std::filesystem::exists(files_ / "a"));
    EXPECT_EQ(read_local(files_ / "b").size(), text.size() + 4);

    auto [e1, yes] = wait<bool>(io, [&](auto h) { s.async_exists(path("b"), h); });
    EXPECT_FALSE(e1);
    EXPECT_TRUE(yes);
    auto [u] = wait<>(io, [&](auto h) { s.async_unlink(path("b"), h); });
    EXPECT_FALSE(u);
    auto [e2, no] = wait<bool>(io, [&](auto h) { s.async_exists(path("b"), h); });
    EXPECT_FALSE(e2);
    EXPECT_FALSE(no);

    auto [missing, handle] = wait<sftp::handle>(io, [&](auto h) { s.async_open(path("nope"), sftp::open_mode::read, h); });
    EXPECT_EQ(missing, sftp::status_code::no_such_file);
    EXPECT_EQ(missing.category().name(), std::string("sftp"));
  });
}

TEST_F(SftpClientOnSshd, HandlesReadWriteStatAndEndOfFile) {
  with_sftp([&](sftp_client& s, asio::io_context& io) {
    auto [o, f] = wait<sftp::handle>(io, [&](auto h) {
      s.async_open(path("f"), sftp::open_mode::read | sftp::open_mode::write | sftp::open_mode::create,
                   with_permissions(0600), h);
    });
    ASSERT_FALSE(o) << o.message();
    const std::string hello = "hello, sftp";
    auto [w] = wait<>(io, [&](auto h) { s.async_write(f, 100, asio::buffer(hello), h); });
    ASSERT_FALSE(w);
    std::string got(64, '\0');
    auto [r, n] = wait<std::size_t>(io, [&](auto h) { s.async_read(f, 100, asio::buffer(got), h); });
    ASSERT_FALSE(r);
    EXPECT_EQ(got.substr(0, n), hello);
    auto [eof, zero] = wait<std::size_t>(io, [&](auto h) { s.async_read(f, 1000, asio::buffer(got), h); });
    EXPECT_EQ(eof, sftp::status_code::eof);

    auto [fs, attrs] = wait<sftp::file_attributes>(io, [&](auto h) { s.async_fstat(f, h); });
    ASSERT_FALSE(fs);
    EXPECT_EQ(attrs.size, 100 + hello.size());
    EXPECT_EQ(*attrs.permissions & 07777, 0600u);

    auto [m] = wait<>(io, [&](auto h) { s.async_fchmod(f, 0640, h); });
    EXPECT_FALSE(m);
    auto [t] = wait<>(io, [&](auto h) { s.async_futimes(f, 1000000000, 1200000000, h); });
    EXPECT_FALSE(t);
    auto [sync] = wait<>(io, [&](auto h) { s.async_fsync(f, h); });
    EXPECT_FALSE(sync) << sync.message();
    auto [fv, fsinfo] = wait<sftp::fs_info>(io, [&](auto h) { s.async_fstatvfs(f, h); });
    EXPECT_FALSE(fv) << fv.message();
    EXPECT_GT(fsinfo.blocks, 0u);
    auto [c] = wait<>(io, [&](auto h) { s.async_close(f, h); });
    EXPECT_FALSE(c);
    // The handle is gone on the server.
    auto [again] = wait<>(io, [&](auto h) { s.async_close(f, h); });
    EXPECT_TRUE(again);

    struct stat st {};
    ASSERT_EQ(::stat(path("f").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0640u);
    EXPECT_EQ(st.st_mtime, 1200000000);
    EXPECT_EQ(st.st_atime, 1000000000);
  });
}

TEST_F(SftpClientOnSshd, PathAttributesAndTruncation) {
  write_local(files_ / "p", std::string(5000, 'x'));
  with_sftp([&](sftp_client& s, asio::io_context& io) {
    auto [m] = wait<>(io, [&](auto h) { s.async_chmod(path("p"), 0604, h); });
    EXPECT_FALSE(m);
    auto [tr] = wait<>(io, [&](auto h) { s.async_setstat(path("p"), with_size(10), h); });
    EXPECT_FALSE(tr);
    // After the truncation, which sets the modification time itself.
    auto [t] = wait<>(io, [&](auto h) { s.async_utimes(path("p"), 1100000000, 1300000000, h); });
    EXPECT_FALSE(t);
    auto [ch] = wait<>(io, [&](auto h) { s.async_chown(path("p"), ::getuid(), ::getgid(), h); });
    EXPECT_FALSE(ch) << ch.message();
    struct stat st {};
    ASSERT_EQ(::stat(path("p").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0604u);
    EXPECT_EQ(st.st_mtime, 1300000000);
    EXPECT_EQ(st.st_size, 10);
  });
}

TEST_F(SftpClientOnSshd, DirectoriesListInSeveralBatches) {
  std::filesystem::create_directory(files_ / "many");
  for (int i = 0; i < 250; ++i) write_local(files_ / "many" / ("f" + std::to_string(i)), "x");
  with_sftp([&](sftp_client& s, asio::io_context& io) {
    auto [l, entries] = wait<std::vector<sftp::directory_entry>>(io, [&](auto h) { s.async_list_directory(path("many"), h); });
    ASSERT_FALSE(l) << l.message();
    std::set<std::string> names;
    for (const auto& e : entries) names.insert(e.filename);
    EXPECT_EQ(names.size(), 252u);  // with . and ..
    EXPECT_TRUE(names.count("f0") && names.count("f249"));

    auto [md] = wait<>(io, [&](auto h) { s.async_mkdir(path("d"), with_permissions(0750), h); });
    ASSERT_FALSE(md);
    EXPECT_TRUE(std::filesystem::is_directory(files_ / "d"));
    auto [again] = wait<>(io, [&](auto h) { s.async_mkdir(path("d"), sftp::file_attributes{}, h); });
    EXPECT_TRUE(again);
    auto [not_empty] = wait<>(io, [&](auto h) { s.async_rmdir(path("many"), h); });
    EXPECT_TRUE(not_empty);
    auto [rd] = wait<>(io, [&](auto h) { s.async_rmdir(path("d"), h); });
    EXPECT_FALSE(rd);
    EXPECT_FALSE(std::filesystem::exists(files_ / "d"));
  });
}

TEST_F(SftpClientOnSshd, LinksAndPaths) {
  write_local(files_ / "target", "t");
  with_sftp([&](sftp_client& s, asio::io_context& io) {
    auto [sl] = wait<>(io, [&](auto h) { s.async_symlink("target", path("link"), h); });
    ASSERT_FALSE(sl) << sl.message();
    EXPECT_EQ(std::filesystem::read_symlink(files_ / "link"), "target");
    auto [rl, text] = wait<std::string>(io, [&](auto h) { s.async_readlink(path("link"), h); });
    EXPECT_FALSE(rl);
    EXPECT_EQ(text, "target");
    auto [ls, lattrs] = wait<sftp::file_attributes>(io, [&](auto h) { s.async_lstat(path("link"), h); });
    EXPECT_FALSE(ls);
    EXPECT_TRUE(lattrs.is_symlink());
    auto [st, attrs] = wait<sftp::file_attributes>(io, [&](auto h) { s.async_stat(path("link"), h); });
    EXPECT_FALSE(st);
    EXPECT_TRUE(attrs.is_regular_file());
    auto [lss] = wait<>(io, [&](auto h) { s.async_lsetstat(path("link"), with_times(5, 7), h); });
    EXPECT_FALSE(lss) << lss.message();

    auto [hl] = wait<>(io, [&](auto h) { s.async_hardlink(path("target"), path("hard"), h); });
    EXPECT_FALSE(hl) << hl.message();
    EXPECT_TRUE(std::filesystem::equivalent(files_ / "target", files_ / "hard"));

    auto [rp, real] = wait<std::string>(io, [&](auto h) { s.async_realpath(path("target") + "/../hard", h); });
    EXPECT_FALSE(rp);
    EXPECT_EQ(real, std::filesystem::canonical(files_.path()).string() + "/hard");
    auto [ep, home] = wait<std::string>(io, [&](auto h) { s.async_expand_path("~", h); });
    EXPECT_FALSE(ep) << ep.message();
    EXPECT_FALSE(home.empty());
    auto [v, vfs] = wait<sftp::fs_info>(io, [&](auto h) { s.async_statvfs(path("target"), h); });
    EXPECT_FALSE(v);
    EXPECT_GT(vfs.block_size, 0u);
  });
}

TEST_F(SftpClientOnSshd, CopyDataBetweenHandlesOnTheServer) {
  write_local(files_ / "src", "0123456789abcdef");
  with_sftp([&](sftp_client& s, asio::io_context& io) {
    if (!s.has_extension("copy-data")) GTEST_SKIP() << "this sshd does not offer copy-data";
    auto [o1, from] = wait<sftp::handle>(io, [&](auto h) { s.async_open(path("src"), sftp::open_mode::read, h); });
    auto [o2, to] = wait<sftp::handle>(io, [&](auto h) {
      s.async_open(path("dst"), sftp::open_mode::write | sftp::open_mode::create, h);
    });
    ASSERT_FALSE(o1 || o2);
    auto [cd] = wait<>(io, [&](auto h) { s.async_copy_data(from, 4, 6, to, 2, h); });
    EXPECT_FALSE(cd) << cd.message();
    wait<>(io, [&](auto h) { s.async_close(from, h); });
    wait<>(io, [&](auto h) { s.async_close(to, h); });
    EXPECT_EQ(read_local(files_ / "dst"), std::string("\0\0" "456789", 8));
  });
}

TEST_F(SftpClientOnSshd, ManyRequestsAtOnceWithFewOutstanding) {
  for (int i = 0; i < 40; ++i) write_local(files_ / ("s" + std::to_string(i)), std::string(static_cast<std::size_t>(i), 'z'));
  sftp_options o;
  o.max_outstanding_requests = 3;
  with_sftp(o, [&](sftp_client& s, asio::io_context& io) {
    std::vector<std::optional<std::uint64_t>> sizes(40);
    int done = 0;
    for (int i = 0; i < 40; ++i) {
      s.async_stat(path("s" + std::to_string(i)), [&, i](error_code ec, sftp::file_attributes a) {
        EXPECT_FALSE(ec);
        sizes[static_cast<std::size_t>(i)] = a.size;
        ++done;
      });
    }
    auto [stop] = wait<>(io, [&](auto h) { s.async_realpath(".", [h, &done](error_code ec, std::string) mutable { h(ec); }); });
    EXPECT_FALSE(stop);
    EXPECT_EQ(done, 40);  // replies come in request order from OpenSSH, all before the last
    for (int i = 0; i < 40; ++i) EXPECT_EQ(sizes[static_cast<std::size_t>(i)], static_cast<std::uint64_t>(i));
  });
}

TEST_F(SftpClientOnSshd, FilesAreAsioStreams) {
  const std::string text = random_text(1500 * 1024 + 3, 9);
  with_sftp([&](sftp_client& s, asio::io_context& io) {
    auto [o, out] = wait<sftp_file>(io, [&](auto h) {
      s.async_open_file(path("stream"), sftp::open_mode::write | sftp::open_mode::create | sftp::open_mode::truncate,
                        sftp::file_attributes{}, h);
    });
    ASSERT_FALSE(o) << o.message();
    auto [w, written] = wait<std::size_t>(io, [&](auto h) { asio::async_write(out, asio::buffer(text), h); });
    ASSERT_FALSE(w) << w.message();
    EXPECT_EQ(written, text.size());
    EXPECT_EQ(out.position(), text.size());
    wait<>(io, [&](auto h) { out.async_close(h); });
    EXPECT_EQ(read_local(files_ / "stream"), text);

    // Append starts at the end; reading from a seek position runs to EOF.
    auto [oa, app] = wait<sftp_file>(io, [&](auto h) {
      s.async_open_file(path("stream"), sftp::open_mode::write | sftp::open_mode::append, sftp::file_attributes{}, h);
    });
    ASSERT_FALSE(oa);
    EXPECT_EQ(app.position(), text.size());
    wait<std::size_t>(io, [&](auto h) { asio::async_write(app, asio::buffer(std::string("END")), h); });
    wait<>(io, [&](auto h) { app.async_close(h); });

    auto [or_, in] = wait<sftp_file>(io, [&](auto h) { s.async_open_file(path("stream"), sftp::open_mode::read, sftp::file_attributes{}, h); });
    ASSERT_FALSE(or_);
    in.seek(1000);
    std::string back;
    auto [r, n] = wait<std::size_t>(io, [&](auto h) { asio::async_read(in, asio::dynamic_buffer(back), h); });
    EXPECT_EQ(r, asio::error::eof);
    EXPECT_EQ(back, text.substr(1000) + "END");
    wait<>(io, [&](auto h) { in.async_close(h); });
  });
}

TEST_F(SftpClientOnSshd, ClosedClientFailsOperations) {
  with_sftp([&](sftp_client& s, asio::io_context& io) {
    s.close();
    EXPECT_FALSE(s.is_open());
    auto [st, a] = wait<sftp::file_attributes>(io, [&](auto h) { s.async_stat("/", h); });
    EXPECT_EQ(st, make_error_code(errc::connection_closed));
  });
}

// 64 MiB by default; SSHLIB_SFTP_TEST_MIB=1024 for the 1 GiB (a release build).
TEST_F(SftpClientOnSshd, FastPutAndFastGetMoveFilesIntact) {
  std::size_t mib = 64;
  if (const char* env = std::getenv("SSHLIB_SFTP_TEST_MIB")) mib = std::strtoul(env, nullptr, 10);
  const std::size_t size = mib * 1024 * 1024 + 12345;  // not a multiple of the chunk size
  temp_dir local;
  {
    std::ofstream out(local / "up", std::ios::binary);
    std::mt19937_64 rng(7);
    std::vector<std::uint64_t> block(1 << 16);
    for (std::size_t left = size; left > 0;) {
      for (auto& v : block) v = rng();
      const std::size_t n = std::min(left, block.size() * 8);
      out.write(reinterpret_cast<const char*>(block.data()), static_cast<std::streamsize>(n));
      left -= n;
    }
  }
  const auto sum = [](const std::filesystem::path& p) { return run_process({"sha256sum", p.string()}).out.substr(0, 64); };
  const auto expected = sum(local / "up");
  with_sftp([&](sftp_client& s, asio::io_context& io) {
    std::uint64_t last_total = 0, calls = 0;
    sftp::transfer_options t;
    t.step = [&](std::uint64_t total, std::uint64_t, std::uint64_t file_size) {
      EXPECT_GT(total, last_total);
      EXPECT_EQ(file_size, size);
      last_total = total;
      ++calls;
    };
    const auto t0 = std::chrono::steady_clock::now();
    auto [put] = wait<>(io, [&](auto h) { s.async_fast_put((local / "up").string(), path("remote"), t, h); });
    const auto t1 = std::chrono::steady_clock::now();
    ASSERT_FALSE(put) << put.message();
    EXPECT_EQ(last_total, size);
    EXPECT_GT(calls, 1u);
    EXPECT_EQ(sum(files_ / "remote"), expected);

    last_total = 0;
    auto [get] = wait<>(io, [&](auto h) { s.async_fast_get(path("remote"), (local / "down").string(), t, h); });
    const auto t2 = std::chrono::steady_clock::now();
    ASSERT_FALSE(get) << get.message();
    EXPECT_EQ(last_total, size);
    EXPECT_EQ(sum(local / "down"), expected);
    const auto rate = [&](auto a, auto b) { return static_cast<double>(size) / (1 << 20) / std::chrono::duration<double>(b - a).count(); };
    std::printf("fast_put %.0f MiB/s, fast_get %.0f MiB/s (%zu MiB)\n", rate(t0, t1), rate(t1, t2), mib);

    auto [missing] = wait<>(io, [&](auto h) { s.async_fast_get(path("absent"), (local / "x").string(), t, h); });
    EXPECT_EQ(missing, sftp::status_code::no_such_file);
  });
}

}  // namespace
}  // namespace sshlib::test
