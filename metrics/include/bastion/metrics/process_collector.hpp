// Prometheus' standard process metrics, read from /proc at scrape time:
// process_cpu_seconds_total, process_resident_memory_bytes, process_virtual_memory_bytes,
// process_open_fds, process_max_fds, process_start_time_seconds.
#pragma once

#include <bastion/metrics/snapshot.hpp>

#include <string>

namespace bastion::metrics {

/// A collector reading `<proc_root>/self/stat`, `<proc_root>/self/limits`,
/// `<proc_root>/self/fd` and `<proc_root>/stat`. A file that is missing, too large or does
/// not parse leaves its metrics out of the scrape; it never throws. `proc_root` is a
/// parameter so tests can point it at crafted files.
collector process_collector(std::string proc_root = "/proc");

}  // namespace bastion::metrics
