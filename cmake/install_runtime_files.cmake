# Install-time part of the runtime component (cmake/samsa_install.cmake): the files whose content or place
# depends on the prefix the install runs with (`cmake --install --prefix DIR`, or /usr under cpack).
#   PREFIX/etc/samsa/server.properties      config/server.properties with log.dirs=PREFIX/var/lib/samsa
#   PREFIX/lib/systemd/system/samsa.service packaging/samsa.service with the paths filled in
#   PREFIX/share/bash-completion/completions/samsa   `samsa completion bash`
# For the prefix /usr the config goes to /etc/samsa and the data to /var/lib/samsa (as GNUInstallDirs does
# for sysconfdir and localstatedir). file(INSTALL) adds $DESTDIR itself.
# Variables set before this script: SAMSA_SOURCE_DIR, SAMSA_BINARY_DIR, SAMSA_EXE, SAMSA_BINDIR.
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(SAMSA_CONFDIR "/etc/samsa")
  set(SAMSA_DATADIR "/var/lib/samsa")
else()
  set(SAMSA_CONFDIR "${CMAKE_INSTALL_PREFIX}/etc/samsa")
  set(SAMSA_DATADIR "${CMAKE_INSTALL_PREFIX}/var/lib/samsa")
  # The unit's WorkingDirectory must exist (for /usr the package's postinst and StateDirectory make it).
  file(MAKE_DIRECTORY "$ENV{DESTDIR}${SAMSA_DATADIR}")
endif()
set(SAMSA_BINARY "${CMAKE_INSTALL_PREFIX}/${SAMSA_BINDIR}/samsa")
set(_stage "${SAMSA_BINARY_DIR}/install-staging")
file(MAKE_DIRECTORY "${_stage}")

file(READ "${SAMSA_SOURCE_DIR}/config/server.properties" _props)
string(REGEX REPLACE "\nlog\\.dirs=[^\n]*" "\nlog.dirs=${SAMSA_DATADIR}" _props "${_props}")
if(NOT _props MATCHES "\nlog\\.dirs=${SAMSA_DATADIR}\n")
  message(FATAL_ERROR "config/server.properties has no log.dirs= line to point at ${SAMSA_DATADIR}")
endif()
file(WRITE "${_stage}/server.properties" "${_props}")
file(INSTALL DESTINATION "${SAMSA_CONFDIR}" TYPE FILE FILES "${_stage}/server.properties")

configure_file("${SAMSA_SOURCE_DIR}/packaging/samsa.service.in" "${_stage}/samsa.service" @ONLY)
file(INSTALL DESTINATION "${CMAKE_INSTALL_PREFIX}/lib/systemd/system" TYPE FILE FILES "${_stage}/samsa.service")

execute_process(COMMAND "${SAMSA_EXE}" completion bash OUTPUT_FILE "${_stage}/samsa" RESULT_VARIABLE _rc)
if(NOT _rc EQUAL 0)
  message(FATAL_ERROR "'${SAMSA_EXE} completion bash' failed (${_rc}): build the samsa target before installing")
endif()
file(INSTALL DESTINATION "${CMAKE_INSTALL_PREFIX}/share/bash-completion/completions" TYPE FILE
     FILES "${_stage}/samsa")
