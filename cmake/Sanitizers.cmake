# AddressSanitizer + UndefinedBehaviorSanitizer for every target when SSHLIB_SANITIZE is on.
# UBSan findings abort so that a test cannot pass over undefined behaviour.
if(SSHLIB_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

# ThreadSanitizer, for the bastion's concurrency: the asan build drives a TSan build of the
# daemon only (BASTION_DAEMON_ONLY) and runs the system tests against it (tests/CMakeLists).
# -O1 keeps it fast enough to serve real clients; -g1 keeps line numbers in its reports.
if(SSHLIB_TSAN)
  if(SSHLIB_SANITIZE)
    message(FATAL_ERROR "SSHLIB_TSAN and SSHLIB_SANITIZE cannot be combined")
  endif()
  # -Wno-tsan: Asio's handler invocation uses std::atomic_thread_fence, which GCC warns TSan
  # does not model; its cross-thread paths (post) synchronise through the scheduler's mutex.
  add_compile_options(-fsanitize=thread -O1 -g1 -fno-omit-frame-pointer -Wno-tsan)
  add_link_options(-fsanitize=thread)
endif()
