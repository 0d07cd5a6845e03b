# `cmake --install` puts the binary, the systemd files, the README and the example
# configuration where the unit expects them, and the installed binary accepts the installed
# example (with its secrets given as systemd credentials).
#
#   cmake -DBUILD_DIR=… -DDEST=… -P install_check.cmake
file(REMOVE_RECURSE "${DEST}")
execute_process(COMMAND "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${DEST}"
                RESULT_VARIABLE rc OUTPUT_QUIET)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cmake --install failed (${rc})")
endif()
foreach(f bin/casegate lib/systemd/system/casegate.service
          lib/systemd/system/casegate-console.service lib/systemd/system/casegate-form.service
          lib/sysusers.d/casegate.conf
          lib/tmpfiles.d/casegate.conf share/doc/casegate/README.md
          share/doc/casegate/examples/casegate.toml)
  if(NOT EXISTS "${DEST}/${f}")
    message(FATAL_ERROR "not installed: ${f}")
  endif()
endforeach()
file(STRINGS "${DEST}/lib/systemd/system/casegate.service" exec REGEX "^ExecStart=")
if(NOT exec MATCHES "^ExecStart=/usr/bin/casegate run ")
  message(FATAL_ERROR "unexpected ${exec}")
endif()
file(STRINGS "${DEST}/lib/systemd/system/casegate-console.service" exec REGEX "^ExecStart=")
if(NOT exec MATCHES "^ExecStart=/usr/bin/casegate console ")
  message(FATAL_ERROR "unexpected ${exec}")
endif()
file(STRINGS "${DEST}/lib/systemd/system/casegate-form.service" exec REGEX "^ExecStart=")
if(NOT exec MATCHES "^ExecStart=/usr/bin/casegate form-service ")
  message(FATAL_ERROR "unexpected ${exec}")
endif()
foreach(asset console.css form.js nhsuk-frontend.min.css)
  if(NOT EXISTS "${DEST}/share/casegate/web/assets/${asset}")
    message(FATAL_ERROR "not installed: the web programs' static file ${asset}")
  endif()
endforeach()
set(creds "${DEST}/credentials")
file(MAKE_DIRECTORY "${creds}")
foreach(name smtp-password imap-referrals)
  file(WRITE "${creds}/${name}" "secret\n")
endforeach()
execute_process(
  COMMAND "${CMAKE_COMMAND}" -E env "CREDENTIALS_DIRECTORY=${creds}"
          "${DEST}/bin/casegate" check-config --config "${DEST}/share/doc/casegate/examples/casegate.toml"
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "installed check-config failed: ${out}${err}")
endif()
file(REMOVE_RECURSE "${DEST}")
