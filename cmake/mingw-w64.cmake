# Cross-compiling for 64-bit Windows with Debian's gcc-mingw-w64-x86-64.
# The binaries are built, not run: wine is not part of the toolchain.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

set(SOCKSPEC_MINGW_PREFIX x86_64-w64-mingw32)
set(CMAKE_C_COMPILER ${SOCKSPEC_MINGW_PREFIX}-gcc)
set(CMAKE_RC_COMPILER ${SOCKSPEC_MINGW_PREFIX}-windres)

# Headers and libraries come from the mingw sysroot only; programs (cmake, sh)
# from the build machine.
set(CMAKE_FIND_ROOT_PATH /usr/${SOCKSPEC_MINGW_PREFIX})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
