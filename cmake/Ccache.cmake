# Use ccache when it is installed (deploy/install-deps.sh installs it): builds on 2 cores
# are the bottleneck, and a cached rebuild takes seconds. Paths are hashed relative to the
# source tree (CCACHE_BASEDIR, CCACHE_NOHASHDIR), so a second checkout or worktree of the
# same commit, such as CI's clean clone, reuses the first one's objects.
find_program(SSHLIB_CCACHE ccache)
if(SSHLIB_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  set(CMAKE_CXX_COMPILER_LAUNCHER ${CMAKE_COMMAND} -E env CCACHE_BASEDIR=${CMAKE_SOURCE_DIR} CCACHE_NOHASHDIR=1
                                  ${SSHLIB_CCACHE})
endif()
