# Test install.consumer: installs the build tree into a fresh prefix, then
# configures, builds and runs the separate project tests/consumer against it
# (find_package(nop) with -DCMAKE_PREFIX_PATH=<prefix>), and checks what the
# programs print.
#
#   cmake -DBUILD_DIR=<build tree> -DWORK_DIR=<scratch folder>
#         -DCONSUMER_DIR=<tests/consumer> -DCXX=<compiler>
#         [-DLAUNCHER=<ccache>] [-DFOAM=ON -DWM_PROJECT_DIR=<dir>]
#         -P checkConsumer.cmake

foreach(_v BUILD_DIR WORK_DIR CONSUMER_DIR CXX)
    if(NOT ${_v})
        message(FATAL_ERROR "checkConsumer: give -D${_v}=...")
    endif()
endforeach()

set(prefix "${WORK_DIR}/prefix")
set(consumerBuild "${WORK_DIR}/build")
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

function(run what)
    execute_process(COMMAND ${ARGN}
        RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "checkConsumer: ${what} failed (${rc}):\n${out}")
    endif()
    set(out "${out}" PARENT_SCOPE)
endfunction()

run("cmake --install" ${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${prefix}")
foreach(_f lib/cmake/nop/nopConfig.cmake lib/cmake/nop/nopConfigVersion.cmake
           lib/cmake/nop/nopCoreTargets.cmake lib/cmake/nop/NopTorch.cmake
           include/nop/models/FNO.hpp)
    if(NOT EXISTS "${prefix}/${_f}")
        message(FATAL_ERROR "checkConsumer: the install has no ${_f}")
    endif()
endforeach()
message(STATUS "checkConsumer: installed into ${prefix}")

set(configureArgs
    -S "${CONSUMER_DIR}" -B "${consumerBuild}"
    -DCMAKE_PREFIX_PATH=${prefix}
    -DCMAKE_CXX_COMPILER=${CXX}
    -DCMAKE_BUILD_TYPE=Release)
if(LAUNCHER)
    list(APPEND configureArgs -DCMAKE_CXX_COMPILER_LAUNCHER=${LAUNCHER})
endif()
if(FOAM)
    list(APPEND configureArgs -DNOP_CONSUMER_FOAM=ON)
endif()
run("configuring the consumer" ${CMAKE_COMMAND} ${configureArgs})
run("building the consumer" ${CMAKE_COMMAND} --build "${consumerBuild}")
message(STATUS "checkConsumer: tests/consumer built against the install")

function(check program regex)
    run("${program}" ${ARGN} "${consumerBuild}/${program}")
    if(NOT out MATCHES "${regex}")
        message(FATAL_ERROR "checkConsumer: ${program} printed\n${out}\n"
            "expected a line matching: ${regex}")
    endif()
    message(STATUS "checkConsumer: ${out}")
endfunction()

check(nopConsumer "nopConsumer: FNO forward \\[3, 2, 32\\] -> \\[3, 1, 32\\], finite yes")
check(nopConsumerApi "nopConsumerApi: precision mixed, epochs 3, fnv1a d2eadf2dd717e792")
if(FOAM)
    # OpenFOAM's static initialisation reads $WM_PROJECT_DIR/etc/controlDict
    check(nopConsumerFoam "nopConsumerFoam: nop::foam linked \\(exitOnAllProcessors\\)"
        ${CMAKE_COMMAND} -E env WM_PROJECT_DIR=${WM_PROJECT_DIR})
endif()

# Only what the install made; the build tree stays.
file(REMOVE_RECURSE "${WORK_DIR}")
