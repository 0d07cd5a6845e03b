# casegate_embed_files(OUTPUT GLOB DELIMITER): writes OUTPUT (in the current binary directory)
# with one line `{"NAME", R"DELIMITER(TEXT)DELIMITER"},` per file matching GLOB, in name order,
# for a constexpr table of (name, text) pairs. The configuration is run again when a file is
# added, removed or changed, so that the built-in copy always follows the file; OUTPUT is
# rewritten only when its content changes, so nothing is rebuilt otherwise.
function(casegate_embed_files output glob delimiter)
  file(GLOB files CONFIGURE_DEPENDS ${glob})
  list(SORT files)
  set(table "")
  foreach(file ${files})
    get_filename_component(name ${file} NAME_WE)
    file(READ ${file} text)
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${file})
    string(APPEND table "    {\"${name}\", R\"${delimiter}(${text})${delimiter}\"},\n")
  endforeach()
  file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/${output}.new "${table}")
  configure_file(${CMAKE_CURRENT_BINARY_DIR}/${output}.new ${CMAKE_CURRENT_BINARY_DIR}/${output}
                 COPYONLY)
endfunction()
