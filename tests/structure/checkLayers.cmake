# Checks that no folder includes a folder above it, in the core and in the
# adapter, and writes the folder dependency graph.
#
#   cmake -DSOURCE_DIR=<repository> [-DDOT=<file.dot>] -P checkLayers.cmake
#
# The layers are listed bottom-up; folders of one layer may not include each
# other. A core folder is the first component after nop/ of an include
# ("nop/models/FNO.hpp"); an adapter folder is the folder of src/foam that
# holds the included header ("latentGrid.H" -> latentGrid).

# Folders of one layer are separated by ':'.
set(coreLayers options runtime io:geometry surface precision layers data models training inference:jobs)
set(foamLayers
    strictKeywords:collectiveExit:floatingPointTraps:volFieldClasses:sampleCache
    latentGrid:caseParameter:optionsReader
    latentGridSampler:latentGridInterpolator:surrogateSetup
    surrogateChannels:bodyChannels
    caseDataset:surrogateModel
    bodyCaseDataset
    trainingData:functionObjects)

if(NOT SOURCE_DIR)
    message(FATAL_ERROR "checkLayers: give -DSOURCE_DIR=<repository>")
endif()

# rank_<folder> = position of its layer
function(assign_ranks prefix)
    set(rank 0)
    foreach(layer IN LISTS ARGN)
        string(REPLACE ":" ";" folders "${layer}")
        foreach(folder IN LISTS folders)
            set(${prefix}_${folder} ${rank} PARENT_SCOPE)
        endforeach()
        math(EXPR rank "${rank} + 1")
    endforeach()
endfunction()

assign_ranks(core ${coreLayers})
assign_ranks(foam ${foamLayers})

set(edges "")
set(violations "")

function(add_edge from to file)
    set(edge "${from} -> ${to}")
    list(FIND edges "${edge}" seen)
    if(seen EQUAL -1)
        set(edges ${edges} "${edge}" PARENT_SCOPE)
    endif()
endfunction()

# --- core -------------------------------------------------------------------
file(GLOB_RECURSE coreFiles RELATIVE "${SOURCE_DIR}/src/core/nop"
    "${SOURCE_DIR}/src/core/nop/*.hpp" "${SOURCE_DIR}/src/core/nop/*.cpp")
foreach(rel IN LISTS coreFiles)
    string(REGEX MATCH "^[^/]+" from "${rel}")
    if(NOT DEFINED core_${from})
        list(APPEND violations "core folder '${from}' is in no layer (tests/structure/checkLayers.cmake)")
        continue()
    endif()
    file(STRINGS "${SOURCE_DIR}/src/core/nop/${rel}" includes
        REGEX "^[ \t]*#[ \t]*include[ \t]*[\"<]nop/")
    foreach(line IN LISTS includes)
        string(REGEX REPLACE ".*[\"<]nop/([^/]+)/.*" "\\1" to "${line}")
        if(to STREQUAL from)
            continue()
        endif()
        add_edge("core/${from}" "core/${to}" "${rel}")
        if(NOT DEFINED core_${to} OR NOT core_${to} LESS core_${from})
            list(APPEND violations "src/core/nop/${rel}: ${from} includes ${to}, which is not below it")
        endif()
    endforeach()
endforeach()

# --- adapter ----------------------------------------------------------------
file(GLOB_RECURSE foamHeaders RELATIVE "${SOURCE_DIR}/src/foam" "${SOURCE_DIR}/src/foam/*.H")
foreach(rel IN LISTS foamHeaders)
    get_filename_component(name "${rel}" NAME_WE)
    string(REGEX MATCH "^[^/]+" folder "${rel}")
    set(folderOf_${name} "${folder}")
endforeach()

file(GLOB_RECURSE foamFiles RELATIVE "${SOURCE_DIR}/src/foam"
    "${SOURCE_DIR}/src/foam/*.H" "${SOURCE_DIR}/src/foam/*.C")
foreach(rel IN LISTS foamFiles)
    string(REGEX MATCH "^[^/]+" from "${rel}")
    if(NOT DEFINED foam_${from})
        list(APPEND violations "adapter folder '${from}' is in no layer (tests/structure/checkLayers.cmake)")
        continue()
    endif()
    file(STRINGS "${SOURCE_DIR}/src/foam/${rel}" includes
        REGEX "^[ \t]*#[ \t]*include[ \t]*\"[A-Za-z0-9_]+\\.H\"")
    foreach(line IN LISTS includes)
        string(REGEX REPLACE ".*\"([A-Za-z0-9_]+)\\.H\".*" "\\1" name "${line}")
        if(NOT DEFINED folderOf_${name})
            continue()  # an OpenFOAM header
        endif()
        set(to "${folderOf_${name}}")
        if(to STREQUAL from)
            continue()
        endif()
        add_edge("foam/${from}" "foam/${to}" "${rel}")
        if(NOT foam_${to} LESS foam_${from})
            list(APPEND violations "src/foam/${rel}: ${from} includes ${to}, which is not below it")
        endif()
    endforeach()
    file(STRINGS "${SOURCE_DIR}/src/foam/${rel}" coreIncludes
        REGEX "^[ \t]*#[ \t]*include[ \t]*[\"<]nop/")
    foreach(line IN LISTS coreIncludes)
        string(REGEX REPLACE ".*[\"<]nop/([^/]+)/.*" "\\1" to "${line}")
        add_edge("foam/${from}" "core/${to}" "${rel}")
    endforeach()
endforeach()

list(LENGTH edges nEdges)
message(STATUS "checkLayers: ${nEdges} folder dependencies")

if(DOT)
    set(text "digraph folders {\n    rankdir=BT;\n")
    foreach(edge IN LISTS edges)
        string(REPLACE " -> " "\" -> \"" edge "${edge}")
        string(APPEND text "    \"${edge}\";\n")
    endforeach()
    string(APPEND text "}\n")
    file(WRITE "${DOT}" "${text}")
endif()

if(violations)
    list(JOIN violations "\n  " text)
    message(FATAL_ERROR "checkLayers: includes that point upwards:\n  ${text}")
endif()
