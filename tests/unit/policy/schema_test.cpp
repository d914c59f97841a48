// policy/policy.schema.json agrees with the loader: every key the schema allows is known to
// the loader, and the defaults it documents are the model's.
#include "policy_fixtures.hpp"

#include "support/temp_dir.hpp"

namespace bastion::policy {
namespace {

using nlohmann::json;

json schema() {
  return json::parse(sshlib::test::read_file(BASTION_POLICY_SCHEMA));
}

// Where each object of the schema sits in a document, and the schema's JSON pointer to its
// "properties".
struct place {
  const char* document;
  const char* properties;
};

constexpr place places[] = {
    {"", "/properties"},
    {"/users/alice", "/$defs/user/properties"},
    {"/users/alice/totp", "/$defs/user/properties/totp/properties"},
    {"/user_certificate_authorities/0",
     "/properties/user_certificate_authorities/items/properties"},
    {"/targets/web1", "/$defs/target/properties"},
    {"/targets/web1/upstream_auth", "/$defs/target/properties/upstream_auth/oneOf/1/properties"},
    {"/rules/0", "/$defs/rule/properties"},
    {"/rules/0/allow", "/$defs/rule/properties/allow/properties"},
    {"/rules/0/allow/local_forwards/0",
     "/$defs/rule/properties/allow/properties/local_forwards/items/properties"},
    {"/rules/0/allow/remote_forwards/0",
     "/$defs/rule/properties/allow/properties/remote_forwards/items/properties"},
    {"/rules/0/limits", "/$defs/rule/properties/limits/properties"},
};

TEST(PolicySchema, EveryKeyTheSchemaAllowsIsKnownToTheLoader) {
  const auto s = schema();
  std::size_t checked = 0;
  for (const auto& pl : places) {
    for (const auto& [key, definition] : s.at(json::json_pointer(pl.properties)).items()) {
      auto doc = test::base_policy(test::new_key());
      doc["user_certificate_authorities"] = json::array({json::object()});
      doc["rules"][0]["allow"] = {{"local_forwards", {json::object()}},
                                  {"remote_forwards", {json::object()}}};
      doc["users"]["alice"]["totp"] = json::object();
      doc["targets"]["web1"]["upstream_auth"] = json::object();
      doc[json::json_pointer(std::string(pl.document) + "/" + key)] = nullptr;
      const auto r = load_policy_document(doc, "inline");
      for (const auto& p : r.problems) {
        EXPECT_EQ(p.message.find("unknown key \"" + key + "\""), std::string::npos)
            << pl.document << ": " << key;
      }
      ++checked;
    }
  }
  EXPECT_GT(checked, 40u);
}

TEST(PolicySchema, DocumentedDefaultsAreTheModels) {
  const auto s = schema();
  auto def = [&](const std::string& pointer) {
    return s.at(json::json_pointer(pointer)).at("default");
  };
  const std::string limits = "/$defs/rule/properties/limits/properties/";
  const session_limits l;
  EXPECT_EQ(def(limits + "max_sessions"), l.max_sessions);
  EXPECT_EQ(def(limits + "idle_timeout_seconds"), l.idle_timeout_seconds);
  EXPECT_EQ(def(limits + "max_duration_seconds"), l.max_duration_seconds);
  const std::string totp = "/$defs/user/properties/totp/properties/";
  const totp_settings t;
  EXPECT_EQ(def(totp + "digits"), t.digits);
  EXPECT_EQ(def(totp + "period_seconds"), t.period_seconds);
  EXPECT_EQ(def(totp + "algorithm"), "sha1");
  EXPECT_EQ(def("/$defs/target/properties/port"), target{}.port);
  EXPECT_EQ(def("/$defs/target/properties/upstream_auth"), json({{"method", "agent"}}));
  for (const auto* flag : {"shell", "exec", "pty", "agent_forwarding", "x11"}) {
    EXPECT_EQ(def(std::string("/$defs/rule/properties/allow/properties/") + flag), false) << flag;
  }
}

TEST(PolicySchema, TheSeedPoliciesLoadOrFailAsIntended) {
  const std::string dir = BASTION_POLICY_SEEDS;
  EXPECT_TRUE(load_policy_file(dir + "/full.json"));
  EXPECT_TRUE(load_policy_file(dir + "/minimal.json"));
  EXPECT_GT(load_policy_file(dir + "/errors.json").problems.size(), 8u);
}

}  // namespace
}  // namespace bastion::policy
