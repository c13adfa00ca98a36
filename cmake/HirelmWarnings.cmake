# Warnings and sanitizers for our own targets. Call hirelm_target_defaults(target) on every target we own.
set(HIRELM_WARNING_FLAGS -Wall -Wextra -Wpedantic -Wno-missing-field-initializers)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # -Wrestrict: GCC 12 at -O3 reports std::string concatenation as overlapping memcpy (GCC bug 105329),
  # a false positive inside libstdc++ that -Werror would otherwise turn into a failed release build.
  list(APPEND HIRELM_WARNING_FLAGS -Wshadow=local -Wno-restrict)
else()
  list(APPEND HIRELM_WARNING_FLAGS -Wshadow-uncaptured-local)
endif()
if(HIRELM_WERROR)
  list(APPEND HIRELM_WARNING_FLAGS -Werror)
endif()

if(HIRELM_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

if(HIRELM_FUZZ)
  # Every library is built with coverage instrumentation so libFuzzer can see inside it.
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

function(hirelm_target_defaults target)
  target_compile_options(${target} PRIVATE ${HIRELM_WARNING_FLAGS})
endfunction()

# hirelm_library(NAME SOURCES... [DEPS ...] [PUBLIC_DEPS ...]): one folder, one library target.
function(hirelm_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;PUBLIC_DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} PUBLIC ${ARG_PUBLIC_DEPS})
  hirelm_target_defaults(${name})
endfunction()

# hirelm_test(NAME SOURCES... DEPS ...): one GoogleTest executable registered with CTest.
function(hirelm_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE
    HIRELM_REFERENCE_DIR="${HIRELM_REFERENCE_DIR}"
    HIRELM_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    HIRELM_BINARY_DIR="${PROJECT_BINARY_DIR}")
  hirelm_target_defaults(${name})
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS "${ARG_LABELS}")
  # Tests labelled "parser" (parsers of outside data) also run under the sanitizer build in CI;
  # the hirelm_parser_tests target builds just those.
  if("parser" IN_LIST ARG_LABELS)
    if(NOT TARGET hirelm_parser_tests)
      add_custom_target(hirelm_parser_tests)
    endif()
    add_dependencies(hirelm_parser_tests ${name})
  endif()
endfunction()

# hirelm_fuzzer(NAME SOURCE DEPS ...): one libFuzzer target.
function(hirelm_fuzzer name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS})
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  hirelm_target_defaults(${name})
  # scripts/fuzz.sh builds hirelm_fuzzers: the fuzz targets and the libraries they link, not the whole tree.
  if(NOT TARGET hirelm_fuzzers)
    add_custom_target(hirelm_fuzzers)
  endif()
  add_dependencies(hirelm_fuzzers ${name})
endfunction()
