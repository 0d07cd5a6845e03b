# The Debian package (scripts/package; by hand `cpack --config build/CPackConfig.cmake`).
# CPack's DEB generator packs what the install rules install, the ones `cmake --install` and
# the install_layout test use, so a file added to an install rule is in the package without a
# second list to keep (a debian/ directory would be one, with debhelper and a source package
# around a build that CMake already drives). What Debian asks of every package beyond that —
# copyright, changelog, maintainer scripts — is in packaging/.
#
# The compiled-in defaults (/etc/casegate/casegate.toml, /usr/share/casegate/web/assets) are
# under /usr, so the package installs there whatever CMAKE_INSTALL_PREFIX a plain install
# uses. The rules' lib/ paths thus land in /usr/lib/systemd/system, /usr/lib/sysusers.d and
# /usr/lib/tmpfiles.d: where systemd reads them, the same directories as /lib/… on bookworm's
# merged /usr, and accepted by lintian (no file of the package moves between the two).
#
# The example configuration is under /usr/share/doc/casegate/examples only, not also a
# conffile in /etc/casegate: it needs the site's values and secrets before any service can
# start, so as a conffile it would be a configuration that does not work, which dpkg would then
# ask about at each upgrade once edited.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME casegate)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# A Debian revision: the package is built from the tree, not the tree itself (a native
# package would want changelog.gz instead of changelog.Debian.gz).
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
# The address the project's commits carry; a package made elsewhere names its own.
set(CASEGATE_DEB_MAINTAINER
    "casegate maintainers <maintainers@users.noreply.h-seed-ab51c606.example>"
    CACHE STRING "Maintainer: field of the Debian package")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CASEGATE_DEB_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "intake gateway for referrals about doctors in training")
# The long description, after the summary CPack puts first; wrapped here, as CPack keeps the
# lines as they are and lintian wants them under 80 columns.
string(CONCAT CPACK_DEBIAN_PACKAGE_DESCRIPTION
  "casegate polls mailboxes (IMAP or Maildir) and its public form service for\n"
  "referrals, reads the referral form out of each message in a sandboxed worker,\n"
  "and turns it into a case in PostgreSQL. It acknowledges the referrer, alerts\n"
  "the local office, and runs the revalidation connection checks against TIS and\n"
  "GMC Connect.\n"
  "\n"
  "The package holds the program, its three systemd services (daemon, staff\n"
  "console, public form), the notification templates, the web programs' static\n"
  "files, an example configuration and the manual pages.")
# Depends: what dpkg-shlibdeps finds the program linked against, and systemd: the programs
# are systemd services (Type=notify, credentials) and postinst runs systemd-sysusers and
# systemd-tmpfiles.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS systemd)
# The build keeps debugging information (RelWithDebInfo); the package's program is stripped,
# as Debian ships programs.
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)  # dpkg-deb's default; CPack's is gzip
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${CMAKE_SOURCE_DIR}/packaging/postinst
    ${CMAKE_SOURCE_DIR}/packaging/prerm ${CMAKE_SOURCE_DIR}/packaging/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

# Debian's copyright and changelog files go into the package only (component deb, left out
# of a plain `cmake --install`). All components are still made into the one package.
find_program(GZIP_PROGRAM gzip REQUIRED)
set(CASEGATE_DEB_VERSION ${PROJECT_VERSION}-${CPACK_DEBIAN_PACKAGE_RELEASE})
string(TIMESTAMP CASEGATE_DEB_DATE "%a, %d %b %Y %H:%M:%S +0000" UTC)  # SOURCE_DATE_EPOCH if set
configure_file(${CMAKE_SOURCE_DIR}/packaging/changelog.in
               ${CMAKE_BINARY_DIR}/packaging/changelog.Debian @ONLY)
execute_process(COMMAND ${GZIP_PROGRAM} -9nf ${CMAKE_BINARY_DIR}/packaging/changelog.Debian
                COMMAND_ERROR_IS_FATAL ANY)
install(FILES ${CMAKE_SOURCE_DIR}/packaging/copyright
              ${CMAKE_BINARY_DIR}/packaging/changelog.Debian.gz
        DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT deb EXCLUDE_FROM_ALL)
set(CPACK_COMPONENTS_ALL Unspecified deb)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_GROUPING ALL_COMPONENTS_IN_ONE)

include(CPack)
