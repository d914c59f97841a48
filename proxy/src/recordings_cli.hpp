// `bastion recordings ...`: the read-only tools over the session recordings and the audit
// log (docs/recording.md#tools): list, show, play, cat, follow.
#pragma once

namespace bastion {

/// Runs `bastion recordings` with `argv` the arguments after "recordings" (argv[0] is the
/// first of them). Returns the exit code: 0 done, 1 an error (a message on stderr), 2 a
/// usage error (the usage on stderr).
int run_recordings_cli(int argc, char** argv);

}  // namespace bastion
