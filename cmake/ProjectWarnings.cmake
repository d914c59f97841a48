# Warnings apply to project code only; third-party headers come in as SYSTEM includes.
add_library(sshlib_warnings INTERFACE)
target_compile_options(sshlib_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Werror
  -Wshadow -Wcast-align -Woverloaded-virtual -Wimplicit-fallthrough)
# GCC 12 at -O2 reports Boost.Asio's coroutine frame allocator (awaitable_frame_base's
# operator new/delete pair) as mismatched: a known false positive in Asio's own headers.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  target_compile_options(sshlib_warnings INTERFACE -Wno-mismatched-new-delete)
endif()
