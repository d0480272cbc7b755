# Install rules for libsockref: headers, the static library, the reference agent,
# a CMake package (find_package(sockref) -> sockref::sockref) and sockref.pc.
# Included once from ref/CMakeLists.txt, after the targets exist.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(SOCKREF_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/sockref)

# sockref/testing.h (the agent's and the tests' helpers) stays behind: an
# installed libsockref offers the socket API only.
install(DIRECTORY ${CMAKE_CURRENT_LIST_DIR}/include/
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        FILES_MATCHING PATTERN "*.h"
        PATTERN "testing.h" EXCLUDE)

install(TARGETS sockref EXPORT sockrefTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

if(TARGET sockref-agent)
  install(TARGETS sockref-agent RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()

install(EXPORT sockrefTargets
        NAMESPACE sockref::
        DESTINATION ${SOCKREF_CMAKE_DIR})

configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/cmake/sockrefConfig.cmake.in
                              ${CMAKE_CURRENT_BINARY_DIR}/sockrefConfig.cmake
                              INSTALL_DESTINATION ${SOCKREF_CMAKE_DIR})
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/sockrefConfigVersion.cmake
                                 VERSION ${PROJECT_VERSION}
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/sockrefConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/sockrefConfigVersion.cmake
        DESTINATION ${SOCKREF_CMAKE_DIR})

# pkg-config: the library is static, so the system libraries it needs are
# listed in Libs (not only Libs.private), or a plain `pkg-config --libs`
# link would fail on Windows.
if(WIN32)
  set(SOCKREF_PC_SYSLIBS "-lws2_32")
else()
  set(SOCKREF_PC_SYSLIBS "")
endif()
# The .pc file finds its prefix relative to itself, so an installed tree can
# be moved (and `cmake --install --prefix` to any directory gives a working file).
file(RELATIVE_PATH SOCKREF_PC_TO_PREFIX
     /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
configure_file(${CMAKE_CURRENT_LIST_DIR}/cmake/sockref.pc.in
               ${CMAKE_CURRENT_BINARY_DIR}/sockref.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/sockref.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# The install test: install into a scratch prefix, then build and run a tiny
# consumer once through find_package(sockref) and once through pkg-config.
# Not registered when cross-compiling (the consumer could not run).
if(NOT CMAKE_CROSSCOMPILING)
  set(sockref_consumer_flags "")
  if(SOCKSPEC_SANITIZE)
    # An ASan-built archive needs the sanitizer runtime at link time.
    set(sockref_consumer_flags "-fsanitize=address,undefined")
  endif()
  add_test(NAME install.consumer
           COMMAND ${CMAKE_COMMAND}
                   -DBUILD_DIR=${CMAKE_BINARY_DIR}
                   -DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/install-test
                   -DCONSUMER_DIR=${CMAKE_CURRENT_LIST_DIR}/tests/install-consumer
                   -DC_COMPILER=${CMAKE_C_COMPILER}
                   -DCONSUMER_FLAGS=${sockref_consumer_flags}
                   -DGENERATOR=${CMAKE_GENERATOR}
                   -P ${CMAKE_CURRENT_LIST_DIR}/cmake/InstallTest.cmake)
  set_tests_properties(install.consumer PROPERTIES LABELS install TIMEOUT 300)
endif()
