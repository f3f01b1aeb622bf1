#pragma once

// Between Surface and vtkPolyData, for the readers and the signed distance.
// Used inside the core only: the declarations need no VTK header, the
// definitions (VtkSurface.cpp) do.

#include "nop/surface/Surface.hpp"

#include <memory>
#include <string>
#include <vector>

class vtkCommand;
class vtkObject;
class vtkPolyData;

namespace nop
{

/// The surface of `triangulated` (polygons all triangles, as
/// vtkTriangleFilter leaves them) by makeSurface: points in their dtype
/// (float32 or float64), triangles, and every numeric point and cell data
/// array under its name (an unnamed one as "array<index>") with its
/// components. Throws naming `source`.
Surface surfaceFromPolyData(vtkPolyData* triangulated, const std::string& source);

/// Fills the empty `polyData` with the surface's points (as float64) and
/// triangles; no arrays.
void fillPolyData(const Surface& surface, vtkPolyData* polyData);

/// Collects the messages of the errors and warnings that VTK objects report
/// while it lives, instead of VTK printing them to stderr.
class VtkErrors
{
public:
    /// What the observer does on an error besides keeping its message (on a
    /// warning it only keeps the message).
    enum class OnError
    {
        /// Nothing: VTK goes on.
        collect,
        /// Throws Abort out of VTK, to be caught around the Update() that
        /// ran it. For readers: VTK 9.1's legacy reader goes on after an
        /// error in a truncated file and crashes.
        abort
    };

    /// Thrown on an error with OnError::abort.
    struct Abort
    {};

    /// Observes `object`; a vtkAlgorithm with its executive, which reports
    /// the pipeline's failures.
    VtkErrors(vtkObject* object, OnError onError);
    ~VtkErrors();
    VtkErrors(const VtkErrors&) = delete;
    VtkErrors& operator=(const VtkErrors&) = delete;

    /// Whether an error was reported.
    bool failed() const { return failed_; }

    /// The messages so far in order, the first line of each without VTK's
    /// "ERROR: In <file>, line <n>" prefix, joined by "; "; "" if none.
    std::string text() const;

    /// The observer, for what reports errors through an object of its own
    /// (vtkXMLReader::SetParserErrorObserver).
    vtkCommand* observer() const;

private:
    void observe(vtkObject* object);

    /// The observer's callback; `self` is the VtkErrors.
    static void report(vtkObject*, unsigned long event, void* self, void* message);

    struct Observers;
    std::unique_ptr<Observers> observers_;
    std::vector<std::string> messages_;
    OnError onError_;
    bool failed_ = false;
};

} // namespace nop
