// The `bastion recordings` subcommands. The formats' logic is in bastion_recording (reader,
// catalog, replay, audit_trail, follow), unit-tested there; this file parses the command
// line, opens files and, for follow, waits on inotify.
#include "recordings_cli.hpp"

#include "config.hpp"

#include <bastion/recording/audit_trail.hpp>
#include <bastion/recording/catalog.hpp>
#include <bastion/recording/follow.hpp>
#include <bastion/recording/replay.hpp>

#include <fcntl.h>
#include <poll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace bastion {
namespace {

namespace rec = bastion::recording;
namespace fs = std::filesystem;

constexpr std::string_view usage =
    "usage: bastion recordings (--dir DIR | --config FILE) list\n"
    "       bastion recordings (--audit-log FILE | --config FILE) show SESSION [--json]\n"
    "       bastion recordings (--dir DIR | --config FILE) play NAME [--speed X]\n"
    "                          [--idle-limit SECONDS] [--instant]\n"
    "       bastion recordings (--dir DIR | --config FILE) cat NAME [--stream o|e|i]\n"
    "       bastion recordings (--dir DIR | --config FILE) follow NAME\n"
    "                          [--audit-log FILE] [--quiet-exit SECONDS]\n"
    "NAME is a file name in DIR (SESSION.CHANNEL.cast or .streams) or SESSION.CHANNEL.\n";

// A usage error (exit 2) or a failure (exit 1), with its message.
struct cli_error {
  int code;
  std::string message;
};

struct cli_args {
  std::string command;
  std::vector<std::string> operands;
  std::map<std::string, std::string> values;  // "--dir" -> DIR, ...
  std::set<std::string> flags;                // "--json", "--instant"
};

// The options taking a value, and the flags; which apply to which command is checked after.
const std::set<std::string_view> value_options = {
    "--dir", "--audit-log", "--config", "--speed", "--idle-limit", "--stream", "--quiet-exit"};
const std::set<std::string_view> flag_options = {"--json", "--instant"};

const std::map<std::string_view, std::set<std::string_view>> command_options = {
    {"list", {"--dir", "--config"}},
    {"show", {"--audit-log", "--config", "--json"}},
    {"play", {"--dir", "--config", "--speed", "--idle-limit", "--instant"}},
    {"cat", {"--dir", "--config", "--stream"}},
    {"follow", {"--dir", "--config", "--audit-log", "--quiet-exit"}},
};

std::optional<cli_error> parse_args(int argc, char** argv, cli_args& args) {
  for (int i = 0; i < argc; ++i) {
    const std::string arg = argv[i];
    if (value_options.count(arg)) {
      if (i + 1 == argc) return cli_error{2, arg + " needs a value"};
      if (!args.values.emplace(arg, argv[++i]).second) return cli_error{2, arg + " given twice"};
    } else if (flag_options.count(arg)) {
      args.flags.insert(arg);
    } else if (arg.size() > 1 && arg[0] == '-') {
      return cli_error{2, "unknown option " + arg};
    } else if (args.command.empty()) {
      args.command = arg;
    } else {
      args.operands.push_back(arg);
    }
  }
  const auto allowed = command_options.find(args.command);
  if (allowed == command_options.end())
    return cli_error{2, args.command.empty() ? "no command" : "unknown command " + args.command};
  for (const auto& [name, value] : args.values)
    if (!allowed->second.count(name))
      return cli_error{2, name + " does not apply to " + args.command};
  for (const auto& name : args.flags)
    if (!allowed->second.count(name))
      return cli_error{2, name + " does not apply to " + args.command};
  if (args.operands.size() != (args.command == "list" ? 0u : 1u))
    return cli_error{
        2, args.command + " takes " + (args.command == "list" ? "no" : "one") + " operand"};
  return std::nullopt;
}

// A non-negative number of seconds or a speed.
std::optional<cli_error> parse_number(const cli_args& args, const std::string& name,
                                      std::optional<double>& out) {
  const auto it = args.values.find(name);
  if (it == args.values.end()) return std::nullopt;
  const auto& text = it->second;
  double v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v) || v < 0 ||
      v > rec::max_event_seconds)
    return cli_error{2, name + " takes a number from 0 up, not \"" + text + "\""};
  out = v;
  return std::nullopt;
}

std::optional<daemon_config> load_for_tools(const cli_args& args, cli_error& error) {
  const auto it = args.values.find("--config");
  if (it == args.values.end()) return std::nullopt;
  auto loaded = load_config(it->second);
  if (!loaded.value) error = {1, policy::format_problems(loaded.problems)};
  return std::move(loaded.value);
}

// The recordings directory: --dir, or the configuration's recording.directory.
std::optional<fs::path> recordings_dir(const cli_args& args, cli_error& error) {
  if (const auto it = args.values.find("--dir"); it != args.values.end()) return it->second;
  const auto config = load_for_tools(args, error);
  if (!error.message.empty()) return std::nullopt;
  if (!config) {
    error = {2, args.command + " needs --dir DIR or --config FILE"};
  } else if (!config->recording.directory) {
    error = {1, config->source.string() + ": recording is not configured (no recording.directory)"};
  } else {
    return *config->recording.directory;
  }
  return std::nullopt;
}

// The audit log: --audit-log, or the configuration's log.file. `required`: show needs it,
// follow takes it when there is one.
std::optional<fs::path> audit_log(const cli_args& args, bool required, cli_error& error) {
  if (const auto it = args.values.find("--audit-log"); it != args.values.end()) return it->second;
  const auto config = load_for_tools(args, error);
  if (!error.message.empty() || !config) {
    if (required && error.message.empty())
      error = {2, args.command + " needs --audit-log FILE or --config FILE"};
    return std::nullopt;
  }
  if (config->log.file == "-") {
    if (required)
      error = {1, config->source.string() +
                      ": the audit log goes to stderr (log.file \"-\"): give --audit-log FILE"};
    return std::nullopt;
  }
  return fs::path(config->log.file);
}

bool has_recording_extension(std::string_view name) {
  return name.ends_with(rec::terminal_extension) || name.ends_with(rec::streams_extension);
}

// NAME as a file name in DIR: never a path, so a name cannot leave the directory.
std::optional<cli_error> check_name(const std::string& name) {
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos)
    return cli_error{2, "\"" + name +
                            "\" is not a recording's name (SESSION.CHANNEL or a file "
                            "name in the directory)"};
  return std::nullopt;
}

// The candidate files NAME stands for.
std::vector<fs::path> candidates(const fs::path& dir, const std::string& name) {
  if (has_recording_extension(name)) return {dir / name};
  return {dir / (name + std::string(rec::terminal_extension)),
          dir / (name + std::string(rec::streams_extension))};
}

std::optional<fs::path> find_recording(const fs::path& dir, const std::string& name,
                                       cli_error& error) {
  std::vector<fs::path> found;
  for (const auto& p : candidates(dir, name)) {
    std::error_code ec;
    if (fs::exists(fs::symlink_status(p, ec))) found.push_back(p);
  }
  if (found.size() == 1) return found[0];
  error = {1, found.empty() ? "no recording " + name + " in " + dir.string()
                            : name + " is both a .cast and a .streams in " + dir.string() +
                                  ": give the file name"};
  return std::nullopt;
}

std::optional<rec::header_info> open_header(rec::reader& r, const fs::path& path,
                                            cli_error& error) {
  if (r.read_header()) return r.header();
  const auto& e = *r.error();
  error = {1, e.line == 0 ? rec::describe(e) : path.string() + ": " + rec::describe(e)};
  return std::nullopt;
}

// The error a reading stopped on, as a message; none after a clean (or torn) end.
int finish_reading(const std::optional<rec::read_error>& e, const fs::path& path) {
  std::cout.flush();
  if (e) {
    std::cerr << "bastion recordings: " << path.string() << ": " << rec::describe(*e) << "\n";
    return 1;
  }
  if (!std::cout) {
    std::cerr << "bastion recordings: cannot write to stdout\n";
    return 1;
  }
  return 0;
}

int report(const cli_error& e) {
  std::cerr << "bastion recordings: " << e.message;
  if (e.message.empty() || e.message.back() != '\n') std::cerr << "\n";
  if (e.code == 2) std::cerr << usage;
  return e.code;
}

int list(const cli_args& args) {
  cli_error error{0, ""};
  const auto dir = recordings_dir(args, error);
  if (!dir) return report(error);
  std::string why;
  const auto c = rec::list_recordings(*dir, why);
  if (!c) return report({1, why});
  std::cout << rec::format_table(*c) << std::flush;
  // Each file's problem on stderr; the others are still listed (and a damaged one up to
  // its damage).
  for (const auto& p : c->problems)
    std::cerr << "bastion recordings: " << (*dir / p.file_name).string() << ": " << p.what << "\n";
  for (const auto& e : c->entries)
    if (e.error)
      std::cerr << "bastion recordings: " << (*dir / e.file_name).string() << ": "
                << rec::describe(*e.error) << " (counted up to there)\n";
  return std::cout ? 0 : report({1, "cannot write to stdout"});
}

int show(const cli_args& args) {
  cli_error error{0, ""};
  const auto log = audit_log(args, true, error);
  if (!log) return report(error);
  std::error_code ec;
  if (!fs::is_regular_file(*log, ec)) return report({1, log->string() + ": not a regular file"});
  std::ifstream in(*log, std::ios::binary);
  if (!in) return report({1, log->string() + ": cannot be opened"});
  const auto& session = args.operands[0];
  const auto trail = rec::session_audit_trail(in, session);
  for (const auto& p : trail.problems)
    std::cerr << "bastion recordings: " << log->string() << ": " << rec::describe(p) << "\n";
  if (trail.lines.empty())
    return report({1, "no events of session " + session + " in " + log->string()});
  const bool raw = args.flags.count("--json") != 0;
  for (const auto& l : trail.lines)
    std::cout << (raw ? l.text : rec::format_audit_event(l.event)) << "\n";
  return finish_reading(std::nullopt, *log);
}

// The recording NAME stands for in the directory, or the error.
std::optional<fs::path> named_recording(const cli_args& args, cli_error& error) {
  const auto dir = recordings_dir(args, error);
  if (!dir) return std::nullopt;
  if (auto bad = check_name(args.operands[0])) {
    error = *bad;
    return std::nullopt;
  }
  return find_recording(*dir, args.operands[0], error);
}

int play(const cli_args& args) {
  cli_error error{0, ""};
  rec::play_options options;
  std::optional<double> speed;
  if (auto e = parse_number(args, "--speed", speed)) return report(*e);
  if (auto e = parse_number(args, "--idle-limit", options.idle_limit)) return report(*e);
  options.speed = args.flags.count("--instant") ? 0 : speed.value_or(1.0);
  const auto path = named_recording(args, error);
  if (!path) return report(error);
  rec::reader r(*path);
  if (!open_header(r, *path, error)) return report(error);
  const auto stopped = rec::play(r, std::cout, std::cerr, options, [](double seconds) {
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  });
  return finish_reading(stopped, *path);
}

int cat(const cli_args& args) {
  cli_error error{0, ""};
  const auto it = args.values.find("--stream");
  const std::string stream = it == args.values.end() ? "o" : it->second;
  if (stream != "o" && stream != "e" && stream != "i")
    return report({2, "--stream is o, e or i, not \"" + stream + "\""});
  const auto path = named_recording(args, error);
  if (!path) return report(error);
  rec::reader r(*path);
  const auto header = open_header(r, *path, error);
  if (!header) return report(error);
  if (!rec::has_stream(header->fmt, stream))
    return report({1, path->string() + ": a terminal recording has no stream " + stream +
                          " (its stderr is in o)"});
  if (stream == "i" && !header->info.input_recorded)
    std::cerr << "bastion recordings: note: " << path->filename().string()
              << ": input was not recorded\n";
  const auto result = rec::cat_stream(r, stream, std::cout);
  std::cout.flush();
  if (result.cut)
    std::cerr << "bastion recordings: note: " << path->filename().string() << ": stream " << stream
              << " was cut at the recording limit (" << header->info.stream_limit
              << " bytes); the rest was not recorded\n";
  return finish_reading(result.error, *path);
}

// A file descriptor, closed with its owner.
class unique_fd {
 public:
  explicit unique_fd(int fd = -1) noexcept : fd_(fd) {}
  unique_fd(unique_fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  unique_fd& operator=(unique_fd&& o) noexcept {
    if (this != &o) {
      if (fd_ >= 0) ::close(fd_);
      fd_ = std::exchange(o.fd_, -1);
    }
    return *this;
  }
  ~unique_fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const noexcept { return fd_; }
  explicit operator bool() const noexcept { return fd_ >= 0; }

 private:
  int fd_;
};

std::string errno_text(const std::string& what) {
  return what + ": " + std::strerror(errno);
}

// Waits on the inotify descriptor for up to `seconds` (nullopt: no limit), then discards
// what it queued: the callers look again at the files themselves, so which event woke them
// does not matter. False on an error.
bool wait_for_change(int inotify, std::optional<double> seconds) {
  pollfd p{inotify, POLLIN, 0};
  const int timeout =
      seconds ? static_cast<int>(std::min(std::ceil(*seconds * 1000), 24.0 * 3600 * 1000)) : -1;
  if (::poll(&p, 1, timeout) < 0 && errno != EINTR) return false;
  alignas(inotify_event) std::array<char, 4096> buf;
  while (::read(inotify, buf.data(), buf.size()) > 0) {
  }
  return true;
}

// Reads what has been appended to `fd` since the last call, in chunks.
template <class Sink>
std::size_t drain(int fd, Sink&& sink) {
  std::array<char, 65536> buf;
  std::size_t total = 0;
  for (;;) {
    const auto n = ::read(fd, buf.data(), buf.size());
    if (n <= 0) return total;
    total += static_cast<std::size_t>(n);
    sink(std::string_view(buf.data(), static_cast<std::size_t>(n)));
  }
}

using steady = std::chrono::steady_clock;

double seconds_since(steady::time_point t) {
  return std::chrono::duration<double>(steady::now() - t).count();
}

// The recording NAME stands for, once it exists: watches the directory for it (created or
// moved in), looking again after each change so that a creation before the watch is seen.
std::optional<fs::path> wait_for_recording(int inotify, const fs::path& dir,
                                           const std::string& name,
                                           std::optional<double> quiet_exit, cli_error& error) {
  const int watch = ::inotify_add_watch(inotify, dir.c_str(), IN_CREATE | IN_MOVED_TO);
  if (watch < 0) {
    error = {1, errno_text(dir.string())};
    return std::nullopt;
  }
  const auto since = steady::now();
  for (;;) {
    cli_error not_found{0, ""};
    if (auto path = find_recording(dir, name, not_found)) {
      ::inotify_rm_watch(inotify, watch);
      return path;
    }
    const double waited = seconds_since(since);
    if (quiet_exit && waited >= *quiet_exit) {
      error = not_found;
      return std::nullopt;
    }
    if (!wait_for_change(inotify,
                         quiet_exit ? std::optional(*quiet_exit - waited) : std::nullopt)) {
      error = {1, errno_text("inotify")};
      return std::nullopt;
    }
  }
}

// What follow watches: the recording, and the audit log when there is one.
struct followed {
  unique_fd recording;
  unique_fd audit;
};

std::optional<cli_error> open_followed(int inotify, const fs::path& path,
                                       const std::optional<fs::path>& log, followed& f,
                                       steady::time_point& last_growth) {
  // Watched before the first read, so that no write falls between the two.
  if (::inotify_add_watch(inotify, path.c_str(), IN_MODIFY | IN_CLOSE_WRITE) < 0)
    return cli_error{1, errno_text(path.string())};
  f.recording = unique_fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
  struct stat st {};
  if (!f.recording || ::fstat(f.recording.get(), &st) != 0)
    return cli_error{1, errno_text(path.string())};
  if (!S_ISREG(st.st_mode)) return cli_error{1, path.string() + ": not a regular file"};
  // Quiet since the file's last write, not since this command started.
  const auto age =
      std::chrono::system_clock::now() - std::chrono::system_clock::from_time_t(st.st_mtim.tv_sec);
  last_growth = steady::now() - std::max(decltype(age)::zero(), age);
  if (log) {
    if (::inotify_add_watch(inotify, log->c_str(), IN_MODIFY) < 0)
      return cli_error{1, errno_text(log->string())};
    f.audit = unique_fd(::open(log->c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
    if (!f.audit) return cli_error{1, errno_text(log->string())};
  }
  return std::nullopt;
}

int follow(const cli_args& args) {
  cli_error error{0, ""};
  std::optional<double> quiet_exit;
  if (auto e = parse_number(args, "--quiet-exit", quiet_exit)) return report(*e);
  const auto dir = recordings_dir(args, error);
  if (!dir) return report(error);
  const auto& name = args.operands[0];
  if (auto bad = check_name(name)) return report(*bad);
  const auto log = audit_log(args, false, error);
  if (!error.message.empty()) return report(error);

  unique_fd inotify(::inotify_init1(IN_CLOEXEC | IN_NONBLOCK));
  if (!inotify) return report({1, errno_text("inotify")});
  const auto path = wait_for_recording(inotify.get(), *dir, name, quiet_exit, error);
  if (!path) return report(error);
  followed f;
  steady::time_point last_growth;
  if (auto e = open_followed(inotify.get(), *path, log, f, last_growth)) return report(*e);

  rec::tail_parser tail;
  rec::line_splitter audit_lines(rec::max_audit_line_bytes);
  const auto file_name = path->filename().string();
  rec::follow_status status;
  // What the file held at the start is not growth: its quiet time runs from its mtime.
  bool first_read = true;
  for (;;) {
    const auto grew = drain(f.recording.get(), [&](std::string_view bytes) {
      for (const auto& e : tail.feed(bytes))
        rec::write_output(e, tail.header()->fmt, std::cout, std::cerr);
    });
    std::cout.flush();
    std::cerr.flush();
    if (tail.error()) return finish_reading(tail.error(), *path);
    if (grew > 0 && !first_read) last_growth = steady::now();
    first_read = false;
    if (f.audit) {
      drain(f.audit.get(), [&](std::string_view bytes) {
        for (const auto& l : audit_lines.feed(bytes))
          if (!l.overlong && rec::closes_recording(l.text, file_name)) status.audit_closed = true;
      });
    }
    status.exited = tail.exited();
    status.seconds_quiet = seconds_since(last_growth);
    if (rec::follow_finished(status, quiet_exit)) return finish_reading(std::nullopt, *path);
    if (!wait_for_change(inotify.get(), rec::follow_wait(status, quiet_exit)))
      return report({1, errno_text("inotify")});
  }
}

}  // namespace

int run_recordings_cli(int argc, char** argv) {
  if (argc == 1 && (std::string_view(argv[0]) == "--help" || std::string_view(argv[0]) == "-h")) {
    std::cout << usage;
    return 0;
  }
  cli_args args;
  if (auto e = parse_args(argc, argv, args)) return report(*e);
  try {
    if (args.command == "list") return list(args);
    if (args.command == "show") return show(args);
    if (args.command == "play") return play(args);
    if (args.command == "cat") return cat(args);
    return follow(args);
  } catch (const std::exception& e) {
    // The process edge: a configuration that cannot be read, a failed allocation.
    return report({1, e.what()});
  }
}

}  // namespace bastion
