# cmake -P script behind the install.consumer test.
#   BUILD_DIR      the configured and built tree to install from
#   WORK_DIR       scratch directory (recreated on every run)
#   CONSUMER_DIR   ref/tests/install-consumer
#   C_COMPILER     the compiler the library was built with
#   CONSUMER_FLAGS extra compile/link flags (sanitizer runtimes)
#   GENERATOR      CMake generator for the consumer project
foreach(var BUILD_DIR WORK_DIR CONSUMER_DIR C_COMPILER GENERATOR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "InstallTest.cmake: -D${var}=... is required")
  endif()
endforeach()

function(run_step what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc}):\n${ARGN}\n${out}\n${err}")
  endif()
  set(step_output "${out}" PARENT_SCOPE)
endfunction()

set(prefix ${WORK_DIR}/prefix)
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})

run_step("install" ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})
foreach(expected include/sockref.h include/sockref/errors.h include/sockref/platform.h)
  if(NOT EXISTS ${prefix}/${expected})
    message(FATAL_ERROR "install did not provide ${expected}")
  endif()
endforeach()
if(EXISTS ${prefix}/include/sockref/testing.h)
  message(FATAL_ERROR "install provided sockref/testing.h, which is not public")
endif()
file(GLOB_RECURSE pc_files ${prefix}/*/sockref.pc)
file(GLOB_RECURSE config_files ${prefix}/*/sockrefConfig.cmake)
if(NOT pc_files OR NOT config_files)
  message(FATAL_ERROR "install did not provide sockref.pc and sockrefConfig.cmake")
endif()

# 1. CMake package.
run_step("consumer configure" ${CMAKE_COMMAND} -S ${CONSUMER_DIR} -B ${WORK_DIR}/cmake-consumer
         -G ${GENERATOR} -DCMAKE_C_COMPILER=${C_COMPILER} -DCMAKE_PREFIX_PATH=${prefix}
         "-DCMAKE_C_FLAGS=${CONSUMER_FLAGS}" "-DCMAKE_EXE_LINKER_FLAGS=${CONSUMER_FLAGS}")
run_step("consumer build" ${CMAKE_COMMAND} --build ${WORK_DIR}/cmake-consumer)
run_step("consumer run (find_package)" ${WORK_DIR}/cmake-consumer/consumer)
message(STATUS "find_package consumer: ${step_output}")

# 2. pkg-config.
find_program(PKG_CONFIG pkg-config)
if(NOT PKG_CONFIG)
  message(FATAL_ERROR "pkg-config not found: cannot check sockref.pc")
endif()
list(GET pc_files 0 pc_file)
get_filename_component(pc_dir ${pc_file} DIRECTORY)
set(ENV{PKG_CONFIG_PATH} ${pc_dir})
run_step("pkg-config --cflags --libs" ${PKG_CONFIG} --cflags --libs sockref)
string(STRIP "${step_output}" pc_flags)
separate_arguments(pc_flags UNIX_COMMAND "${pc_flags}")
separate_arguments(extra_flags UNIX_COMMAND "${CONSUMER_FLAGS}")
run_step("pkg-config consumer build" ${C_COMPILER} ${extra_flags}
         ${CONSUMER_DIR}/consumer.c -o ${WORK_DIR}/pc-consumer ${pc_flags})
run_step("consumer run (pkg-config)" ${WORK_DIR}/pc-consumer)
message(STATUS "pkg-config consumer: ${step_output}")
