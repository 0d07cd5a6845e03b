# Writes a C++ file holding every storage/sql/NNNN_name.sql as a Migration, so the binary
# carries its schema and needs no files at run time.
file(GLOB sql_files "${SQL_DIR}/*.sql")
list(SORT sql_files)
set(entries "")
foreach(f IN LISTS sql_files)
  get_filename_component(base "${f}" NAME_WE)
  string(REGEX MATCH "^([0-9]+)_(.*)$" _ "${base}")
  math(EXPR version "${CMAKE_MATCH_1}")
  file(READ "${f}" sql)
  string(APPEND entries "    {${version}, \"${CMAKE_MATCH_2}\", R\"casegate_sql(${sql})casegate_sql\"},\n")
endforeach()
file(WRITE "${OUT}.tmp" "// Generated from storage/sql by storage/embed_sql.cmake. Do not edit.\n"
  "#include \"storage/migrations.hpp\"\n\nnamespace casegate::storage {\n"
  "const std::vector<Migration>& migrations() {\n    static const std::vector<Migration> all = {\n"
  "${entries}    };\n    return all;\n}\n}  // namespace casegate::storage\n")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${OUT}.tmp" "${OUT}")
