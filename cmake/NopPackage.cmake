# The CMake package of the installed project: <prefix>/lib/cmake/nop holds
# nopConfig.cmake, nopConfigVersion.cmake, the exported targets and the
# modules the config needs, so that another CMake project can
#
#     find_package(nop 0.1 REQUIRED)                   # nop::core, nop::coreApi
#     find_package(nop 0.1 REQUIRED COMPONENTS foam)   # + nop::foam, nop::functionObjects
#     target_link_libraries(app PRIVATE nop::core)
#
# with -DCMAKE_PREFIX_PATH=<prefix>. Checked by the test install.consumer
# (tests/consumer).

include(CMakePackageConfigHelpers)

set(NOP_INSTALL_CMAKEDIR lib/cmake/nop)

install(EXPORT nopCoreTargets
    NAMESPACE nop::
    DESTINATION ${NOP_INSTALL_CMAKEDIR})

# OpenFOAM components the exported nop::foam links (their imported targets
# come from the installed FindOpenFOAM.cmake)
set(NOP_FOAM_OPENFOAM_COMPONENTS
    finiteVolume meshTools turbulenceModels incompressibleTurbulenceModels
    genericPatchFields)
if(NOP_BUILD_FOAM)
    install(EXPORT nopFoamTargets
        NAMESPACE nop::
        DESTINATION ${NOP_INSTALL_CMAKEDIR})
    install(FILES ${PROJECT_SOURCE_DIR}/cmake/FindOpenFOAM.cmake
        DESTINATION ${NOP_INSTALL_CMAKEDIR})
endif()

configure_package_config_file(
    ${PROJECT_SOURCE_DIR}/cmake/nopConfig.cmake.in
    ${PROJECT_BINARY_DIR}/nopConfig.cmake
    INSTALL_DESTINATION ${NOP_INSTALL_CMAKEDIR})
# 0.x: a minor version may break the interface
write_basic_package_version_file(
    ${PROJECT_BINARY_DIR}/nopConfigVersion.cmake
    VERSION ${PROJECT_VERSION}
    COMPATIBILITY SameMinorVersion)
install(FILES
    ${PROJECT_BINARY_DIR}/nopConfig.cmake
    ${PROJECT_BINARY_DIR}/nopConfigVersion.cmake
    ${PROJECT_SOURCE_DIR}/cmake/NopTorch.cmake
    DESTINATION ${NOP_INSTALL_CMAKEDIR})
