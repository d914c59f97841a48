// known_hosts against OpenSSH's own tools: `ssh-keygen -F` finds the lines our lookup
// finds, `ssh-keygen -H` hashes a file into entries we match exactly as before, `-R`
// removes what we then no longer trust, our new entries are found by ssh-keygen, and
// host certificates made by `ssh-keygen -s -h` pass (or fail) through @cert-authority.
// Every fixture is made at test time.
#include "ssh_keygen_support.hpp"

#include <sshlib/known_hosts.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace sshlib::test {
namespace {

struct endpoint {
  std::string host;
  std::uint16_t port = 22;
  // The name ssh-keygen -F and -R take.
  std::string name() const { return port == 22 ? host : "[" + host + "]:" + std::to_string(port); }
};

// The line numbers `ssh-keygen -F name -f file` reports ("# Host name found: line N ...").
std::vector<std::size_t> keygen_find(const std::filesystem::path& file, const std::string& name) {
  const process_result r = run_process({"ssh-keygen", "-F", name, "-f", file.string()});
  std::vector<std::size_t> lines;
  const std::string marker = " found: line ";
  for (std::size_t pos = r.out.find(marker); pos != std::string::npos; pos = r.out.find(marker, pos + 1)) {
    lines.push_back(std::stoul(r.out.substr(pos + marker.size())));
  }
  return lines;
}

std::vector<std::size_t> our_find(const known_hosts& kh, const endpoint& e) {
  std::vector<std::size_t> lines;
  for (const auto& entry : kh.lookup(e.host, e.port)) lines.push_back(entry.line);
  return lines;
}

class KnownHostsInterop : public ::testing::Test {
protected:
  void SetUp() override {
    if (!program_available("ssh-keygen")) GTEST_SKIP() << "ssh-keygen not installed";
    host_ed_ = make_key("host_ed25519", "ed25519");
    host_ec_ = make_key("host_ecdsa", "ecdsa");
    other_ = make_key("other_ed25519", "ed25519");
    ca_ = make_key("ca", "ed25519");
  }

  // Generates dir/name with ssh-keygen and returns its public key.
  key make_key(const std::string& name, const std::string& type) {
    keygen({"-q", "-t", type, "-N", "", "-C", name, "-f", (dir_ / name).string()});
    return parse_file(dir_ / (name + ".pub"));
  }
  static std::string text(const key& k) { return strip_comment(k.public_ssh()); }

  known_hosts load(const std::filesystem::path& file) {
    auto kh = known_hosts::load(file);
    if (!kh) throw std::runtime_error(kh.error().message());
    return std::move(*kh);
  }

  // Signs host_ed25519.pub with the CA; returns the certificate.
  key sign_host(const std::vector<std::string>& args) {
    std::vector<std::string> all{"-q", "-s", (dir_ / "ca").string(), "-h", "-I", "host-id"};
    all.insert(all.end(), args.begin(), args.end());
    all.push_back((dir_ / "host_ed25519.pub").string());
    keygen(all);
    return parse_file(dir_ / "host_ed25519-cert.pub");
  }

  temp_dir dir_;
  std::optional<key> host_ed_, host_ec_, other_, ca_;
};

TEST_F(KnownHostsInterop, LookupsAgreeWithSshKeygenFind) {
  const auto file = dir_ / "known_hosts";
  const std::string ours_hashed = known_hosts::format_entry("hashed.example", 22, *host_ed_, true).value();
  const std::string ours_hashed_port = known_hosts::format_entry("hashed.example", 2022, *host_ec_, true).value();
  write_file(file, "# comment\n"
                   "host.example,10.0.0.1 " + text(*host_ed_) + "\n" +
                   "*.lab.example,!pc.lab.example " + text(*host_ed_) + "\n" +
                   "[host.example]:2222 " + text(*host_ec_) + "\n" +
                   "[*.wild.example]:2200,web?.example " + text(*other_) + "\n" +
                   "@cert-authority *.example " + text(*ca_) + "\n" +
                   "@revoked pc.lab.example " + text(*other_) + "\n" +
                   "not a valid line\n" +
                   ours_hashed + ours_hashed_port);
  const known_hosts kh = load(file);
  EXPECT_EQ(kh.entries().size(), 8u);
  EXPECT_EQ(kh.warnings().size(), 1u);
  const std::vector<endpoint> queries = {
      {"host.example"},       {"10.0.0.1"},           {"host.example", 2222}, {"host.example", 2223},
      {"ws.lab.example"},     {"pc.lab.example"},     {"lab.example"},        {"a.wild.example", 2200},
      {"a.wild.example"},     {"web1.example"},       {"web12.example"},      {"hashed.example"},
      {"hashed.example", 2022}, {"hashed.example", 22222}, {"nothing.test"},  {"HOST.example"},
  };
  for (const auto& q : queries) {
    SCOPED_TRACE(q.name());
    EXPECT_EQ(our_find(kh, q), keygen_find(file, q.name()));
  }
  // Sanity: the comparison is not vacuous.
  EXPECT_EQ(keygen_find(file, "hashed.example"), (std::vector<std::size_t>{6, 9}));
}

TEST_F(KnownHostsInterop, FileHashedBySshKeygenMatchesTheSameHosts) {
  const auto file = dir_ / "known_hosts";
  write_file(file, "host.example,10.0.0.1 " + text(*host_ed_) + "\n" +
                       "[host.example]:2222 " + text(*host_ec_) + "\n" +
                       "other.example " + text(*other_) + "\n" +
                       "@cert-authority ca.example " + text(*ca_) + "\n");
  const std::vector<std::pair<endpoint, const key*>> expected = {
      {{"host.example"}, &*host_ed_},
      {{"10.0.0.1"}, &*host_ed_},
      {{"host.example", 2222}, &*host_ec_},
      {{"other.example"}, &*other_},
  };
  const known_hosts before = load(file);
  keygen({"-H", "-f", file.string()});
  const known_hosts after = load(file);
  ASSERT_EQ(after.entries().size(), 5u);  // the two names of line 1 get a line each
  EXPECT_TRUE(after.warnings().empty());
  for (std::size_t i = 0; i < 4; ++i) EXPECT_TRUE(after.entries()[i].hosts.starts_with("|1|")) << i;
  // ssh-keygen -H leaves marker lines as they are.
  EXPECT_EQ(after.entries()[4].marker, known_hosts_marker::cert_authority);
  EXPECT_EQ(after.entries()[4].hosts, "ca.example");
  for (const auto& [where, k] : expected) {
    SCOPED_TRACE(where.name());
    EXPECT_EQ(before.check(where.host, where.port, *k).verdict, host_key_status::trusted);
    EXPECT_EQ(after.check(where.host, where.port, *k).verdict, host_key_status::trusted);
    EXPECT_EQ(our_find(after, where), keygen_find(file, where.name()));
  }
  EXPECT_EQ(after.check("host.example", 2222, *host_ed_).verdict, host_key_status::unknown);
  EXPECT_EQ(after.check("other.example", 22, *host_ed_).verdict, host_key_status::changed);
  EXPECT_EQ(after.check("ca.example", 22, *host_ed_).verdict, host_key_status::unknown);
  EXPECT_EQ(after.lookup("ca.example", 22).size(), 1u);
}

TEST_F(KnownHostsInterop, EntriesRemovedBySshKeygenAreNoLongerTrusted) {
  const auto file = dir_ / "known_hosts";
  write_file(file, "host.example " + text(*host_ed_) + "\n" +
                       known_hosts::format_entry("host.example", 2222, *host_ec_, true).value() +
                       "other.example " + text(*other_) + "\n" +
                       "@cert-authority host.example " + text(*ca_) + "\n");
  EXPECT_EQ(load(file).check("host.example", 22, *host_ed_).verdict, host_key_status::trusted);
  keygen({"-R", "host.example", "-f", file.string()});
  keygen({"-R", "[host.example]:2222", "-f", file.string()});
  const known_hosts kh = load(file);
  EXPECT_EQ(kh.check("host.example", 22, *host_ed_).verdict, host_key_status::unknown);
  EXPECT_EQ(kh.check("host.example", 2222, *host_ec_).verdict, host_key_status::unknown);
  EXPECT_EQ(kh.check("other.example", 22, *other_).verdict, host_key_status::trusted);
  // ssh-keygen -R keeps marker lines.
  ASSERT_EQ(kh.lookup("host.example", 22).size(), 1u);
  EXPECT_EQ(kh.lookup("host.example", 22)[0].marker, known_hosts_marker::cert_authority);
}

TEST_F(KnownHostsInterop, OurNewEntriesAreFoundBySshKeygen) {
  const auto file = dir_ / "known_hosts";
  const std::vector<endpoint> hosts = {{"plain.example"}, {"port.example", 2222}, {"hashed.example"},
                                       {"hashedport.example", 2200}};
  std::string content;
  for (std::size_t i = 0; i < hosts.size(); ++i) {
    content += known_hosts::format_entry(hosts[i].host, hosts[i].port, *host_ed_, i >= 2).value();
  }
  write_file(file, content);
  for (std::size_t i = 0; i < hosts.size(); ++i) {
    SCOPED_TRACE(hosts[i].name());
    EXPECT_EQ(keygen_find(file, hosts[i].name()), (std::vector<std::size_t>{i + 1}));
  }
  // ssh-keygen can hash our file and we still match every entry.
  keygen({"-H", "-f", file.string()});
  const known_hosts kh = load(file);
  for (const auto& h : hosts) EXPECT_EQ(kh.check(h.host, h.port, *host_ed_).verdict, host_key_status::trusted);
}

TEST_F(KnownHostsInterop, HostCertificatesFromSshKeygenThroughCertAuthority) {
  const std::string ca_line = "@cert-authority *.example " + text(*ca_) + "\n";
  const known_hosts kh = known_hosts::parse(ca_line).value();

  const key good = sign_host({"-n", "host.example", "-V", "-5m:+1h"});
  const auto st = kh.check("host.example", 22, good);
  EXPECT_EQ(st.verdict, host_key_status::trusted_by_ca) << st.detail;
  EXPECT_EQ(st.line, 1u);
  // The CA line covers the host, but the principal is checked against the name used.
  EXPECT_EQ(kh.check("web.example", 22, good).verdict, host_key_status::unknown);

  const key wrong_principal = sign_host({"-n", "other.example", "-V", "-5m:+1h"});
  const auto wp = kh.check("host.example", 22, wrong_principal);
  EXPECT_EQ(wp.verdict, host_key_status::unknown) << wp.detail;
  EXPECT_NE(wp.detail.find("principal"), std::string::npos) << wp.detail;

  const key expired = sign_host({"-n", "host.example", "-V", "20200101:20200102"});
  const auto ex = kh.check("host.example", 22, expired);
  EXPECT_EQ(ex.verdict, host_key_status::unknown) << ex.detail;
  EXPECT_NE(ex.detail.find("expired"), std::string::npos) << ex.detail;

  // OpenSSH (8.5 and later) accepts wildcard principals in host certificates.
  const key wildcard = sign_host({"-n", "*.example", "-V", "-5m:+1h"});
  EXPECT_EQ(kh.check("web.example", 22, wildcard).verdict, host_key_status::trusted_by_ca);

  const known_hosts revoked = known_hosts::parse(ca_line + "@revoked * " + text(*ca_) + "\n").value();
  const auto rv = revoked.check("host.example", 22, good);
  EXPECT_EQ(rv.verdict, host_key_status::revoked) << rv.detail;
  EXPECT_EQ(rv.line, 2u);

  // A plain entry for the host's key still trusts an unusable certificate of it, as ssh does.
  const known_hosts with_plain = known_hosts::parse(ca_line + "host.example " + text(*host_ed_) + "\n").value();
  EXPECT_EQ(with_plain.check("host.example", 22, expired).verdict, host_key_status::trusted);
}

}  // namespace
}  // namespace sshlib::test
