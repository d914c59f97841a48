# Use ccache when it is installed (deploy/install-deps.sh installs it): builds on 2 cores
# are the bottleneck, and a cached rebuild takes seconds.
find_program(SSHLIB_CCACHE ccache)
if(SSHLIB_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  set(CMAKE_CXX_COMPILER_LAUNCHER ${SSHLIB_CCACHE})
endif()
