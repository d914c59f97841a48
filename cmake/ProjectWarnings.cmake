# Warnings apply to project code only; third-party headers come in as SYSTEM includes.
add_library(sshlib_warnings INTERFACE)
target_compile_options(sshlib_warnings INTERFACE
  -Wall -Wextra -Wpedantic
  -Wshadow -Wcast-align -Woverloaded-virtual -Wimplicit-fallthrough)
# Warnings are errors in the builds people and CI compile (debug with ASan, release). The
# ThreadSanitizer build of the daemon is a checking build at -O1, where GCC 12 reports
# false positives of its own (free-nonheap-object on std::variant moves): it warns only.
if(NOT SSHLIB_TSAN)
  target_compile_options(sshlib_warnings INTERFACE -Werror)
endif()
# GCC 12 at -O2 reports Boost.Asio's coroutine frame allocator (awaitable_frame_base's
# operator new/delete pair) as mismatched: a known false positive in Asio's own headers.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  target_compile_options(sshlib_warnings INTERFACE -Wno-mismatched-new-delete)
endif()
