// The build-info gauge.
#include <bastion/metrics/build_info.hpp>

#include <gtest/gtest.h>

#include <stdexcept>

namespace bastion::metrics {
namespace {

TEST(BuildInfo, IsAConstantOneWithTheBuildInLabels) {
  registry r("bastion", 1);
  add_build_info(r, "1.2.3", {{"revision", "a1b2c3"}});
  EXPECT_EQ(r.scrape(),
            "# HELP bastion_build_info Build information; the value is always 1.\n"
            "# TYPE bastion_build_info gauge\n"
            "bastion_build_info{version=\"1.2.3\",revision=\"a1b2c3\"} 1\n");
}

TEST(BuildInfo, RejectsBadOrRepeatedLabels) {
  registry r("bastion", 1);
  EXPECT_THROW(add_build_info(r, "1", {{"version", "2"}}), std::invalid_argument);
  EXPECT_THROW(add_build_info(r, "1", {{"Bad-Name", "x"}}), std::invalid_argument);
  EXPECT_THROW(add_build_info(r, "1", {{"le", "x"}}), std::invalid_argument);
  EXPECT_EQ(r.scrape(), "");
}

}  // namespace
}  // namespace bastion::metrics
