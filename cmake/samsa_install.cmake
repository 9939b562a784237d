# install() rules, the exported package config and the Debian package (included by the top CMakeLists.txt).
#
# Two components:
#   runtime  the samsa binary, the default config (etc/samsa/server.properties, /etc/samsa for prefix /usr),
#            the systemd unit (lib/systemd/system/samsa.service) and the bash completion
#            (share/bash-completion/completions/samsa, written by `samsa completion bash` at install time)
#   dev      the libraries as samsa::messages, persistence, kafka, cluster, console and actors, their headers
#            in the source layout under include/samsa (actors/node.hpp, ...), and lib/cmake/samsa with
#            samsaConfig.cmake (find_dependency of everything they link) and FindCAF.cmake
# `cmake --install build --prefix DIR` installs both; `cpack -G DEB` (in build/) makes samsa_VERSION_ARCH.deb
# and samsa-dev_VERSION_ARCH.deb. tests/e2e/install_package.sh checks both against examples/out_of_tree.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(SAMSA_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/samsa")
set(_samsa_libs messages persistence kafka cluster console actors)
foreach(_l ${_samsa_libs})
  set_target_properties(samsa_${_l} PROPERTIES EXPORT_NAME ${_l})
  add_library(samsa::${_l} ALIAS samsa_${_l}) # the same names inside the build tree
endforeach()
list(TRANSFORM _samsa_libs PREPEND samsa_ OUTPUT_VARIABLE _samsa_lib_targets)
install(TARGETS ${_samsa_lib_targets} EXPORT samsaTargets
        ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT dev)
# `cmake --install --strip` and cpack (CPACK_STRIP_FILES) strip executables only; the archives lose their
# debug info here (about 300 MB with RelWithDebInfo) and keep their symbols.
foreach(_t ${_samsa_lib_targets})
  install(CODE "if(CMAKE_INSTALL_DO_STRIP)
  execute_process(COMMAND \"${CMAKE_STRIP}\" --strip-debug \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR}/$<TARGET_FILE_NAME:${_t}>\")
endif()" COMPONENT dev)
endforeach()
install(DIRECTORY actors messages persistence cluster console
        DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}/samsa" COMPONENT dev
        FILES_MATCHING PATTERN "*.hpp" PATTERN "web" EXCLUDE PATTERN "migrations" EXCLUDE)
# Headers generated at build time (build/generated/persistence/migrations_embedded.hpp), same layout.
install(DIRECTORY "${CMAKE_BINARY_DIR}/generated/" DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}/samsa" COMPONENT dev
        FILES_MATCHING PATTERN "*.hpp")
install(EXPORT samsaTargets NAMESPACE samsa:: DESTINATION "${SAMSA_INSTALL_CMAKEDIR}" COMPONENT dev)
configure_package_config_file("${CMAKE_SOURCE_DIR}/cmake/samsaConfig.cmake.in"
                              "${CMAKE_BINARY_DIR}/samsaConfig.cmake" INSTALL_DESTINATION "${SAMSA_INSTALL_CMAKEDIR}")
write_basic_package_version_file("${CMAKE_BINARY_DIR}/samsaConfigVersion.cmake" COMPATIBILITY SameMinorVersion)
install(FILES "${CMAKE_BINARY_DIR}/samsaConfig.cmake" "${CMAKE_BINARY_DIR}/samsaConfigVersion.cmake"
              "${CMAKE_SOURCE_DIR}/cmake/FindCAF.cmake"
        DESTINATION "${SAMSA_INSTALL_CMAKEDIR}" COMPONENT dev)

install(TARGETS samsa RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}" COMPONENT runtime)
# The config, unit and completion depend on the prefix at install time (cpack installs with prefix /usr),
# so a script writes them then (cmake/install_runtime_files.cmake).
install(CODE "set(SAMSA_SOURCE_DIR \"${CMAKE_SOURCE_DIR}\")
set(SAMSA_BINARY_DIR \"${CMAKE_BINARY_DIR}\")
set(SAMSA_EXE \"$<TARGET_FILE:samsa>\")
set(SAMSA_BINDIR \"${CMAKE_INSTALL_BINDIR}\")" COMPONENT runtime)
install(SCRIPT "${CMAKE_SOURCE_DIR}/cmake/install_runtime_files.cmake" COMPONENT runtime)

# cpack -G DEB: two packages, samsa (runtime) and samsa-dev (dev).
set(CPACK_PACKAGE_NAME samsa)
set(CPACK_PACKAGE_VENDOR "samsa")
set(CPACK_PACKAGE_CONTACT "samsa maintainers <samsa@localhost>")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_INSTALL_PREFIX /usr) # the prefix the install runs with under CPACK_SET_DESTDIR
set(CPACK_SET_DESTDIR ON) # install with prefix /usr into the staging DESTDIR, so the config lands in /etc/samsa
set(CPACK_STRIP_FILES ON) # the binary without its debug info, the archives without theirs (above)
set(CPACK_COMPONENTS_ALL runtime dev)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME samsa)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SHLIBDEPS ON) # libcaf, libssl, libsqlite3, libspdlog, ... from dpkg-shlibdeps
set(CPACK_DEBIAN_RUNTIME_PACKAGE_DEPENDS "adduser") # postinst creates the samsa system user
# The descriptions' first line is the synopsis (no CPACK_PACKAGE_DESCRIPTION_SUMMARY, which CPack would put first).
set(CPACK_DEBIAN_RUNTIME_DESCRIPTION "Kafka-compatible event streaming broker on the C++ Actor Framework
The samsa binary (broker and command-line clients), /etc/samsa/server.properties,
a systemd unit (samsa.service, not started on install) and bash completion.")
set(CPACK_DEBIAN_RUNTIME_PACKAGE_CONTROL_EXTRA
    "${CMAKE_SOURCE_DIR}/packaging/debian/conffiles;${CMAKE_SOURCE_DIR}/packaging/debian/postinst")
set(CPACK_DEBIAN_DEV_PACKAGE_NAME samsa-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS
    "cmake, pkg-config, libcaf-dev, libcaf-openssl0.17, libboost-serialization-dev, libsqlite3-dev, libspdlog-dev, libssl-dev, libcpp-httplib-dev, nlohmann-json3-dev, libtomlplusplus-dev, zlib1g-dev, libsnappy-dev, liblz4-dev, libzstd-dev")
set(CPACK_DEBIAN_DEV_DESCRIPTION "samsa development files: embed a samsa node in a CAF application
Static libraries samsa::actors, messages, persistence, kafka, cluster and console,
their headers under /usr/include/samsa and the CMake package (find_package(samsa)).")
include(CPack)
