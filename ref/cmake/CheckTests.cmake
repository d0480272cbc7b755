# One CTest entry per test function of a check.h test binary.
#
#   sockref_add_check_tests(<target> <source> <group>)
#
# registers unit.<group>.<function> for every CHECK_TEST(<function>) in
# <source>, each running `<target> <function>` with its own limit and the
# labels `unit` and <target>, plus unit.<group>.table, which asks the binary
# whether those names are exactly its table (`--expect`).
#
# The names are read from the source, not from `<target> --list`: a cross
# build cannot run the binary at configure time, and an emulated one (the
# valgrind preset) would pay for it on every configure. The source becomes
# a configure dependency, so adding a test re-runs the scan.
#
# Limits: 120 s, room for the timing tests under valgrind. In the source,
# "ctest-timeout: N" sets the limit of every test of the file and
# "ctest-timeout(<function>): N" that of one test.

set(SOCKREF_CHECK_DEFAULT_TIMEOUT 120)

# The CHECK_TEST names of <source>, in table order.
function(sockref_check_test_names source out_var)
  file(READ ${source} text)
  string(REGEX MATCHALL "CHECK_TEST\\([A-Za-z_][A-Za-z0-9_]*\\)" entries
         "${text}")
  set(names "")
  foreach(entry ${entries})
    string(REGEX REPLACE "CHECK_TEST\\((.*)\\)" "\\1" name "${entry}")
    list(APPEND names ${name})
  endforeach()
  set(${out_var} ${names} PARENT_SCOPE)
endfunction()

# The limit of <name>: its own line, else the file's, else the default.
function(sockref_check_test_timeout source name out_var)
  set(timeout ${SOCKREF_CHECK_DEFAULT_TIMEOUT})
  file(STRINGS ${source} file_line REGEX "ctest-timeout: *[0-9]+"
       LIMIT_COUNT 1)
  if(file_line MATCHES "ctest-timeout: *([0-9]+)")
    set(timeout ${CMAKE_MATCH_1})
  endif()
  file(STRINGS ${source} test_line
       REGEX "ctest-timeout\\(${name}\\): *[0-9]+" LIMIT_COUNT 1)
  if(test_line MATCHES "ctest-timeout\\(${name}\\): *([0-9]+)")
    set(timeout ${CMAKE_MATCH_1})
  endif()
  set(${out_var} ${timeout} PARENT_SCOPE)
endfunction()

function(sockref_add_check_tests target source group)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${source})
  sockref_check_test_names(${source} names)
  if(NOT names)
    message(FATAL_ERROR "${source}: no CHECK_TEST entries found")
  endif()
  foreach(name ${names})
    set(test unit.${group}.${name})
    if(TEST ${test})
      message(FATAL_ERROR "${source}: ${name} is listed twice")
    endif()
    sockref_check_test_timeout(${source} ${name} timeout)
    add_test(NAME ${test} COMMAND ${target} ${name})
    set_tests_properties(${test} PROPERTIES TIMEOUT ${timeout}
                         LABELS "unit;${target}" SKIP_RETURN_CODE 77)
  endforeach()
  add_test(NAME unit.${group}.table COMMAND ${target} --expect ${names})
  set_tests_properties(unit.${group}.table PROPERTIES TIMEOUT 60
                       LABELS "unit;${target}")
endfunction()
