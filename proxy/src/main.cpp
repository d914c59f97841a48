// bastion: the SSH jump host daemon.
//   bastion --config FILE            run (docs/configuration.md)
//   bastion --check-config FILE      check the configuration and its policy, then exit:
//                                    0 valid, 1 invalid (each problem on a line), 2 usage
//   bastion recordings ...           list, replay and follow session recordings, show a
//                                    session's audit trail (docs/recording.md#tools)
#include "config.hpp"
#include "daemon.hpp"
#include "recordings_cli.hpp"

#include <malloc.h>

#include <csignal>
#include <iostream>
#include <string_view>

namespace {

constexpr std::string_view usage =
    "usage: bastion --config FILE\n"
    "       bastion --check-config FILE\n"
    "       bastion recordings (list | show | play | cat | follow) ...\n"
    "                          (bastion recordings --help for details)\n";

int check(const std::filesystem::path& path) {
  auto loaded = bastion::load_config(path);
  if (!loaded.value) {
    std::cerr << bastion::policy::format_problems(loaded.problems);
    return 1;
  }
  const auto& c = *loaded.value;
  std::cout << path.string() << ": valid: " << c.listen.size() << " listen address(es), "
            << c.host_keys.size() << " host key(s), policy (" << c.policy_source << ") with "
            << c.policy->users.size() << " user(s), " << c.policy->targets.size() << " target(s), "
            << c.policy->rules.size() << " rule(s)\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  // glibc gives blocks over 128 KiB back to the kernel when freed and trims each thread's
  // heap as soon as its top is free, so a relay moving packets between buffers page-faults
  // on every page of every new one (9% of sshlib-sshd's time in an SFTP download, before).
  // Keep freed memory for reuse instead (docs/benchmarks.md).
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
  mallopt(M_TRIM_THRESHOLD, 16 << 20);
  if (argc >= 2 && std::string_view(argv[1]) == "recordings")
    return bastion::run_recordings_cli(argc - 2, argv + 2);
  if (argc != 3) {
    std::cerr << usage;
    return 2;
  }
  const std::string_view flag = argv[1];
  const std::filesystem::path path = argv[2];
  if (flag == "--check-config") return check(path);
  if (flag != "--config") {
    std::cerr << usage;
    return 2;
  }
  auto loaded = bastion::load_config(path);
  if (!loaded.value) {
    std::cerr << bastion::policy::format_problems(loaded.problems);
    return 1;
  }
  return bastion::run_daemon(std::move(*loaded.value));
}
