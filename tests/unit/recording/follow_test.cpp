#include <bastion/recording/follow.hpp>

#include "samples.hpp"

#include <gtest/gtest.h>

namespace bastion::recording {
namespace {

TEST(TailParser, ParsesARecordingFedInAnyPieces) {
  // One byte at a time: every line waits for its newline.
  tail_parser p;
  std::vector<event> events;
  for (const char c : samples::streams_recording) {
    for (auto& e : p.feed(std::string_view(&c, 1))) events.push_back(std::move(e));
  }
  ASSERT_FALSE(p.error()) << describe(*p.error());
  ASSERT_TRUE(p.header());
  EXPECT_EQ(p.header()->fmt, format::streams);
  ASSERT_EQ(events.size(), 5u);
  EXPECT_EQ(events[0].data, "foo");
  EXPECT_TRUE(p.exited());
}

TEST(TailParser, HoldsALineUntilItsNewlineArrives) {
  tail_parser p;
  EXPECT_TRUE(p.feed(samples::terminal_header).empty());
  EXPECT_FALSE(p.header());
  EXPECT_TRUE(p.feed("\n[0.5, \"o\", \"hel").empty());
  EXPECT_TRUE(p.header());
  const auto events = p.feed("lo\"]\n");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].data, "hello");
  EXPECT_FALSE(p.exited());
}

TEST(TailParser, StopsAtAnErrorWithItsLineNumber) {
  tail_parser p(samples::streams_header.size());
  EXPECT_EQ(p.feed(samples::streams_header + "\n[1, \"o\", \"Zm9v\"]\n").size(), 1u);
  EXPECT_TRUE(p.feed(std::string(samples::streams_header.size() + 1, 'x') + "\n").empty());
  ASSERT_TRUE(p.error());
  EXPECT_EQ(describe(*p.error()),
            "line 3: longer than " + std::to_string(samples::streams_header.size()) + " bytes");
  EXPECT_TRUE(p.feed("[2, \"o\", \"Zm9v\"]\n").empty());
}

TEST(TailParser, ABadHeaderIsAnError) {
  tail_parser p;
  p.feed("[]\n");
  ASSERT_TRUE(p.error());
  EXPECT_EQ(describe(*p.error()), "line 1: header: not a JSON object");
}

follow_status quiet(double seconds) {
  follow_status s;
  s.seconds_quiet = seconds;
  return s;
}

TEST(FollowFinished, StopsOnExitOnChannelCloseOrWhenQuietLongEnough) {
  EXPECT_FALSE(follow_finished({}, std::nullopt));
  follow_status s;
  s.exited = true;
  EXPECT_TRUE(follow_finished(s, std::nullopt));
  s = {};
  s.audit_closed = true;
  EXPECT_TRUE(follow_finished(s, std::nullopt));
  EXPECT_FALSE(follow_finished(quiet(1e6), std::nullopt));
  EXPECT_FALSE(follow_finished(quiet(4.9), 5.0));
  EXPECT_TRUE(follow_finished(quiet(5.0), 5.0));
}

TEST(FollowWait, WaitsForTheRestOfTheQuietLimitOrForever) {
  EXPECT_FALSE(follow_wait(quiet(3), std::nullopt));
  EXPECT_EQ(follow_wait(quiet(3), 5.0), 2.0);
  EXPECT_EQ(follow_wait(quiet(7), 5.0), 0.0);
}

}  // namespace
}  // namespace bastion::recording
