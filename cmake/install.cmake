# Installation layout and the Debian package.
#   cmake --install BUILD --prefix PREFIX   bin/packetwalk, share/man/man1/packetwalk.1,
#                                           bash and zsh completions, share/packetwalk/scenarios,
#                                           share/doc/packetwalk
#   cpack --config BUILD/CPackConfig.cmake  packetwalk_VERSION_ARCH.deb
include(GNUInstallDirs)

# packetwalk(1), generated from the built program's --help texts (cmake/man_page.cmake).
set(PACKETWALK_MAN_PAGE ${PROJECT_BINARY_DIR}/packetwalk.1)
add_custom_command(
  OUTPUT ${PACKETWALK_MAN_PAGE}
  COMMAND ${CMAKE_COMMAND} -DPACKETWALK=$<TARGET_FILE:packetwalk> -DOUTPUT=${PACKETWALK_MAN_PAGE}
          -DVERSION=${PROJECT_VERSION} -P ${PROJECT_SOURCE_DIR}/cmake/man_page.cmake
  DEPENDS packetwalk ${PROJECT_SOURCE_DIR}/cmake/man_page.cmake
  COMMENT "Generating packetwalk.1 from --help"
  VERBATIM)
add_custom_target(packetwalk_man ALL DEPENDS ${PACKETWALK_MAN_PAGE})

install(TARGETS packetwalk RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
if(TARGET packetwalk-gui)
  install(TARGETS packetwalk-gui RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
install(FILES ${PACKETWALK_MAN_PAGE} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${PROJECT_SOURCE_DIR}/completions/packetwalk.bash
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME packetwalk)
install(FILES ${PROJECT_SOURCE_DIR}/completions/_packetwalk DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/scenarios/ DESTINATION ${CMAKE_INSTALL_DATADIR}/packetwalk/scenarios)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR} PATTERN "decisions" EXCLUDE)
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME packetwalk)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "packetwalk")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Kubernetes networking simulator: traces packets hop by hop through a model of a cluster")
set(CPACK_PACKAGE_CONTACT "packetwalk maintainers <packetwalk@localhost>")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
# dpkg-shlibdeps reads the binaries' NEEDED entries and names the Debian packages that provide
# them (libyaml-cpp0.7, libboost-program-options1.74.0, libssl3, libstdc++6, ...), with versions.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "graphviz, tshark")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
include(CPack)
