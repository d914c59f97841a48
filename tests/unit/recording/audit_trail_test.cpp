#include <bastion/recording/audit_trail.hpp>

#include <gtest/gtest.h>

#include <sstream>

namespace bastion::recording {
namespace {

const std::string log_text =
    R"({"ts":"2026-12-02T10:40:18.120Z","event":"start","listen":["0.0.0.0:2222"]})"
    "\n"
    R"({"ts":"2026-12-02T10:40:18.200Z","event":"connection","conn":"S1","source":"192.0.2.7:50022"})"
    "\n"
    R"({"ts":"2026-12-02T10:40:18.300Z","event":"connection","conn":"S2","source":"192.0.2.8:1"})"
    "\n"
    "not json\n"
    R"({"ts":"2026-12-02T10:40:19.000Z","event":"channel_open","conn":"S1","user":"alice","recording":"S1.1.cast","command":"ls -l"})"
    "\n"
    R"({"ts":"2026-12-02T10:40:25.000Z","event":"channel_close","conn":"S1","recording":"S1.1.cast","bytes_in":3})"
    "\n"
    R"({"ts":"2026-12-02T10:40:25.5)";  // being written

TEST(AuditTrail, KeepsTheSessionsLinesInOrderAndReportsDamagedOnes) {
  std::istringstream in(log_text);
  const auto trail = session_audit_trail(in, "S1");
  ASSERT_EQ(trail.lines.size(), 3u);
  EXPECT_EQ(trail.lines[0].event["event"], "connection");
  EXPECT_EQ(trail.lines[1].event["event"], "channel_open");
  EXPECT_EQ(
      trail.lines[2].text,
      R"({"ts":"2026-12-02T10:40:25.000Z","event":"channel_close","conn":"S1","recording":"S1.1.cast","bytes_in":3})");
  ASSERT_EQ(trail.problems.size(), 1u);  // the torn last line is not one
  EXPECT_EQ(describe(trail.problems[0]), "line 4: not a JSON object (skipped)");
}

TEST(AuditTrail, SkipsOverlongLines) {
  std::istringstream in(std::string(max_audit_line_bytes + 10, 'x') + "\n" +
                        R"({"ts":"t","event":"e","conn":"S1"})" + "\n");
  const auto trail = session_audit_trail(in, "S1");
  ASSERT_EQ(trail.lines.size(), 1u);
  ASSERT_EQ(trail.problems.size(), 1u);
  EXPECT_EQ(trail.problems[0].line, 1u);
}

TEST(AuditTrail, FormatsOneReadableLinePerEvent) {
  const auto e = nlohmann::json::parse(
      R"({"ts":"2026-12-02T10:40:19.000Z","event":"channel_open","conn":"S1","user":"alice",)"
      R"("command":"ls -l","pty":true,"bytes":12,"odd=key":"a\u001bb"})");
  EXPECT_EQ(format_audit_event(e),
            "2026-12-02T10:40:19.000Z channel_open bytes=12 command=\"ls -l\" \"odd=key\"="
            "\"a\\u001bb\" pty=true user=alice");
}

TEST(AuditTrail, RecognisesTheChannelCloseOfARecording) {
  EXPECT_TRUE(closes_recording(R"({"event":"channel_close","conn":"S1","recording":"S1.1.cast"})",
                               "S1.1.cast"));
  EXPECT_FALSE(closes_recording(R"({"event":"channel_close","conn":"S1","recording":"S1.2.cast"})",
                                "S1.1.cast"));
  EXPECT_FALSE(closes_recording(R"({"event":"channel_open","conn":"S1","recording":"S1.1.cast"})",
                                "S1.1.cast"));
  EXPECT_FALSE(closes_recording(R"({"event":"channel_close","conn":"S1"})", "S1.1.cast"));
  EXPECT_FALSE(closes_recording("garbage", "S1.1.cast"));
}

}  // namespace
}  // namespace bastion::recording
