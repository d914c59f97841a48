// The bastion process: workers, signals and the life cycle.
//  - start: host keys loaded (or generated), every listener bound on every worker, then
//    "bastion: listening on ADDR..." on stdout (what scripts and tests wait for);
//  - SIGHUP: the configuration file is read again and checked whole; if it is valid, new
//    connections use its policy and limits (live connections keep the snapshot they
//    started with; listeners, workers and host keys change only with a restart); if not,
//    the old one stays and the log says why;
//  - SIGUSR1: the log file is reopened (after rotation);
//  - SIGTERM, SIGINT: draining: stop accepting, let connections end by themselves up to
//    limits.drain_timeout, then end the rest and exit 0.
#pragma once

#include "config.hpp"

namespace bastion {

/// Runs until drained. Returns the process exit code; startup failures are printed to
/// stderr (1).
int run_daemon(daemon_config config);

}  // namespace bastion
