# Warnings apply to project code only; third-party headers come in as SYSTEM includes.
add_library(sshlib_warnings INTERFACE)
target_compile_options(sshlib_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Werror
  -Wshadow -Wcast-align -Woverloaded-virtual -Wimplicit-fallthrough)
