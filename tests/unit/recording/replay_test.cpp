#include <bastion/recording/replay.hpp>

#include "samples.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <vector>

namespace bastion::recording {
namespace {

play_options at(double speed, std::optional<double> idle_limit = std::nullopt) {
  play_options o;
  o.speed = speed;
  o.idle_limit = idle_limit;
  return o;
}

TEST(PlayDelay, DividesTheGapBySpeedAfterCappingIdleTime) {
  EXPECT_EQ(play_delay(1.0, 3.0, {}), 2.0);
  EXPECT_EQ(play_delay(1.0, 3.0, at(2.0)), 1.0);
  EXPECT_EQ(play_delay(1.0, 31.0, at(2.0, 5.0)), 2.5);
  EXPECT_EQ(play_delay(1.0, 2.0, at(1.0, 5.0)), 1.0);
  EXPECT_EQ(play_delay(1.0, 1000.0, at(0)), 0.0);
  EXPECT_EQ(play_delay(0, max_event_seconds, at(1e-300)), max_event_seconds);
}

TEST(Play, WritesTerminalOutputWithItsTiming) {
  std::istringstream in(samples::terminal_recording);
  reader r(in);
  ASSERT_TRUE(r.read_header());
  std::ostringstream out, err;
  std::vector<double> waits;
  const auto error = play(r, out, err, {}, [&](double s) { waits.push_back(s); });
  EXPECT_FALSE(error);
  EXPECT_EQ(out.str(), "$ ls\r\nfile\xc3\xa9\r\n$ ");
  EXPECT_EQ(err.str(), "");
  // From 0 to the prompt, then from the prompt to the output; the input in between and
  // the resize after show nothing.
  EXPECT_EQ(waits, (std::vector<double>{0.25, 1.25}));
}

TEST(Play, SendsStreamsStdoutAndStderrApart) {
  std::istringstream in(samples::streams_recording);
  reader r(in);
  ASSERT_TRUE(r.read_header());
  std::ostringstream out, err;
  int waited = 0;
  EXPECT_FALSE(play(r, out, err, at(0), [&](double) { ++waited; }));
  EXPECT_EQ(out.str(), std::string("foo\0\xff", 5));
  EXPECT_EQ(err.str(), "oops\n");
  EXPECT_EQ(waited, 0);
}

TEST(Play, ReturnsTheErrorItStoppedOn) {
  std::istringstream in(samples::streams_header + "\n[1, \"o\", \"Zm9v\"]\n[2, \"o\", \"%\"]\n");
  reader r(in);
  ASSERT_TRUE(r.read_header());
  std::ostringstream out, err;
  const auto error = play(r, out, err, at(0), [](double) {});
  ASSERT_TRUE(error);
  EXPECT_EQ(error->line, 3u);
  EXPECT_EQ(out.str(), "foo");
}

TEST(Cat, WritesOneStreamByteExactAndSaysWhenItWasCut) {
  for (const auto& [code, bytes, cut] : std::vector<std::tuple<std::string, std::string, bool>>{
           {"o", std::string("foo\0\xff", 5), true}, {"e", "oops\n", false}, {"i", "", false}}) {
    std::istringstream in(samples::streams_recording);
    reader r(in);
    ASSERT_TRUE(r.read_header());
    std::ostringstream out;
    const auto result = cat_stream(r, code, out);
    EXPECT_EQ(out.str(), bytes) << code;
    EXPECT_EQ(result.cut, cut) << code;
    EXPECT_FALSE(result.error);
  }
}

TEST(Cat, WritesATerminalsInputOrOutputText) {
  std::istringstream in(samples::terminal_recording);
  reader r(in);
  ASSERT_TRUE(r.read_header());
  std::ostringstream out;
  EXPECT_FALSE(cat_stream(r, "i", out).cut);
  EXPECT_EQ(out.str(), "ls\r");
}

TEST(Cat, KnowsWhichStreamsEachFormatHas) {
  EXPECT_TRUE(has_stream(format::streams, "e"));
  EXPECT_FALSE(has_stream(format::terminal, "e"));
  EXPECT_TRUE(has_stream(format::terminal, "i"));
  EXPECT_FALSE(has_stream(format::streams, "x"));
}

}  // namespace
}  // namespace bastion::recording
