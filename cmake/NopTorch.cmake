# LibTorch as an imported target that links with --no-as-needed: without it
# the linker drops libtorch_cpu/libtorch_cuda, whose kernels register
# themselves in static initialisers and are never referenced by symbol.
#
# Needs find_package(Torch) before. Used by the build and, installed beside
# nopConfig.cmake, by the package config: an IMPORTED target cannot be
# exported, so the config makes it again in the consumer's project.

if(NOT TARGET nop::torch)
    add_library(nop::torch INTERFACE IMPORTED)
    target_link_libraries(nop::torch INTERFACE
        "-Wl,--no-as-needed" ${TORCH_LIBRARIES} "-Wl,--as-needed")
    target_include_directories(nop::torch INTERFACE ${TORCH_INCLUDE_DIRS})
    separate_arguments(_nopTorchFlags UNIX_COMMAND "${TORCH_CXX_FLAGS}")
    target_compile_options(nop::torch INTERFACE ${_nopTorchFlags})
endif()

# A CUDA build of LibTorch (PyTorch's, on GPU machines) enables the CUDA
# memory statistics in the core.
if(TARGET torch_cuda OR TORCH_CUDA_LIBRARIES)
    set(NOP_TORCH_HAS_CUDA ON)
else()
    set(NOP_TORCH_HAS_CUDA OFF)
endif()
message(STATUS "LibTorch ${Torch_VERSION}, CUDA: ${NOP_TORCH_HAS_CUDA}")
