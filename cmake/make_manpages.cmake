# Writes OUT/casegate.8.gz and OUT/casegate.toml.5.gz from the program CASEGATE (manpages.cmake
# runs this after each link): casegate(8)'s COMMANDS section is the usage text turned into
# roff, so a command added to the usage text is in the page at the next build.
#
#   cmake -DCASEGATE=… -DOUT=… -DVERSION=… -DGZIP=… -P make_manpages.cmake
#
# The usage text's layout, which this reads: a line "usage: casegate COMMAND [ARGS]", then one
# entry per command, starting with two spaces; a longer entry goes on in lines indented
# further. A line is the command's synopsis, then three or more spaces, then what it does;
# a continuation line that starts at or past the column where descriptions start holds only
# description.
cmake_minimum_required(VERSION 3.25)

function(run_casegate var)
  execute_process(COMMAND "${CASEGATE}" ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out
                  ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "casegate ${ARGN} failed (${rc}): ${err}")
  endif()
  set(${var} "${out}" PARENT_SCOPE)
endfunction()

# Square brackets, semicolons and backslashes are list syntax to CMake, so while the text is
# a list of lines they travel as control characters; so do the font changes added here, so
# that no later substitution sees them. roff() puts back what they stand for.
string(ASCII 1 open)
string(ASCII 2 close)
string(ASCII 3 semi)
string(ASCII 4 bslash)
string(ASCII 5 bold)
string(ASCII 6 italic)
string(ASCII 7 roman)

function(roff var text)
  string(REPLACE "${open}" "[" text "${text}")
  string(REPLACE "${close}" "]" text "${text}")
  string(REPLACE "${semi}" ";" text "${text}")
  string(REPLACE "${bslash}" "\\e" text "${text}")
  string(REPLACE "${bold}" "\\fB" text "${text}")
  string(REPLACE "${italic}" "\\fI" text "${text}")
  string(REPLACE "${roman}" "\\fR" text "${text}")
  # A line starting with a dot or a quote would be a request.
  string(REGEX REPLACE "^([.'])" "\\\\&\\1" text "${text}")
  set(${var} "${text}" PARENT_SCOPE)
endfunction()

# A synopsis: the command words bold, options bold, placeholders (FILE, YYYY-MM-DD, OUT.pdf)
# italic, and every hyphen a minus sign, since all of it is typed.
function(format_synopsis var text)
  string(REPLACE " " ";" tokens "${text}")
  set(words "")
  set(command TRUE)
  foreach(t IN LISTS tokens)
    if(command AND t MATCHES "^[a-z][a-z|-]*$")
      set(t "${bold}${t}${roman}")
    else()
      set(command FALSE)
      string(REGEX REPLACE "([A-Z][A-Z0-9_]*([-.][A-Za-z0-9]+)*)" "${italic}\\1${roman}" t "${t}")
      string(REGEX REPLACE "(^|${open}|[(|])(--?[a-z][a-z0-9-]*)" "\\1${bold}\\2${roman}" t "${t}")
    endif()
    list(APPEND words "${t}")
  endforeach()
  list(JOIN words " " text)
  string(REPLACE "-" "\\-" text "${text}")
  roff(text "${text}")
  set(${var} "${text}" PARENT_SCOPE)
endfunction()

# A description: plain text, with options' dashes as minus signs.
function(format_description var text)
  string(REPLACE "--" "\\-\\-" text "${text}")
  roff(text "${text}")
  set(${var} "${text}" PARENT_SCOPE)
endfunction()

run_casegate(usage help)
string(REPLACE "\\" "${bslash}" usage "${usage}")
string(REPLACE "[" "${open}" usage "${usage}")
string(REPLACE "]" "${close}" usage "${usage}")
string(REPLACE ";" "${semi}" usage "${usage}")
string(REPLACE "\n" ";" lines "${usage}")

# A line's synopsis ends at its first run of three or more spaces.
set(split_re "^(([^ ]| [^ ]|  [^ ])*)   +([^ ].*)$")

# The column where descriptions start: the leftmost one any line puts a description at.
set(desc_column 1000)
foreach(line IN LISTS lines)
  string(REGEX MATCH "^ +" lead "${line}")
  string(LENGTH "${lead}" indent)
  string(SUBSTRING "${line}" ${indent} -1 body)
  if(indent GREATER 0 AND body MATCHES "${split_re}")
    string(LENGTH "${body}" whole)
    string(LENGTH "${CMAKE_MATCH_3}" rest)
    math(EXPR column "${indent} + ${whole} - ${rest}")
    if(column LESS desc_column)
      set(desc_column ${column})
    endif()
  endif()
endforeach()

set(synopsis "")
set(count 0)
foreach(line IN LISTS lines)
  if(line MATCHES "^usage: (.*)$")
    set(synopsis "${CMAKE_MATCH_1}")
    continue()
  endif()
  string(REGEX MATCH "^ +" lead "${line}")
  string(LENGTH "${lead}" indent)
  string(SUBSTRING "${line}" ${indent} -1 body)
  if(body STREQUAL "")
    continue()
  endif()
  if(body MATCHES "${split_re}")
    set(syn "${CMAKE_MATCH_1}")
    set(desc "${CMAKE_MATCH_3}")
  elseif(indent GREATER 2 AND NOT indent LESS desc_column)
    set(syn "")
    set(desc "${body}")
  else()
    set(syn "${body}")
    set(desc "")
  endif()
  if(indent LESS_EQUAL 2)
    math(EXPR count "${count} + 1")
    set(syn_${count} "${syn}")
    set(desc_${count} "${desc}")
  elseif(count EQUAL 0)
    message(FATAL_ERROR "usage text: an indented line before any command: ${line}")
  else()
    string(STRIP "${syn_${count}} ${syn}" syn_${count})
    string(STRIP "${desc_${count}} ${desc}" desc_${count})
  endif()
endforeach()
if(synopsis STREQUAL "" OR count LESS 5)
  message(FATAL_ERROR "casegate help: no usage line or too few commands (${count}): the usage "
                      "text's layout changed; see cmake/make_manpages.cmake")
endif()

format_synopsis(synopsis "${synopsis}")
set(commands "")
foreach(i RANGE 1 ${count})
  format_synopsis(syn "casegate ${syn_${i}}")
  format_description(desc "${desc_${i}}")
  string(APPEND commands ".TP\n${syn}\n")
  if(NOT desc STREQUAL "")
    string(APPEND commands "${desc}\n")
  endif()
endforeach()

file(MAKE_DIRECTORY "${OUT}")
file(WRITE "${OUT}/casegate.8" ".\\\" Made from `casegate help` by cmake/make_manpages.cmake.
.TH CASEGATE 8 \"\" \"casegate ${VERSION}\" \"System Administration\"
.SH NAME
casegate \\- the intake gateway for referrals about doctors in training
.SH SYNOPSIS
${synopsis}
.SH DESCRIPTION
\\fBcasegate\\fR polls mailboxes (IMAP or Maildir) and the public form service for referrals,
keeps every message it receives, reads the referral form out of it in a sandboxed worker, and
turns it into a case in PostgreSQL. It acknowledges the referrer, alerts the local office's
case-management team, and tells the sender of an incomplete referral what is missing. It also
runs the revalidation connection checks (TIS programme data against GMC Connect).
.PP
The one program is three services: the daemon (\\fBcasegate run\\fR, unit
\\fIcasegate.service\\fR), the staff console (\\fBcasegate console\\fR, unit
\\fIcasegate\\-console.service\\fR) and the public referral form (\\fBcasegate form\\-service\\fR,
unit \\fIcasegate\\-form.service\\fR), each running as the \\fBcasegate\\fR user. None is enabled
or started when the package is installed: write the configuration first.
.PP
The commands that read the configuration take \\fB\\-\\-config\\fR \\fIFILE\\fR (by default
\\fI/etc/casegate/casegate.toml\\fR). Secrets are never in that file: its \\fI*_file\\fR keys name
a file, or a systemd credential (\\fBLoadCredential=\\fR), read from
\\fB$CREDENTIALS_DIRECTORY\\fR; see \\fBcasegate.toml\\fR(5).
.SH COMMANDS
${commands}.SH FILES
.TP
.I /etc/casegate/casegate.toml
The configuration of the daemon and the staff console; see \\fBcasegate.toml\\fR(5).
.TP
.I /etc/casegate/form\\-service.toml
The public form service's configuration, on the host that runs it.
.TP
.I /usr/share/doc/casegate/examples/casegate.toml
The example configuration, with every key (\\fBcasegate config\\-example\\fR prints it).
.TP
.I /usr/share/casegate/templates
The notification texts, for operators to copy and edit.
.TP
.I /usr/share/casegate/web/assets
The static files the staff console and the form service serve.
.TP
.I /var/lib/casegate
The services' state (systemd's \\fBStateDirectory=\\fR), such as the form service's spool.
.TP
.I /usr/lib/systemd/system/casegate.service
The daemon's unit; \\fIcasegate\\-console.service\\fR and \\fIcasegate\\-form.service\\fR
beside it.
.SH SEE ALSO
.BR casegate.toml (5),
.BR systemctl (1),
.BR journalctl (1),
.BR systemd.exec (5)
.PP
\\fI/usr/share/doc/casegate/README.md\\fR
")

run_casegate(reference config-reference --format man)
file(WRITE "${OUT}/casegate.toml.5" "${reference}.SH FILES
.TP
.I /etc/casegate/casegate.toml
The configuration \\fBcasegate\\fR(8) reads by default.
.TP
.I /usr/share/doc/casegate/examples/casegate.toml
The example, with every key (\\fBcasegate config\\-example\\fR prints it).
.SH SEE ALSO
.BR casegate (8)
")

foreach(page casegate.8 casegate.toml.5)
  execute_process(COMMAND "${GZIP}" -9nf "${OUT}/${page}" RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "gzip ${page} failed (${rc})")
  endif()
endforeach()
