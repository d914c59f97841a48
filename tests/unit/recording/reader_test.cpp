#include <bastion/recording/reader.hpp>

#include "samples.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <vector>

namespace bastion::recording {
namespace {

struct read_all_result {
  std::optional<header_info> header;
  std::vector<event> events;
  std::optional<read_error> error;
  bool truncated = false;
};

read_all_result read_all(const std::string& text, std::size_t max_line = max_line_bytes) {
  std::istringstream in(text);
  reader r(in, max_line);
  read_all_result out;
  if (r.read_header()) {
    out.header = r.header();
    while (auto e = r.next()) out.events.push_back(std::move(*e));
  }
  out.error = r.error();
  out.truncated = r.truncated();
  return out;
}

// The error of reading `header_line` as a header, "" when it reads.
std::string header_error(const std::string& header_line) {
  const auto r = parse_header(header_line);
  return r ? "" : describe(r.error);
}

std::string event_error(const std::string& line, format f = format::streams, double previous = 0) {
  const auto r = parse_event(line, f, 7, previous);
  return r ? "" : describe(r.error);
}

TEST(Reader, ReadsATerminalRecording) {
  const auto r = read_all(samples::terminal_recording);
  ASSERT_FALSE(r.error) << describe(*r.error);
  ASSERT_TRUE(r.header);
  EXPECT_EQ(r.header->fmt, format::terminal);
  const auto& info = r.header->info;
  EXPECT_EQ(info.session, "20261202T104018Z-5f3a9c01");
  EXPECT_EQ(info.channel, 1u);
  EXPECT_EQ(info.user, "alice");
  EXPECT_EQ(info.target, "web1");
  EXPECT_EQ(info.login, "root");
  EXPECT_EQ(info.source, "192.0.2.7:50022");
  EXPECT_EQ(info.kind, "shell");
  EXPECT_EQ(info.started_unix, 1796208018);
  EXPECT_EQ(info.width, 80u);
  EXPECT_EQ(info.height, 24u);
  EXPECT_EQ(info.term, "xterm-256color");
  EXPECT_FALSE(info.command);
  ASSERT_EQ(r.events.size(), 4u);
  EXPECT_EQ(r.events[0].time, 0.25);
  EXPECT_EQ(r.events[0].code, "o");
  EXPECT_EQ(r.events[0].data, "$ ");
  EXPECT_EQ(r.events[1].code, "i");
  EXPECT_EQ(r.events[1].data, "ls\r");
  EXPECT_EQ(r.events[2].data, "ls\r\nfile\xc3\xa9\r\n$ ");  // JSON's \u00e9 as UTF-8
  EXPECT_EQ(r.events[3].code, "r");
  EXPECT_EQ(r.events[3].data, "120x40");
  EXPECT_EQ(r.events[3].time, 2.0);
  EXPECT_FALSE(r.truncated);
}

TEST(Reader, ReadsAStreamsRecordingByteExact) {
  const auto r = read_all(samples::streams_recording);
  ASSERT_FALSE(r.error) << describe(*r.error);
  ASSERT_TRUE(r.header);
  EXPECT_EQ(r.header->fmt, format::streams);
  const auto& info = r.header->info;
  EXPECT_EQ(info.channel, 2u);
  EXPECT_EQ(info.kind, "exec");
  EXPECT_EQ(info.command, "tar cf - /etc");
  EXPECT_FALSE(info.input_recorded);
  EXPECT_EQ(info.stream_limit, 1048576u);
  ASSERT_EQ(r.events.size(), 5u);
  EXPECT_EQ(r.events[0].data, "foo");
  EXPECT_EQ(r.events[1].code, "e");
  EXPECT_EQ(r.events[1].data, "oops\n");
  EXPECT_EQ(r.events[2].data, std::string("\0\xff", 2));
  EXPECT_EQ(r.events[3].code, "cut");
  EXPECT_EQ(r.events[3].data, "o");
  ASSERT_TRUE(r.events[4].exit);
  EXPECT_EQ(r.events[4].exit->status, 3u);
}

TEST(Reader, ReadsASubsystemHeaderAndASignalExit) {
  const auto h = parse_header(
      R"({"format": "bastion-streams", "version": 1, "timestamp": 5, "session": "s",)"
      R"( "channel": 1, "user": "u", "target": "t", "login": "l", "kind": "subsystem",)"
      R"( "subsystem": "sftp"})");
  ASSERT_TRUE(h) << describe(h.error);
  EXPECT_EQ(h.value->info.command, "sftp");
  const auto e =
      parse_event(R"([1, "exit", {"signal": "TERM", "core_dumped": true}])", format::streams, 2, 0);
  ASSERT_TRUE(e) << describe(e.error);
  EXPECT_FALSE(e.value->exit->status);
  EXPECT_EQ(e.value->exit->signal, "TERM");
  EXPECT_TRUE(e.value->exit->core_dumped);
}

TEST(Reader, ATornLastLineEndsTheReadingWithoutAnError) {
  // SIGKILL of the writer in the middle of a line.
  const auto r = read_all(samples::streams_header + "\n" + R"([0.1, "o", "Zm9v"])" + "\n" +
                          R"([0.2, "o", "Zm)");
  EXPECT_FALSE(r.error);
  EXPECT_TRUE(r.truncated);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].data, "foo");
}

TEST(Reader, ACompleteLastLineWithoutANewlineIsAnEvent) {
  const auto r = read_all(samples::streams_header + "\n" + R"([0.1, "o", "Zm9v"])");
  EXPECT_FALSE(r.error);
  EXPECT_FALSE(r.truncated);
  EXPECT_EQ(r.events.size(), 1u);
}

TEST(Reader, AnEmptyFileOrATornHeaderIsAnError) {
  auto r = read_all("");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(describe(*r.error),
            "line 1: empty: no header (the recording has just begun, or its writer stopped "
            "first)");
  r = read_all(samples::terminal_header.substr(0, 40));
  ASSERT_TRUE(r.error);
  EXPECT_TRUE(r.truncated);
  EXPECT_EQ(describe(*r.error), "line 1: a torn header (the writer stopped in the middle of it)");
}

TEST(Reader, ALineOverTheLimitIsAnErrorNamingItsLine) {
  const std::string big_event = R"([0.1, "o", ")" + std::string(1000, 'A') + "\"]";
  const auto r =
      read_all(samples::streams_header + "\n" + R"([0, "o", ""])" + "\n" + big_event + "\n",
               samples::streams_header.size());
  ASSERT_TRUE(r.error);
  EXPECT_EQ(describe(*r.error),
            "line 3: longer than " + std::to_string(samples::streams_header.size()) + " bytes");
  EXPECT_EQ(r.events.size(), 1u);
}

TEST(Reader, ReportsTheLineOfABadEventAndStops) {
  const auto r = read_all(samples::streams_header + "\n" + R"([0.1, "o", "Zm9v"])" + "\n" +
                          R"([0.2, "o", "Zm9"])" + "\n" + R"([0.3, "o", "Zm9v"])" + "\n");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(describe(*r.error), "line 3: event: the data of an \"o\" event is not valid base64");
  EXPECT_EQ(r.events.size(), 1u);
}

TEST(Reader, TimesGoingBackwardsAreAnError) {
  EXPECT_EQ(event_error(R"([1.5, "o", ""])", format::streams, 2.0),
            "line 7: event: time goes backwards (1.500000 after 2.000000)");
  EXPECT_EQ(event_error(R"([2.0, "o", ""])", format::streams, 2.0), "");
  EXPECT_EQ(event_error(R"([-1, "o", ""])"), "line 7: event: time out of range");
  EXPECT_EQ(event_error(R"([1e300, "o", ""])"), "line 7: event: time out of range");
}

TEST(Reader, RejectsEventsNotShapedTimeCodeData) {
  const std::string shape = "line 7: event: not [time, code, data]";
  EXPECT_EQ(event_error("{}"), shape);
  EXPECT_EQ(event_error(R"([1, "o"])"), shape);
  EXPECT_EQ(event_error(R"([1, "o", "", 4])"), shape);
  EXPECT_EQ(event_error(R"(["1", "o", ""])"), shape);
  EXPECT_EQ(event_error(R"([true, "o", ""])"), shape);
  EXPECT_EQ(event_error(R"([1, 2, ""])"), shape);
  EXPECT_EQ(event_error("[1, \"o\", \""), "line 7: event: not JSON");
  EXPECT_EQ(event_error(R"([1, "o", 5])"),
            "line 7: event: the data of a \"o\" event is not a string");
}

TEST(Reader, ChecksEachFormatsCodesAndData) {
  EXPECT_EQ(event_error(R"([1, "r", "80x24"])", format::terminal), "");
  EXPECT_EQ(event_error(R"([1, "m", "a marker"])", format::terminal), "");
  EXPECT_EQ(event_error(R"([1, "r", "80x"])", format::terminal),
            "line 7: event: a resize event that is not \"COLSxROWS\"");
  EXPECT_EQ(event_error(R"([1, "r", "0x24"])", format::terminal),
            "line 7: event: a resize event that is not \"COLSxROWS\"");
  EXPECT_EQ(event_error(R"([1, "e", "x"])", format::terminal),
            "line 7: event: unknown terminal event code \"e\"");
  EXPECT_EQ(event_error(R"([1, "r", "80x24"])", format::streams),
            "line 7: event: unknown streams event code \"r\"");
  EXPECT_EQ(event_error(R"([1, "cut", "x"])"),
            "line 7: event: a \"cut\" event whose stream is not \"i\", \"o\" or \"e\"");
  EXPECT_EQ(event_error(R"([1, "exit", {}])"),
            "line 7: event: an \"exit\" event with neither \"status\" nor \"signal\"");
  EXPECT_EQ(event_error(R"([1, "exit", {"status": -1}])"),
            "line 7: event: an \"exit\" event whose \"status\" is not an integer in 0..2^32-1");
  EXPECT_EQ(event_error(R"([1, "exit", {"signal": ""}])"),
            "line 7: event: an \"exit\" event whose \"signal\" is not a name");
  // An unknown code from the file is quoted and shortened before it reaches a terminal.
  EXPECT_EQ(event_error("[1, \"\\u001b[2J" + std::string(40, 'x') + "\", \"\"]"),
            "line 7: event: unknown streams event code \"\\u001b[2Jxxxxxxxxxxxx...\"");
}

TEST(Reader, RejectsHeadersThatAreNotObjectsOrLackFields) {
  EXPECT_EQ(header_error("[1, 2]"), "line 1: header: not a JSON object");
  EXPECT_EQ(header_error("{"), "line 1: header: not JSON");
  EXPECT_EQ(header_error("{}"), "line 1: header: neither \"format\" nor asciicast's \"version\"");
  EXPECT_EQ(header_error(R"({"version": 1, "width": 80, "height": 24})"),
            "line 1: header: unsupported asciicast \"version\" (this reader knows 2)");
  EXPECT_EQ(header_error(R"({"version": 2, "width": 80, "height": 24, "timestamp": 1})"),
            "line 1: header: an asciicast file without the \"bastion\" object (not a bastion "
            "recording)");
  EXPECT_EQ(header_error(R"({"format": "bastion-streams", "version": 2})"),
            "line 1: header: unsupported bastion-streams \"version\" (this reader knows 1)");
  EXPECT_EQ(header_error(R"({"format": "other", "version": 1})"),
            "line 1: header: unknown \"format\" (this reader knows \"bastion-streams\")");
}

TEST(Reader, NamesTheHeaderFieldThatIsMissingOrIllTyped) {
  auto without = [](const std::string& field) {
    std::string h = samples::streams_header;
    const auto at = h.find("\"" + field + "\"");
    const auto comma = h.find(',', at);
    return h.erase(at, comma + 2 - at);
  };
  EXPECT_EQ(header_error(without("user")), "line 1: header: \"user\" is missing");
  EXPECT_EQ(header_error(without("channel")), "line 1: header: \"channel\" is missing");
  EXPECT_EQ(header_error(without("timestamp")), "line 1: header: \"timestamp\" is missing");
  std::string h = samples::streams_header;
  h.replace(h.find("\"channel\": 2"), 12, "\"channel\": \"2\"");
  EXPECT_EQ(header_error(h), "line 1: header: \"channel\" is not an integer");
  h = samples::terminal_header;
  h.replace(h.find("\"width\": 80"), 11, "\"width\": 0");
  EXPECT_EQ(header_error(h), "line 1: header: \"width\" is out of range");
  h = samples::terminal_header;
  h.replace(h.find("\"kind\": \"shell\""), 15, "\"kind\": \"sftp\"");
  EXPECT_EQ(header_error(h), "line 1: header: \"bastion.kind\" is neither \"shell\" nor \"exec\"");
}

TEST(Reader, OpensAPathAndReportsWhatIsWrongWithIt) {
  reader missing(std::filesystem::path("/nonexistent/x.cast"));
  EXPECT_FALSE(missing.read_header());
  ASSERT_TRUE(missing.error());
  EXPECT_EQ(missing.error()->line, 0u);
  EXPECT_EQ(describe(*missing.error()), "/nonexistent/x.cast: No such file or directory");
  reader dir(std::filesystem::path("/"));
  EXPECT_FALSE(dir.read_header());
  EXPECT_EQ(describe(*dir.error()), "/: not a regular file");
}

}  // namespace
}  // namespace bastion::recording
