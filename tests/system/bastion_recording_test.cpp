// Session recording end to end (docs/recording.md): OpenSSH's ssh through the bastion in
// terminating mode to a real sshd, with recording on. A pty session gives an asciicast v2
// file that Debian's asciinema replays to what the user saw; exec without a pty is recorded
// byte-exact, each stream capped where the configuration says; a write error ends the
// session with a message (fail_closed) or is only counted (fail_open) and other sessions go
// on; a SIGKILLed bastion leaves a recording that plays up to its last flush.
#include "system/bastion_fixture.hpp"

#include "support/process.hpp"
#include "support/sshd.hpp"

#include <gtest/gtest.h>

#include <openssl/evp.h>

#include <sys/stat.h>

#include <fstream>
#include <functional>
#include <iostream>

namespace bastion::test {
namespace {

namespace fs = std::filesystem;

const nlohmann::json allow_all = {
    {"shell", true}, {"exec", true}, {"pty", true}, {"subsystems", {"sftp"}}};

// Decoded here with OpenSSL, not the bastion's own reader: the test is an independent check.
std::string unbase64(const std::string& s) {
  std::string out(s.size(), '\0');
  const int n =
      EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                      reinterpret_cast<const unsigned char*>(s.data()), static_cast<int>(s.size()));
  if (n < 0) throw std::runtime_error("bad base64 in a recording");
  const std::size_t pad = s.ends_with("==") ? 2 : s.ends_with("=") ? 1 : 0;
  out.resize(static_cast<std::size_t>(n) - pad);
  return out;
}

// The lines of a recording, parsed; a torn last line (a crash) is left out.
std::vector<nlohmann::json> recording_lines(const fs::path& p) {
  std::ifstream in(p);
  std::vector<nlohmann::json> out;
  for (std::string line; std::getline(in, line);) {
    if (in.eof()) break;  // no newline after it: torn
    out.push_back(nlohmann::json::parse(line));
  }
  return out;
}

// One stream of a bastion-streams recording, decoded.
std::string stream_bytes(const std::vector<nlohmann::json>& lines, const std::string& code) {
  std::string out;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    if (lines[i][1] == code) out += unbase64(lines[i][2].get<std::string>());
  }
  return out;
}

// Debian's asciinema (2.2) reads /dev/tty in `cat`: it runs on a pseudo-terminal of
// script(1)'s, put in raw mode first so that the bytes reach us as asciinema wrote them.
sshlib::test::process_result asciinema_cat(const fs::path& file) {
  return sshlib::test::run_process(
      {"script", "-qec", "stty raw -echo; asciinema cat " + file.string(), "/dev/null"});
}

struct BastionRecording : ::testing::Test {
  bastion_fixture f;
  std::size_t t = 0;
  fs::path recordings;

  void SetUp() override {
    if (auto why = sshlib::test::listening_sshd::unavailable_reason(); !why.empty())
      GTEST_SKIP() << why;
    t = f.add_sshd_target();
    recordings = f.dir() / "recordings";
  }
  void start(nlohmann::json recording_extra = nlohmann::json::object(),
             nlohmann::json rule_extra = nlohmann::json::object()) {
    nlohmann::json rec = {{"directory", recordings.string()}};
    if (recording_extra.is_object()) rec.update(recording_extra);
    f.extra_config["recording"] = rec;
    rule_extra["allow"] = allow_all;
    f.start(f.alice_web1_policy(f.key_login_target(t), rule_extra));
  }
  child_result alice(std::vector<std::string> args, const std::string& input = {}) {
    args.insert(args.begin(), {"-l", "alice+web1", "bastion"});
    return f.ssh(args, input, {{"TERM", "xterm-256color"}});
  }
  // The one recording with this extension.
  fs::path only_recording(std::string_view extension) const {
    std::vector<fs::path> found;
    for (const auto& e : fs::directory_iterator(recordings)) {
      if (e.path().extension() == extension) found.push_back(e.path());
    }
    if (found.size() != 1) {
      ADD_FAILURE() << found.size() << " recordings with " << extension << " in " << recordings;
      return {};
    }
    return found.front();
  }
  nlohmann::json event(const std::string& name) const {
    for (const auto& e : f.events()) {
      if (e["event"] == name) return e;
    }
    return {};
  }
};

TEST_F(BastionRecording, APtySessionIsAsciicastThatAsciinemaReplaysToWhatTheUserSaw) {
  start();
  auto r = alice({"-tt"}, "printf 'hello\\nw\\303\\266rld\\n'; tput cols; exit 0\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_NE(r.out.find("w\xC3\xB6rld"), std::string::npos) << r.out;

  const auto file = only_recording(".cast");
  ASSERT_FALSE(file.empty());
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  struct stat dst {};
  ASSERT_EQ(::stat(recordings.c_str(), &dst), 0);
  EXPECT_EQ(dst.st_mode & 0777, 0700u);

  const auto lines = recording_lines(file);
  ASSERT_GE(lines.size(), 2u);
  const auto& h = lines[0];
  EXPECT_EQ(h["version"], 2);
  EXPECT_EQ(h["env"]["TERM"], "xterm-256color");
  EXPECT_EQ(h["title"], "alice@web1 as " + sshlib::test::sshd_server::user());
  EXPECT_EQ(h["bastion"]["user"], "alice");
  EXPECT_EQ(h["bastion"]["target"], "web1");
  EXPECT_EQ(h["bastion"]["kind"], "shell");
  EXPECT_EQ(h["bastion"]["input_recorded"], true);
  std::string typed;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    if (lines[i][1] == "i") typed += lines[i][2].get<std::string>();
  }
  EXPECT_NE(typed.find("tput cols"), std::string::npos) << typed;

  // Debian's asciinema replays it to exactly what the user's terminal received.
  auto replay = asciinema_cat(file);
  ASSERT_EQ(replay.exit_code, 0) << replay.err;
  EXPECT_EQ(replay.out, r.out);

  // The audit log links the session to its recording.
  const auto name = file.filename().string();
  const auto session = event("session");
  EXPECT_EQ(session["recording"], name);
  EXPECT_EQ(name.rfind(session["conn"].get<std::string>() + ".1.", 0), 0u) << name;
  ASSERT_TRUE(
      eventually([&] { return !event("channel_close").is_null(); }, std::chrono::seconds(10)));
  const auto closed = event("channel_close");
  EXPECT_EQ(closed["recording"], name);
  EXPECT_EQ(closed["recording_bytes"], fs::file_size(file));
}

TEST_F(BastionRecording, InputIsLeftOutWhenTheRuleSaysSo) {
  start({}, {{"record_input", false}});
  auto r = alice({"-tt"}, "echo typed-$((40+2)); exit 0\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = recording_lines(only_recording(".cast"));
  ASSERT_GE(lines.size(), 2u);
  EXPECT_EQ(lines[0]["bastion"]["input_recorded"], false);
  std::string output;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    EXPECT_NE(lines[i][1], "i") << lines[i];
    if (lines[i][1] == "o") output += lines[i][2].get<std::string>();
  }
  EXPECT_NE(output.find("typed-42"), std::string::npos) << output;
}

TEST_F(BastionRecording, ExecWithoutAPtyIsRecordedByteExactWithItsExitStatus) {
  start();
  const auto payload = random_bytes(300 * 1024 + 7, 21);
  auto r = alice({"cat; echo done >&2; exit 5"}, payload);
  EXPECT_EQ(r.exit_code, 5) << r.err;
  ASSERT_EQ(r.out, payload);

  const auto lines = recording_lines(only_recording(".streams"));
  ASSERT_GE(lines.size(), 3u);
  EXPECT_EQ(lines[0]["format"], "bastion-streams");
  EXPECT_EQ(lines[0]["command"], "cat; echo done >&2; exit 5");
  EXPECT_EQ(stream_bytes(lines, "o"), payload);
  EXPECT_EQ(stream_bytes(lines, "i"), payload);
  EXPECT_EQ(stream_bytes(lines, "e"), "done\n");
  EXPECT_EQ(lines.back()[1], "exit");
  EXPECT_EQ(lines.back()[2]["status"], 5);
}

TEST_F(BastionRecording, EachStreamIsCappedWithAMarkerAndTheSessionGoesOn) {
  start({{"stream_limit_bytes", 1000}});
  const auto payload = random_bytes(50 * 1024, 22);
  auto r = alice({"cat"}, payload);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, payload) << "the user gets everything";
  const auto lines = recording_lines(only_recording(".streams"));
  EXPECT_EQ(stream_bytes(lines, "o"), payload.substr(0, 1000));
  EXPECT_EQ(stream_bytes(lines, "i"), payload.substr(0, 1000));
  int cuts = 0;
  for (std::size_t i = 1; i < lines.size(); ++i) cuts += lines[i][1] == "cut" ? 1 : 0;
  EXPECT_EQ(cuts, 2);
}

TEST_F(BastionRecording, AWriteErrorEndsTheSessionWithAMessageAndOthersGoOn) {
  start();
  // The recording's writes fail with EFBIG, as a full disk would with ENOSPC.
  f.limit_file_size(256 * 1024);
  // Each chunk is recorded before it is passed on, so the failure near 256 KiB ends the
  // session before the 3 MB can have reached the user.
  auto r = alice({"head -c 3000000 /dev/zero"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("bastion: session ended: recording failed (File too large)"),
            std::string::npos)
      << r.err;
  EXPECT_LT(r.out.size(), 3000000u);

  // The next session is recorded in a file of its own and works.
  auto next = alice({"echo next"});
  EXPECT_EQ(next.exit_code, 0) << next.err;
  EXPECT_EQ(next.out, "next\n");
  const auto failed = event("recording_failed");
  EXPECT_EQ(failed["on_error"], "fail_closed");
  EXPECT_EQ(failed["reason"], "File too large");
}

TEST_F(BastionRecording, FailOpenGoesOnUnrecordedAndSaysSoInTheLog) {
  start({{"on_error", "fail_open"}});
  // The recording's writes fail with EFBIG, as a full disk would with ENOSPC.
  f.limit_file_size(256 * 1024);
  auto all = alice({"head -c 3000000 /dev/zero"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  EXPECT_EQ(all.out.size(), 3000000u);
  EXPECT_EQ(event("recording_failed")["on_error"], "fail_open");
}

TEST_F(BastionRecording, AKilledBastionLeavesARecordingThatPlaysUpToItsLastFlush) {
  start();
  // The session prints a line, then blocks for good (tail -f on nothing); the bastion is
  // killed once that line has reached the recording on disk (its 1 s flush).
  sshlib::test::child_process user(
      {"ssh", "-F", (f.dir() / "ssh_config").string(), "-tt", "-l", "alice+web1", "bastion",
       "echo before-the-crash; exec tail -f /dev/null"},
      std::string(), {{"TERM", "xterm"}});
  fs::path file;
  ASSERT_TRUE(eventually(
      [&] {
        if (!fs::exists(recordings)) return false;
        for (const auto& e : fs::directory_iterator(recordings)) file = e.path();
        return !file.empty() && read_file(file).find("before-the-crash") != std::string::npos;
      },
      std::chrono::seconds(20)));
  f.kill_bastion();
  user.wait(std::chrono::seconds(20));
  auto replay = asciinema_cat(file);
  ASSERT_EQ(replay.exit_code, 0) << replay.err;
  EXPECT_NE(replay.out.find("before-the-crash"), std::string::npos) << replay.out;
}

// OpenSSH's sftp through the bastion: every operation is an audit event, and a file put and
// got whole carries its SHA-256 both ways.
TEST_F(BastionRecording, SftpPutAndGetAreAuditedWithTheFilesSha256) {
  start();
  const auto local = f.dir() / "up.bin";
  const auto back = f.dir() / "down.bin";
  const auto remote = f.dir() / "remote.bin";
  const auto renamed = f.dir() / "renamed.bin";
  const auto payload = random_bytes(2 * 1024 * 1024 + 5, 24);
  std::ofstream(local, std::ios::binary) << payload;
  const auto batch = "put " + local.string() + " " + remote.string() + "\nget " + remote.string() +
                     " " + back.string() + "\nrename " + remote.string() + " " + renamed.string() +
                     "\nmkdir " + (f.dir() / "newdir").string() + "\nrm " + renamed.string() + "\n";
  sshlib::test::child_process p(
      {"sftp", "-F", (f.dir() / "ssh_config").string(), "-b", "-", "alice+web1@bastion"}, batch);
  auto r = p.wait(std::chrono::seconds(60));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(read_file(back), payload);

  std::vector<nlohmann::json> sftp;
  ASSERT_TRUE(eventually(
      [&] {
        sftp.clear();
        for (const auto& e : f.events()) {
          if (e["event"] == "sftp") sftp.push_back(e);
        }
        return !event("channel_close").is_null();
      },
      std::chrono::seconds(10)));
  auto find = [&](const std::string& op, const std::function<bool(const nlohmann::json&)>& m) {
    for (const auto& e : sftp) {
      if (e["op"] == op && m(e)) return e;
    }
    return nlohmann::json();
  };
  const auto hash = sha256_hex(payload);
  const auto put = find("close", [&](const auto& e) {
    return e["path"] == remote.string() && e.value("bytes_written", 0) > 0;
  });
  ASSERT_FALSE(put.is_null()) << nlohmann::json(sftp).dump(1);
  EXPECT_EQ(put["bytes_written"], payload.size());
  EXPECT_EQ(put["sha256"], hash);
  EXPECT_EQ(put["target"], "web1");
  const auto got = find("close", [&](const auto& e) {
    return e["path"] == remote.string() && e.value("bytes_read", 0) > 0;
  });
  ASSERT_FALSE(got.is_null()) << nlohmann::json(sftp).dump(1);
  EXPECT_EQ(got["bytes_read"], payload.size());
  EXPECT_EQ(got["sha256"], hash);
  EXPECT_FALSE(find("open", [&](const auto& e) {
                 return e["path"] == remote.string() && e["result"] == "ok";
               }).is_null());
  EXPECT_FALSE(find("rename", [&](const auto& e) {
                 return e["from"] == remote.string() && e["to"] == renamed.string();
               }).is_null());
  EXPECT_FALSE(find("mkdir", [&](const auto& e) {
                 return e["path"] == (f.dir() / "newdir").string();
               }).is_null());
  EXPECT_FALSE(
      find("remove", [&](const auto& e) { return e["path"] == renamed.string(); }).is_null());
}

// `bastion recordings` on what a real run recorded, through the daemon's own configuration.
TEST_F(BastionRecording, TheToolListsShowsPlaysCatsAndFollowsRealRecordings) {
  start();
  auto shell = alice({"-tt"}, "echo shown-$((6*7)); exit 0\n");
  ASSERT_EQ(shell.exit_code, 0) << shell.err;
  const auto payload = random_bytes(200 * 1024 + 3, 23);
  auto exec = alice({"cat"}, payload);
  ASSERT_EQ(exec.out, payload) << exec.err;
  const auto cast = only_recording(".cast");
  const auto streams = only_recording(".streams");
  ASSERT_FALSE(cast.empty() || streams.empty());
  auto tool = [&](std::vector<std::string> args) {
    args.insert(args.begin(),
                {bastion_program(), "recordings", "--config", f.config_path().string()});
    return sshlib::test::run_process(args);
  };

  const auto list = tool({"list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  const auto session = cast.filename().string().substr(0, cast.filename().string().find('.'));
  EXPECT_NE(list.out.find(session + ".1"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("alice"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("web1"), std::string::npos) << list.out;

  const auto bytes = tool({"cat", streams.filename().string(), "--stream", "o"});
  ASSERT_EQ(bytes.exit_code, 0) << bytes.err;
  EXPECT_EQ(bytes.out, payload);

  const auto played = tool({"play", cast.filename().string(), "--instant"});
  ASSERT_EQ(played.exit_code, 0) << played.err;
  EXPECT_EQ(played.out, shell.out);

  const auto trail = tool({"show", session});
  ASSERT_EQ(trail.exit_code, 0) << trail.err;
  EXPECT_NE(trail.out.find("channel_close"), std::string::npos) << trail.out;
  EXPECT_NE(trail.out.find(cast.filename().string()), std::string::npos) << trail.out;

  // Following a finished session prints it and stops: the audit log has its channel_close.
  ASSERT_TRUE(eventually(
      [&] {
        for (const auto& e : f.events()) {
          if (e["event"] == "channel_close" && e.value("recording", "") == cast.filename())
            return true;
        }
        return false;
      },
      std::chrono::seconds(10)));
  sshlib::test::child_process follow({bastion_program(), "recordings", "--config",
                                      f.config_path().string(), "follow",
                                      cast.filename().string()});
  const auto followed = follow.wait(std::chrono::seconds(20));
  EXPECT_EQ(followed.exit_code, 0) << followed.err;
  EXPECT_NE(followed.out.find("shown-42"), std::string::npos) << followed.out;
}

TEST_F(BastionRecording, ADirectoryOthersCanWriteIsRefusedAtStart) {
  fs::create_directories(recordings);
  fs::permissions(recordings, fs::perms::all);
  f.extra_config["recording"] = {{"directory", recordings.string()}};
  try {
    f.start(f.alice_web1_policy(f.key_login_target(t), {{"allow", allow_all}}));
    ADD_FAILURE() << "the bastion started with a recording directory others can write";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("is writable by others"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace bastion::test
