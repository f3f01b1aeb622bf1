# Checks that the OpenFOAM side cannot include a torch header: the probe
# tests/structure/torchFree/includeTorch.C (#include <torch/script.h>) fails
# to compile with the adapter's flags (target nopTorchFreeProbe) because of
# the poisoned c10, and compiles without the poison header (target
# nopTorchFreeProbeControl, same flags otherwise).
#
#   cmake -DBUILD_DIR=<build tree> -P checkTorchFree.cmake

if(NOT BUILD_DIR)
    message(FATAL_ERROR "checkTorchFree: give -DBUILD_DIR=<build tree>")
endif()

execute_process(
    COMMAND ${CMAKE_COMMAND} --build "${BUILD_DIR}" --target nopTorchFreeProbe
    RESULT_VARIABLE rc
    OUTPUT_VARIABLE out
    ERROR_VARIABLE out)
if(rc EQUAL 0)
    message(FATAL_ERROR "checkTorchFree: #include <torch/script.h> compiled "
        "with the adapter's flags (target nopTorchFreeProbe); the poison of "
        "cmake/nopTorchPoison.H did not fire:\n${out}")
endif()
if(NOT out MATCHES "attempt to use poisoned \"c10\"")
    message(FATAL_ERROR "checkTorchFree: the probe failed to compile, but not "
        "on the poisoned c10 (cmake/nopTorchPoison.H):\n${out}")
endif()
message(STATUS "checkTorchFree: with the adapter's flags the torch include fails on the poisoned c10")

execute_process(
    COMMAND ${CMAKE_COMMAND} --build "${BUILD_DIR}" --target nopTorchFreeProbeControl
    RESULT_VARIABLE rc
    OUTPUT_VARIABLE out
    ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "checkTorchFree: the probe does not compile without "
        "the poison header either (target nopTorchFreeProbeControl), so the "
        "failure above proves nothing:\n${out}")
endif()
message(STATUS "checkTorchFree: without the poison header it compiles")
