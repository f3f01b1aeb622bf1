#[=======================================================================[.rst:
FindOpenFOAM
------------

Finds OpenFOAM v1912 as Debian ships it: the runtime libraries of the
``libopenfoam`` package (``/usr/lib/libOpenFOAM.so`` ...) and the headers of
Debian's ``openfoam`` source package laid out as flat ``lnInclude``
directories by ``bin/installDependencies``.

Components
^^^^^^^^^^

``OpenFOAM`` (always), ``meshTools``, ``finiteVolume``, and any other
library of ``src/`` with a ``lnInclude`` directory (``sampling``,
``fileFormats``, ``surfMesh`` ...). Without ``COMPONENTS`` the module
looks for ``OpenFOAM``, ``meshTools`` and ``finiteVolume``.

Libraries whose ``lnInclude`` is deeper than ``src/<library>``, known by
name:

``turbulenceModels``
  ``src/TurbulenceModels/turbulenceModels`` (needs ``finiteVolume``)
``incompressibleTurbulenceModels``
  ``src/TurbulenceModels/incompressible`` (needs ``turbulenceModels``)
``compressibleTurbulenceModels``
  ``src/TurbulenceModels/compressible`` (needs ``turbulenceModels`` and
  ``fluidThermophysicalModels``)
``fluidThermophysicalModels``
  ``src/thermophysicalModels/basic`` (``basicThermo.H``; needs
  ``finiteVolume``)
``genericPatchFields``
  ``src/genericPatchFields`` (needs ``finiteVolume``)
``incompressibleTransportModels``
  ``src/transportModels/incompressible`` (``singlePhaseTransportModel.H``,
  and ``src/transportModels`` for what it includes; needs ``finiteVolume``)
``conversion``
  ``src/conversion`` (``foamVtkPatchWriter.H``; needs ``finiteVolume`` and
  ``fileFormats``)

A component brings the components it needs, so ``COMPONENTS
incompressibleTurbulenceModels`` also finds ``turbulenceModels``,
``finiteVolume`` and ``meshTools``.

Imported targets
^^^^^^^^^^^^^^^^

``OpenFOAM::OpenFOAM``
  ``libOpenFOAM``, ``libPstream``, ``libdl``, the
  ``OpenFOAM`` and ``OSspecific/POSIX`` include directories, and the
  definitions and flags Debian's binaries were built with:
  ``-DWM_DP -DWM_LABEL_SIZE=32 -DNoRepository -DOPENFOAM=1912
  -ftemplate-depth-100 -m64 -pthread``; links with ``--no-as-needed`` so
  that libraries holding only run-time selection tables are kept (each
  library as one ``-Wl,--push-state,--no-as-needed,-l:<lib>,--pop-state``
  item, which CMake does not de-duplicate away).
``OpenFOAM::<component>``
  The component's library and ``lnInclude`` directory, on top of its
  dependencies (``finiteVolume`` needs ``meshTools``; every one needs
  ``OpenFOAM``). It links with ``--no-as-needed`` too: the turbulence
  models, thermophysical models and generic patch fields are used through
  the types they register in static initialisers, never by a symbol, and
  would otherwise be dropped.

Result variables
^^^^^^^^^^^^^^^^

``OpenFOAM_FOUND``, ``OpenFOAM_<component>_FOUND``, ``OpenFOAM_VERSION``
(e.g. ``1912``), ``OpenFOAM_API`` (the value of the ``OPENFOAM`` define),
``OpenFOAM_INCLUDE_DIRS``, ``OpenFOAM_LIBRARIES``.

Cache variables
^^^^^^^^^^^^^^^

``FOAM_HEADERS``
  Root of the headers (holds ``src/<library>/lnInclude``); default: the
  environment variable ``FOAM_HEADERS``, else ``/opt/openfoam-v1912-headers``
  (where ``bin/installDependencies`` puts them).
``OpenFOAM_API``
  Value of the ``OPENFOAM`` define; default: read from
  ``$WM_PROJECT_DIR/etc/bashrc`` (``/usr/share/openfoam``), else ``1912``.
  It must match the libraries, which carry no machine-readable version.
``OpenFOAM_<component>_LIBRARY``, ``OpenFOAM_<component>_INCLUDE_DIR``
  Found by ``find_library`` (in ``$FOAM_LIBBIN`` and ``/usr/lib``) and
  ``find_path``.

Example:

.. code-block:: cmake

  find_package(OpenFOAM REQUIRED COMPONENTS finiteVolume)
  target_link_libraries(mySolver PRIVATE OpenFOAM::finiteVolume)
#]=======================================================================]

include(FindPackageHandleStandardArgs)

# ---------------------------------------------------------------------------
# Where to look

if(DEFINED ENV{FOAM_HEADERS} AND NOT "$ENV{FOAM_HEADERS}" STREQUAL "")
    set(_OpenFOAM_defaultHeaders "$ENV{FOAM_HEADERS}")
else()
    set(_OpenFOAM_defaultHeaders "/opt/openfoam-v1912-headers")
endif()
set(FOAM_HEADERS "${_OpenFOAM_defaultHeaders}" CACHE PATH
    "OpenFOAM headers: root of src/<library>/lnInclude (made by bin/installDependencies)")

# A changed FOAM_HEADERS invalidates the include directories found before.
if(DEFINED _OpenFOAM_searchedHeaders
   AND NOT _OpenFOAM_searchedHeaders STREQUAL FOAM_HEADERS)
    get_cmake_property(_OpenFOAM_cacheVars CACHE_VARIABLES)
    foreach(_v IN LISTS _OpenFOAM_cacheVars)
        if(_v MATCHES "^OpenFOAM_.*_INCLUDE_DIR$")
            unset(${_v} CACHE)
        endif()
    endforeach()
endif()
set(_OpenFOAM_searchedHeaders "${FOAM_HEADERS}" CACHE INTERNAL "")

if(DEFINED ENV{WM_PROJECT_DIR} AND NOT "$ENV{WM_PROJECT_DIR}" STREQUAL "")
    set(_OpenFOAM_projectDir "$ENV{WM_PROJECT_DIR}")
else()
    set(_OpenFOAM_projectDir "/usr/share/openfoam")
endif()

set(_OpenFOAM_libHints)
if(DEFINED ENV{FOAM_LIBBIN})
    list(APPEND _OpenFOAM_libHints "$ENV{FOAM_LIBBIN}")
endif()

# ---------------------------------------------------------------------------
# Version: the libraries carry none; the runtime's etc/bashrc names it.

if(NOT OpenFOAM_API)
    set(_OpenFOAM_api 1912)
    if(EXISTS "${_OpenFOAM_projectDir}/etc/bashrc")
        file(STRINGS "${_OpenFOAM_projectDir}/etc/bashrc" _OpenFOAM_versionLine
             REGEX "^export WM_PROJECT_VERSION=v[0-9]+")
        if(_OpenFOAM_versionLine MATCHES "WM_PROJECT_VERSION=v([0-9]+)")
            set(_OpenFOAM_api "${CMAKE_MATCH_1}")
        endif()
    endif()
    set(OpenFOAM_API "${_OpenFOAM_api}" CACHE STRING
        "Value of the OPENFOAM define (API number of the OpenFOAM libraries)")
endif()
set(OpenFOAM_VERSION "${OpenFOAM_API}")

# ---------------------------------------------------------------------------
# Components: OpenFOAM always, then the requested ones (with dependencies).

if(NOT OpenFOAM_FIND_COMPONENTS)
    set(OpenFOAM_FIND_COMPONENTS meshTools finiteVolume)
    foreach(_c IN LISTS OpenFOAM_FIND_COMPONENTS)
        set(OpenFOAM_FIND_REQUIRED_${_c} TRUE)
    endforeach()
endif()

# Components each component needs (its library links them, its headers
# include theirs); OpenFOAM itself is implied.
set(_OpenFOAM_requires_finiteVolume meshTools)
set(_OpenFOAM_requires_turbulenceModels finiteVolume)
set(_OpenFOAM_requires_incompressibleTurbulenceModels turbulenceModels)
set(_OpenFOAM_requires_compressibleTurbulenceModels
    turbulenceModels fluidThermophysicalModels)
set(_OpenFOAM_requires_fluidThermophysicalModels finiteVolume)
set(_OpenFOAM_requires_genericPatchFields finiteVolume)
set(_OpenFOAM_requires_conversion finiteVolume fileFormats)
set(_OpenFOAM_requires_incompressibleTransportModels finiteVolume)

# Add the needed components (transitively); a needed one is required when
# the component that needs it is.
set(_OpenFOAM_pending ${OpenFOAM_FIND_COMPONENTS})
while(_OpenFOAM_pending)
    list(POP_FRONT _OpenFOAM_pending _c)
    foreach(_d IN LISTS _OpenFOAM_requires_${_c})
        if(NOT _d IN_LIST OpenFOAM_FIND_COMPONENTS)
            list(APPEND OpenFOAM_FIND_COMPONENTS ${_d})
            list(APPEND _OpenFOAM_pending ${_d})
        endif()
        if(OpenFOAM_FIND_REQUIRED_${_c})
            set(OpenFOAM_FIND_REQUIRED_${_d} TRUE)
        endif()
    endforeach()
endwhile()
unset(_OpenFOAM_pending)
set(_OpenFOAM_components ${OpenFOAM_FIND_COMPONENTS})
list(REMOVE_ITEM _OpenFOAM_components OpenFOAM)
list(PREPEND _OpenFOAM_components OpenFOAM)

# Marker header of each library's lnInclude; default: <library>.H
set(_OpenFOAM_marker_OpenFOAM argList.H)
set(_OpenFOAM_marker_finiteVolume fvCFD.H)
set(_OpenFOAM_marker_meshTools meshTools.H)
set(_OpenFOAM_marker_sampling sampledSurface.H)
set(_OpenFOAM_marker_fileFormats foamVtkFileWriter.H)
set(_OpenFOAM_marker_conversion foamVtkPatchWriter.H)
set(_OpenFOAM_marker_incompressibleTransportModels singlePhaseTransportModel.H)
set(_OpenFOAM_marker_surfMesh MeshedSurface.H)
set(_OpenFOAM_marker_turbulenceModels turbulenceModel.H)
set(_OpenFOAM_marker_incompressibleTurbulenceModels incompressibleTurbulenceModel.H)
set(_OpenFOAM_marker_compressibleTurbulenceModels compressibleTurbulenceModel.H)
set(_OpenFOAM_marker_fluidThermophysicalModels basicThermo.H)
set(_OpenFOAM_marker_genericPatchFields genericFvPatchField.H)

# Folder of src/ that holds each library's lnInclude; default: <library>
set(_OpenFOAM_dir_turbulenceModels TurbulenceModels/turbulenceModels)
set(_OpenFOAM_dir_incompressibleTurbulenceModels TurbulenceModels/incompressible)
set(_OpenFOAM_dir_compressibleTurbulenceModels TurbulenceModels/compressible)
set(_OpenFOAM_dir_fluidThermophysicalModels thermophysicalModels/basic)
set(_OpenFOAM_dir_incompressibleTransportModels transportModels/incompressible)

# Folder of src/ a library's headers include from besides its lnInclude
# (singlePhaseTransportModel.H: "incompressible/transportModel/...")
set(_OpenFOAM_extraInclude_incompressibleTransportModels transportModels)

foreach(_c IN LISTS _OpenFOAM_components)
    if(DEFINED _OpenFOAM_marker_${_c})
        set(_marker "${_OpenFOAM_marker_${_c}}")
    else()
        set(_marker "${_c}.H")
    endif()
    if(NOT DEFINED _OpenFOAM_dir_${_c})
        set(_OpenFOAM_dir_${_c} "${_c}")
    endif()
    find_path(OpenFOAM_${_c}_INCLUDE_DIR
        NAMES "${_marker}"
        PATHS "${FOAM_HEADERS}/src/${_OpenFOAM_dir_${_c}}/lnInclude"
        NO_DEFAULT_PATH)
    find_library(OpenFOAM_${_c}_LIBRARY
        NAMES "${_c}"
        HINTS ${_OpenFOAM_libHints}
        PATHS /usr/lib
        PATH_SUFFIXES openfoam)
    mark_as_advanced(OpenFOAM_${_c}_INCLUDE_DIR OpenFOAM_${_c}_LIBRARY)
    if(OpenFOAM_${_c}_INCLUDE_DIR AND OpenFOAM_${_c}_LIBRARY)
        set(OpenFOAM_${_c}_FOUND TRUE)
    else()
        set(OpenFOAM_${_c}_FOUND FALSE)
    endif()
endforeach()

# libOpenFOAM loads libPstream itself, but code that instantiates the
# parallel-stream templates (reduce, IOobject writes) refers to it directly.
find_library(OpenFOAM_Pstream_LIBRARY
    NAMES Pstream
    HINTS ${_OpenFOAM_libHints}
    PATHS /usr/lib
    PATH_SUFFIXES openfoam)
mark_as_advanced(OpenFOAM_Pstream_LIBRARY)

find_path(OpenFOAM_OSspecific_INCLUDE_DIR
    NAMES OSspecific.H sigFpe.H
    PATHS "${FOAM_HEADERS}/src/OSspecific/POSIX/lnInclude"
    NO_DEFAULT_PATH)
mark_as_advanced(OpenFOAM_OSspecific_INCLUDE_DIR)

# ---------------------------------------------------------------------------
# Result

set(_OpenFOAM_reason "")
if(NOT OpenFOAM_OpenFOAM_INCLUDE_DIR OR NOT OpenFOAM_OSspecific_INCLUDE_DIR)
    string(APPEND _OpenFOAM_reason
        "the OpenFOAM headers are not in FOAM_HEADERS=${FOAM_HEADERS} "
        "(expected src/OpenFOAM/lnInclude/argList.H and "
        "src/OSspecific/POSIX/lnInclude/OSspecific.H). "
        "Run bin/installDependencies (it unpacks Debian's openfoam source "
        "package there), or point -DFOAM_HEADERS=<dir> at an existing copy. ")
endif()
foreach(_c IN LISTS _OpenFOAM_components)
    if(NOT _c STREQUAL "OpenFOAM" AND NOT OpenFOAM_${_c}_FOUND)
        string(APPEND _OpenFOAM_reason
            "component ${_c}: lib${_c}.so (${OpenFOAM_${_c}_LIBRARY}) or "
            "${FOAM_HEADERS}/src/${_OpenFOAM_dir_${_c}}/lnInclude (${OpenFOAM_${_c}_INCLUDE_DIR}) "
            "not found. ")
    endif()
endforeach()
if(NOT OpenFOAM_OpenFOAM_LIBRARY)
    string(APPEND _OpenFOAM_reason
        "libOpenFOAM.so not found in /usr/lib or $FOAM_LIBBIN: "
        "install Debian's libopenfoam package (bin/installDependencies). ")
endif()

find_package_handle_standard_args(OpenFOAM
    REQUIRED_VARS
        OpenFOAM_OpenFOAM_LIBRARY
        OpenFOAM_Pstream_LIBRARY
        OpenFOAM_OpenFOAM_INCLUDE_DIR
        OpenFOAM_OSspecific_INCLUDE_DIR
    VERSION_VAR OpenFOAM_VERSION
    HANDLE_COMPONENTS
    REASON_FAILURE_MESSAGE "${_OpenFOAM_reason}")

# ---------------------------------------------------------------------------
# Imported targets

# Each library is one link item, "-Wl,--push-state,--no-as-needed,
# -l:lib<name>.so,--pop-state": CMake drops repeats of a flag such as a bare
# -Wl,--no-as-needed from a link line, which could leave a library behind a
# -Wl,--as-needed of another package (LibTorch's targets end with one) and
# let the linker drop it; and the linker's as-needed state after the item is
# what it was before. By file name (-l:), not path: Debian's OpenFOAM
# libraries have no SONAME, and a path would be recorded as DT_NEEDED. Their
# folder goes to the link directories unless the linker searches it anyway.
function(_OpenFOAM_linkLibraries target)
    set(_names)
    foreach(_lib IN LISTS ARGN)
        get_filename_component(_dir "${_lib}" DIRECTORY)
        get_filename_component(_name "${_lib}" NAME)
        string(APPEND _names ",-l:${_name}")
        if(NOT _dir IN_LIST CMAKE_CXX_IMPLICIT_LINK_DIRECTORIES
           AND NOT _dir STREQUAL "/usr/lib")
            target_link_directories(${target} INTERFACE "${_dir}")
        endif()
    endforeach()
    target_link_libraries(${target} INTERFACE
        "-Wl,--push-state,--no-as-needed${_names},--pop-state")
endfunction()

if(OpenFOAM_FOUND)
    set(OpenFOAM_INCLUDE_DIRS)
    set(OpenFOAM_LIBRARIES)

    if(NOT TARGET OpenFOAM::OpenFOAM)
        add_library(OpenFOAM::OpenFOAM INTERFACE IMPORTED)
        target_include_directories(OpenFOAM::OpenFOAM INTERFACE
            "${OpenFOAM_OpenFOAM_INCLUDE_DIR}"
            "${OpenFOAM_OSspecific_INCLUDE_DIR}")
        # As wmake/rules/General/general and linux64Gcc/c++ of Debian's build
        # (WM_PRECISION_OPTION=DP, WM_LABEL_SIZE=32, c++Opt).
        target_compile_definitions(OpenFOAM::OpenFOAM INTERFACE
            WM_DP
            WM_LABEL_SIZE=32
            NoRepository
            OPENFOAM=${OpenFOAM_API})
        target_compile_options(OpenFOAM::OpenFOAM INTERFACE
            -ftemplate-depth-100
            -pthread)
        if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$")
            target_compile_options(OpenFOAM::OpenFOAM INTERFACE -m64)
        endif()
        # --no-as-needed as wmake's LINKEXE: libraries that only register
        # run-time selectable types in static initialisers must stay.
        _OpenFOAM_linkLibraries(OpenFOAM::OpenFOAM
            "${OpenFOAM_OpenFOAM_LIBRARY}" "${OpenFOAM_Pstream_LIBRARY}")
        target_link_libraries(OpenFOAM::OpenFOAM INTERFACE
            ${CMAKE_DL_LIBS}
            -pthread)
    endif()
    list(APPEND OpenFOAM_INCLUDE_DIRS
        "${OpenFOAM_OpenFOAM_INCLUDE_DIR}" "${OpenFOAM_OSspecific_INCLUDE_DIR}")
    list(APPEND OpenFOAM_LIBRARIES "${OpenFOAM_OpenFOAM_LIBRARY}")

    foreach(_c IN LISTS _OpenFOAM_components)
        if(_c STREQUAL "OpenFOAM" OR NOT OpenFOAM_${_c}_FOUND)
            continue()
        endif()
        if(NOT TARGET OpenFOAM::${_c})
            add_library(OpenFOAM::${_c} INTERFACE IMPORTED)
            target_include_directories(OpenFOAM::${_c} INTERFACE
                "${OpenFOAM_${_c}_INCLUDE_DIR}")
            if(DEFINED _OpenFOAM_extraInclude_${_c})
                target_include_directories(OpenFOAM::${_c} INTERFACE
                    "${FOAM_HEADERS}/src/${_OpenFOAM_extraInclude_${_c}}")
            endif()
            list(TRANSFORM _OpenFOAM_requires_${_c} PREPEND OpenFOAM::
                OUTPUT_VARIABLE _OpenFOAM_needed)
            _OpenFOAM_linkLibraries(OpenFOAM::${_c} "${OpenFOAM_${_c}_LIBRARY}")
            target_link_libraries(OpenFOAM::${_c} INTERFACE
                ${_OpenFOAM_needed}
                OpenFOAM::OpenFOAM)
        endif()
        list(APPEND OpenFOAM_INCLUDE_DIRS "${OpenFOAM_${_c}_INCLUDE_DIR}")
        list(APPEND OpenFOAM_LIBRARIES "${OpenFOAM_${_c}_LIBRARY}")
    endforeach()

    if(NOT OpenFOAM_FIND_QUIETLY)
        message(STATUS "OpenFOAM ${OpenFOAM_VERSION}: headers in ${FOAM_HEADERS}, "
                       "components: ${_OpenFOAM_components}")
    endif()
endif()

unset(_OpenFOAM_components)
unset(_OpenFOAM_reason)
unset(_OpenFOAM_libHints)
unset(_OpenFOAM_projectDir)
unset(_OpenFOAM_defaultHeaders)
