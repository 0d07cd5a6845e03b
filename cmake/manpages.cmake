# The manual pages, made from the built program so that they say what it does:
# casegate(8) from the usage text (`casegate help`) and casegate.toml(5) from the settings
# table (`casegate config-reference --format man`). Made again whenever the program is
# relinked; installed gzipped (-9n: no name or time stamp, so the same text gives the same
# bytes), as Debian wants them.
find_program(GZIP_PROGRAM gzip REQUIRED)
set(casegate_man_dir ${CMAKE_BINARY_DIR}/man)
set(casegate_man_pages ${casegate_man_dir}/casegate.8.gz ${casegate_man_dir}/casegate.toml.5.gz)
add_custom_command(
  OUTPUT ${casegate_man_pages}
  COMMAND ${CMAKE_COMMAND} -DCASEGATE=$<TARGET_FILE:casegate> -DOUT=${casegate_man_dir}
          -DVERSION=${PROJECT_VERSION} -DGZIP=${GZIP_PROGRAM}
          -P ${CMAKE_SOURCE_DIR}/cmake/make_manpages.cmake
  DEPENDS casegate ${CMAKE_SOURCE_DIR}/cmake/make_manpages.cmake
  COMMENT "Making the manual pages casegate(8) and casegate.toml(5)"
  VERBATIM)
add_custom_target(casegate_manpages ALL DEPENDS ${casegate_man_pages})
install(FILES ${casegate_man_dir}/casegate.8.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man8)
install(FILES ${casegate_man_dir}/casegate.toml.5.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man5)
