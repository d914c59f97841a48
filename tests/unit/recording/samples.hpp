// Recordings as the writers make them (docs/recording.md), for the reader and tool tests.
#pragma once

#include <string>

namespace bastion::recording::samples {

inline const std::string terminal_header =
    R"({"version": 2, "width": 80, "height": 24, "timestamp": 1796208018,)"
    R"( "title": "alice@web1 as root", "env": {"TERM": "xterm-256color"},)"
    R"( "bastion": {"format": "bastion-terminal", "version": 1,)"
    R"( "session": "20261202T104018Z-5f3a9c01", "channel": 1, "user": "alice",)"
    R"( "target": "web1", "login": "root", "source": "192.0.2.7:50022", "kind": "shell",)"
    R"( "input_recorded": true}})";

inline const std::string streams_header =
    R"({"format": "bastion-streams", "version": 1, "timestamp": 1796208030,)"
    R"( "session": "20261202T104018Z-5f3a9c01", "channel": 2, "user": "alice",)"
    R"( "target": "web1", "login": "root", "source": "192.0.2.7:50022", "kind": "exec",)"
    R"( "command": "tar cf - /etc", "input_recorded": false, "stream_limit": 1048576})";

// A shell: a prompt, "ls" typed, its output, a resize.
inline const std::string terminal_recording = terminal_header + "\n" +
                                              R"([0.25, "o", "$ "])"
                                              "\n"
                                              R"([1.5, "i", "ls\r"])"
                                              "\n"
                                              R"([1.5, "o", "ls\r\nfile\u00e9\r\n$ "])"
                                              "\n"
                                              R"([2, "r", "120x40"])"
                                              "\n";

// An exec: stdout "foo" + bytes 00 ff, stderr "oops\n", stdout cut, exit 3.
inline const std::string streams_recording = streams_header + "\n" +
                                             R"([0.1, "o", "Zm9v"])"
                                             "\n"
                                             R"([0.2, "e", "b29wcwo="])"
                                             "\n"
                                             R"([0.3, "o", "AP8="])"
                                             "\n"
                                             R"([0.3, "cut", "o"])"
                                             "\n"
                                             R"([0.5, "exit", {"status": 3}])"
                                             "\n";

}  // namespace bastion::recording::samples
