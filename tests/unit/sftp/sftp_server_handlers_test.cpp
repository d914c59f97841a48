// sftp_server::async_serve with handlers of the test's own, between our SFTP client and our
// server over a socketpair: requests reach the right members with their arguments, replies
// may come later, from another thread and out of order, an unanswered request is answered
// failure, a request without a handler gets op_unsupported, and sftp_directory_handlers can
// be wrapped to refuse some requests.
#include "unit/auth/auth_loopback.hpp"

#include "support/temp_dir.hpp"

#include <sshlib/sftp_client.hpp>
#include <sshlib/sftp_server.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

namespace sshlib::test {
namespace {

using boost::system::error_code;

template <class Pred>
bool run_until(asio::io_context& io, Pred done) {
  for (int i = 0; i < 400 && !done(); ++i) {
    io.restart();
    io.run_for(std::chrono::milliseconds(25));
  }
  return done();
}

bytes to_bytes(std::string_view s) {
  return bytes(s.begin(), s.end());
}

// Files in a map, answered at once on the channel's executor.
struct memory_files : sftp_server_handlers {
  std::map<std::string, bytes> files;
  std::map<bytes, std::string> open;  // handle -> path
  int next_handle = 0;
  std::optional<std::uint32_t> client_version;
  std::vector<std::pair<std::string, std::string>> symlinks;  // (link, target)

  extension_list extensions() const override {
    return {{"home-directory", "1"}, {"users-groups-by-id@openssh.com", "1"}};
  }
  void on_init(std::uint32_t version, const extension_list&) override { client_version = version; }

  void on_open(sftp_request r, std::string path, sftp::open_mode flags,
               sftp::file_attributes) override {
    auto it = files.find(path);
    if (it == files.end()) {
      if (!sftp::has_flag(flags, sftp::open_mode::create))
        return (void)r.reply_status(sftp::status_code::no_such_file);
      it = files.emplace(path, bytes{}).first;
    }
    if (sftp::has_flag(flags, sftp::open_mode::truncate)) it->second.clear();
    auto handle = to_bytes("h" + std::to_string(next_handle++));
    open[handle] = path;
    EXPECT_TRUE(r.reply_handle(handle).has_value());
  }
  void on_write(sftp_request r, bytes handle, std::uint64_t offset, bytes data) override {
    auto it = open.find(handle);
    if (it == open.end()) return (void)r.reply_status(sftp::status_code::failure, "invalid handle");
    auto& f = files[it->second];
    if (f.size() < offset + data.size()) f.resize(offset + data.size());
    std::copy(data.begin(), data.end(), f.begin() + static_cast<std::ptrdiff_t>(offset));
    (void)r.reply_status(sftp::status_code::ok);
  }
  void on_read(sftp_request r, bytes handle, std::uint64_t offset, std::uint32_t length) override {
    auto it = open.find(handle);
    if (it == open.end()) return (void)r.reply_status(sftp::status_code::failure, "invalid handle");
    const auto& f = files[it->second];
    if (offset >= f.size()) return (void)r.reply_status(sftp::status_code::eof);
    const auto n = std::min<std::uint64_t>(length, f.size() - offset);
    (void)r.reply_data(bytes(f.begin() + static_cast<std::ptrdiff_t>(offset),
                             f.begin() + static_cast<std::ptrdiff_t>(offset + n)));
  }
  void on_close(sftp_request r, bytes handle) override {
    (void)r.reply_status(open.erase(handle) ? sftp::status_code::ok : sftp::status_code::failure);
  }
  void on_fstat(sftp_request r, bytes handle) override {
    auto it = open.find(handle);
    if (it == open.end()) return (void)r.reply_status(sftp::status_code::failure, "invalid handle");
    on_stat(std::move(r), it->second);
  }
  void on_stat(sftp_request r, std::string path) override {
    auto it = files.find(path);
    if (it == files.end()) return (void)r.reply_status(sftp::status_code::no_such_file);
    sftp::file_attributes a;
    a.size = it->second.size();
    a.permissions = 0100644;
    (void)r.reply_attrs(a);
  }
  void on_symlink(sftp_request r, std::string link_path, std::string target_path) override {
    symlinks.emplace_back(std::move(link_path), std::move(target_path));
    (void)r.reply_status(sftp::status_code::ok);
  }
  void on_home_directory(sftp_request r, std::string username) override {
    sftp::directory_entry e;
    e.filename = "/home/" + username;
    (void)r.reply_name({e});
  }
  void on_users_groups_by_id(sftp_request r, std::vector<std::uint32_t> uids,
                             std::vector<std::uint32_t> gids) override {
    std::vector<std::string> users, groups;
    for (auto u : uids) users.push_back(u == 7 ? "" : "user" + std::to_string(u));
    for (auto g : gids) groups.push_back("group" + std::to_string(g));
    (void)r.reply_user_group_names(std::move(users), std::move(groups));
  }
};

// A client and a server connected over a socketpair, the server's "sftp" subsystem served
// with `handlers`.
struct sftp_pair : auth_loopback {
  std::shared_ptr<sftp_server_handlers> handlers;
  std::optional<error_code> served;
  std::optional<sftp_client> sftp;
  std::vector<std::string> debug_lines;

  explicit sftp_pair(std::shared_ptr<sftp_server_handlers> h) : handlers(std::move(h)) {
    server_config sc;
    sc.authentication = [](auth_request r) { r.accept(); };
    sc.auth_methods = {"none"};
    sc.channel_open = [this](incoming_channel c) {
      auto ch = c.accept();
      ch.on_request([this, ch](channel_request r) mutable {
        if (r.type() != "subsystem" || r.text() != "sftp") return r.reject();
        r.accept();
        sftp_server_options o;
        o.debug = [this](std::string_view line) { debug_lines.emplace_back(line); };
        sftp_server::async_serve(ch, handlers, std::move(o),
                                 [this](error_code ec) { served = ec; });
      });
    };
    run(user("alice"), std::move(sc));
    EXPECT_FALSE(*client_result) << client_result->message();
    std::optional<error_code> started;
    sftp_client::async_start(*cl, sftp_options{}, [&](error_code ec, sftp_client s) {
      started = ec;
      sftp.emplace(std::move(s));
    });
    EXPECT_TRUE(run_until(io, [&] { return started.has_value(); }));
    EXPECT_FALSE(started.value_or(error_code{})) << started->message();
  }

  template <class... Results, class Start>
  std::tuple<error_code, Results...> call(Start start) {
    std::optional<std::tuple<error_code, Results...>> out;
    start([&out](error_code ec, Results... r) { out.emplace(ec, std::move(r)...); });
    EXPECT_TRUE(run_until(io, [&] { return out.has_value(); })) << "no reply";
    return out.value_or(std::tuple<error_code, Results...>{});
  }
};

TEST(SftpServerHandlers, RequestsReachTheirMembersWithTheirArguments) {
  auto files = std::make_shared<memory_files>();
  sftp_pair p(files);
  ASSERT_TRUE(p.sftp);
  EXPECT_EQ(files->client_version, 3u);
  EXPECT_EQ(p.sftp->extensions().size(), 2u);

  auto [wrote] =
      p.call<>([&](auto h) { p.sftp->async_write_file("/a.txt", to_bytes("hello, handlers"), h); });
  ASSERT_FALSE(wrote) << wrote.message();
  EXPECT_EQ(files->files["/a.txt"], to_bytes("hello, handlers"));
  EXPECT_TRUE(files->open.empty()) << "write_file closes its handle";

  auto [read, data] = p.call<bytes>([&](auto h) { p.sftp->async_read_file("/a.txt", 1 << 20, h); });
  ASSERT_FALSE(read) << read.message();
  EXPECT_EQ(data, to_bytes("hello, handlers"));

  auto [stat, attrs] =
      p.call<sftp::file_attributes>([&](auto h) { p.sftp->async_stat("/a.txt", h); });
  ASSERT_FALSE(stat);
  EXPECT_EQ(attrs.size, 15u);
  EXPECT_TRUE(attrs.is_regular_file());

  auto [missing, none] =
      p.call<sftp::file_attributes>([&](auto h) { p.sftp->async_stat("/nope", h); });
  EXPECT_EQ(missing, sftp::status_code::no_such_file);

  // The client sends OpenSSH's order; the handler gets the paths by meaning.
  auto [linked] = p.call<>([&](auto h) { p.sftp->async_symlink("/a.txt", "/link-to-a", h); });
  ASSERT_FALSE(linked) << linked.message();
  ASSERT_EQ(files->symlinks.size(), 1u);
  EXPECT_EQ(files->symlinks[0].first, "/link-to-a");
  EXPECT_EQ(files->symlinks[0].second, "/a.txt");

  auto [home_ec, home] =
      p.call<std::string>([&](auto h) { p.sftp->async_home_directory("bob", h); });
  ASSERT_FALSE(home_ec) << home_ec.message();
  EXPECT_EQ(home, "/home/bob");

  auto [names_ec, names] = p.call<sftp::user_group_names>([&](auto h) {
    p.sftp->async_users_groups({0, 7}, {100}, h);
  });
  ASSERT_FALSE(names_ec) << names_ec.message();
  EXPECT_EQ(names.users, (std::vector<std::string>{"user0", ""}));
  EXPECT_EQ(names.groups, (std::vector<std::string>{"group100"}));
}

TEST(SftpServerHandlers, ARequestWithoutAHandlerIsAnsweredOpUnsupported) {
  sftp_pair p(std::make_shared<memory_files>());
  ASSERT_TRUE(p.sftp);
  auto [ec] = p.call<>([&](auto h) { p.sftp->async_mkdir("/d", sftp::file_attributes{}, h); });
  EXPECT_EQ(ec, sftp::status_code::op_unsupported);
  auto [rm] = p.call<>([&](auto h) { p.sftp->async_unlink("/a", h); });
  EXPECT_EQ(rm, sftp::status_code::op_unsupported);
}

// Holds every STAT and answers when the test says, from another thread.
struct held_stats : sftp_server_handlers {
  std::vector<std::pair<std::string, sftp_request>> held;
  void on_stat(sftp_request r, std::string path) override {
    held.emplace_back(std::move(path), std::move(r));
  }
  void on_lstat(sftp_request, std::string) override {}  // dropped unanswered
};

TEST(SftpServerHandlers, RepliesMayComeLaterFromAnotherThreadAndOutOfOrder) {
  auto h = std::make_shared<held_stats>();
  sftp_pair p(h);
  ASSERT_TRUE(p.sftp);
  std::map<std::string, std::uint64_t> sizes;
  int done = 0;
  for (std::string path : {"/one", "/two"}) {
    p.sftp->async_stat(path, [&, path](error_code ec, sftp::file_attributes a) {
      EXPECT_FALSE(ec) << ec.message();
      sizes[path] = a.size.value_or(0);
      ++done;
    });
  }
  ASSERT_TRUE(run_until(p.io, [&] { return h->held.size() == 2; }));
  EXPECT_EQ(done, 0);
  // Answer the second first, on a thread of its own.
  std::thread answerer([&] {
    for (int i = 1; i >= 0; --i) {
      sftp::file_attributes a;
      a.size =
          h->held[static_cast<std::size_t>(i)].first.size() * 100 + static_cast<std::size_t>(i);
      EXPECT_TRUE(h->held[static_cast<std::size_t>(i)].second.reply_attrs(a).has_value());
    }
  });
  answerer.join();
  ASSERT_TRUE(run_until(p.io, [&] { return done == 2; }));
  EXPECT_EQ(sizes["/one"], 400u);
  EXPECT_EQ(sizes["/two"], 401u);

  // Answered already: a second reply is refused and nothing more is sent.
  auto again = h->held[0].second.reply_status(sftp::status_code::ok);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, errc::invalid_value);
}

TEST(SftpServerHandlers, ARequestDroppedUnansweredIsAnsweredFailure) {
  sftp_pair p(std::make_shared<held_stats>());
  ASSERT_TRUE(p.sftp);
  auto [ec, attrs] = p.call<sftp::file_attributes>([&](auto h) { p.sftp->async_lstat("/x", h); });
  EXPECT_EQ(ec, sftp::status_code::failure);
}

// Refuses an over-long handle, then answers the same request properly.
struct long_handles : sftp_server_handlers {
  std::optional<error> refused;
  void on_opendir(sftp_request r, std::string) override {
    auto too_long = r.reply_handle(bytes(300, 'x'));
    if (!too_long.has_value()) refused = too_long.error();
    EXPECT_FALSE(r.answered());
    (void)r.reply_status(sftp::status_code::permission_denied, "no listing here");
  }
};

TEST(SftpServerHandlers, AReplyOutsideTheProtocolsLimitsIsRefusedAndTheRequestStaysOpen) {
  auto h = std::make_shared<long_handles>();
  sftp_pair p(h);
  ASSERT_TRUE(p.sftp);
  auto [ec, handle] = p.call<sftp::handle>([&](auto cb) { p.sftp->async_opendir("/", cb); });
  EXPECT_EQ(ec, sftp::status_code::permission_denied);
  ASSERT_TRUE(h->refused);
  EXPECT_EQ(h->refused->code, errc::length_exceeds_limit);
}

// sftp_directory_handlers behind a wrapper that refuses REMOVE and passes the rest on.
struct no_removes : sftp_server_handlers {
  std::shared_ptr<sftp_directory_handlers> dir;
  int refused = 0;
  explicit no_removes(std::shared_ptr<sftp_directory_handlers> d) : dir(std::move(d)) {}
  extension_list extensions() const override { return dir->extensions(); }
  void on_remove(sftp_request r, std::string) override {
    ++refused;
    (void)r.reply_status(sftp::status_code::permission_denied, "removing is not allowed here");
  }
  void on_open(sftp_request r, std::string path, sftp::open_mode flags,
               sftp::file_attributes attrs) override {
    dir->on_open(std::move(r), std::move(path), flags, std::move(attrs));
  }
  void on_write(sftp_request r, bytes handle, std::uint64_t offset, bytes data) override {
    dir->on_write(std::move(r), std::move(handle), offset, std::move(data));
  }
  void on_close(sftp_request r, bytes handle) override {
    dir->on_close(std::move(r), std::move(handle));
  }
};

TEST(SftpServerHandlers, DirectoryHandlersCanBeWrappedToRefuseSomeRequests) {
  temp_dir root;
  auto dir = sftp_directory_handlers::open(root.path().string());
  ASSERT_TRUE(dir) << dir.error().message();
  auto wrapper = std::make_shared<no_removes>(*dir);
  sftp_pair p(wrapper);
  ASSERT_TRUE(p.sftp);
  EXPECT_FALSE(p.sftp->extensions().empty());

  auto [wrote] =
      p.call<>([&](auto h) { p.sftp->async_write_file("kept.txt", to_bytes("still here"), h); });
  ASSERT_FALSE(wrote) << wrote.message();
  auto [rm] = p.call<>([&](auto h) { p.sftp->async_unlink("kept.txt", h); });
  EXPECT_EQ(rm, sftp::status_code::permission_denied);
  EXPECT_EQ(wrapper->refused, 1);
  std::ifstream in(root.path() / "kept.txt");
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(content, "still here");
}

TEST(SftpServerHandlers, TheSessionEndsWhenTheClientClosesAndLetsGoOfTheHandlers) {
  auto files = std::make_shared<memory_files>();
  sftp_pair p(files);
  ASSERT_TRUE(p.sftp);
  p.handlers.reset();  // the fixture's copy; the session holds the other
  EXPECT_EQ(files.use_count(), 2);
  p.sftp->close();
  ASSERT_TRUE(run_until(p.io, [&] { return p.served.has_value(); }));
  EXPECT_FALSE(*p.served) << p.served->message();
  EXPECT_EQ(files.use_count(), 1) << "the session keeps no reference once it has ended";
}

}  // namespace
}  // namespace sshlib::test
