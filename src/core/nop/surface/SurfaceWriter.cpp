#include "nop/surface/SurfaceWriter.hpp"

#include "nop/surface/VtkSurface.hpp"

#include <vtkCellArray.h>
#include <vtkCellData.h>
#include <vtkDataArray.h>
#include <vtkErrorCode.h>
#include <vtkIdTypeArray.h>
#include <vtkNew.h>
#include <vtkPointData.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkSmartPointer.h>
#include <vtkXMLPolyDataWriter.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include <unistd.h>

namespace nop
{

static_assert(sizeof(vtkIdType) == sizeof(int64_t), "VTK is built with 64-bit ids");

namespace
{

/// The VTK data type of a tensor of `dtype` (bool as unsigned char), or -1
/// for a dtype VTK has no array of.
int vtkTypeOf(torch::ScalarType dtype)
{
    switch (dtype)
    {
    case torch::kFloat:
        return VTK_FLOAT;
    case torch::kDouble:
        return VTK_DOUBLE;
    case torch::kChar:
        return VTK_SIGNED_CHAR;
    case torch::kByte:
    case torch::kBool:
        return VTK_UNSIGNED_CHAR;
    case torch::kShort:
        return VTK_SHORT;
    case torch::kInt:
        return VTK_INT;
    case torch::kLong:
        return VTK_TYPE_INT64;
    default:
        return -1;
    }
}


/// A VTK copy of `values` (rows) or (rows, k) named `name`; `what` names it
/// in the error for a dtype VTK has no array of.
vtkSmartPointer<vtkDataArray> vtkArrayOf(
    const torch::Tensor& values,
    const std::string& name,
    const std::string& what
)
{
    const int type = vtkTypeOf(values.scalar_type());
    if (type < 0)
    {
        std::ostringstream os;
        os << what << " has dtype " << values.scalar_type()
           << ", which a .vtp file does not hold (float, double or integer)";
        throw std::runtime_error(os.str());
    }
    auto contiguous = values.scalar_type() == torch::kBool ? values.to(torch::kByte) : values;
    contiguous = contiguous.contiguous();
    vtkSmartPointer<vtkDataArray> array;
    array.TakeReference(vtkDataArray::CreateDataArray(type));
    array->SetName(name.c_str());
    array->SetNumberOfComponents(values.dim() == 1 ? 1 : int(values.size(1)));
    array->SetNumberOfTuples(values.size(0));
    std::memcpy(array->GetVoidPointer(0), contiguous.data_ptr(), contiguous.nbytes());
    return array;
}


/// Cells of `size` points each, their point ids `connectivity` (int64) in
/// order.
vtkSmartPointer<vtkCellArray> cellsOf(const torch::Tensor& connectivity, int64_t size)
{
    const auto ids = connectivity.reshape(-1).contiguous();
    const int64_t count = ids.numel() / size;
    vtkNew<vtkIdTypeArray> offsets;
    offsets->SetNumberOfValues(count + 1);
    for (int64_t i = 0; i <= count; ++i)
    {
        offsets->SetValue(i, size * i);
    }
    vtkNew<vtkIdTypeArray> points;
    points->SetNumberOfValues(ids.numel());
    std::memcpy(points->GetPointer(0), ids.data_ptr(), size_t(ids.nbytes()));
    auto cells = vtkSmartPointer<vtkCellArray>::New();
    cells->SetData(offsets, points);
    return cells;
}


void addArrays(
    const Surface& surface,
    const std::map<std::string, torch::Tensor>& arrays,
    const std::string& kind,
    vtkFieldData* data
)
{
    for (const auto& [name, values] : arrays)
    {
        const std::string what =
            "surface '" + surface.source + "': " + kind + " array '" + name + "'";
        data->AddArray(vtkArrayOf(values, name, what));
    }
}


/// The surface as VTK polydata: points, triangles (or one vertex per point),
/// point and cell arrays.
vtkSmartPointer<vtkPolyData> polyDataOf(const Surface& surface)
{
    auto polyData = vtkSmartPointer<vtkPolyData>::New();
    vtkNew<vtkPoints> points;
    points->SetData(vtkArrayOf(surface.points, "Points", "surface '" + surface.source + "': points")
    );
    polyData->SetPoints(points);
    if (surface.numTriangles() > 0)
    {
        polyData->SetPolys(cellsOf(surface.triangles, 3));
    }
    else
    {
        polyData->SetVerts(cellsOf(torch::arange(surface.numPoints(), torch::kLong), 1));
    }
    addArrays(surface, surface.pointArrays, "point", polyData->GetPointData());
    addArrays(surface, surface.cellArrays, "cell", polyData->GetCellData());
    return polyData;
}


/// Writes `polyData` to `file` (the temporary for `path`); throws naming
/// `path` and quoting VTK's first error.
void writePolyData(vtkPolyData* polyData, const std::string& file, const std::string& path)
{
    vtkNew<vtkXMLPolyDataWriter> writer;
    VtkErrors errors(writer, VtkErrors::OnError::collect);
    writer->SetFileName(file.c_str());
    writer->SetInputData(polyData);
    writer->SetDataModeToBinary();
    writer->SetCompressorTypeToZLib();
    const bool written = writer->Write() == 1;
    const unsigned long code = writer->GetErrorCode();
    if (written && !errors.failed() && code == vtkErrorCode::NoError)
    {
        return;
    }
    // VTK's messages without the pipeline's closing "Algorithm <class>(<address>)
    // returned failure for request: ...".
    std::string why = errors.text();
    why = why.substr(0, why.find("; Algorithm "));
    if (why.empty())
    {
        why = vtkErrorCode::GetStringFromErrorCode(code);
    }
    throw std::runtime_error("cannot write surface file '" + path + "': " + why);
}


/// A name beside `path`, unique per process and per call.
std::string temporaryFor(const std::string& path)
{
    static std::atomic<uint64_t> calls{0};
    return path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(calls++);
}

} // namespace


void writeSurfaceVtp(const std::string& path, const Surface& surface)
{
    checkSurface(surface);
    const auto polyData = polyDataOf(surface);
    const std::string temporary = temporaryFor(path);
    try
    {
        writePolyData(polyData, temporary, path);
        std::error_code error;
        std::filesystem::rename(temporary, path, error);
        if (error)
        {
            throw std::runtime_error(
                "cannot write surface file '" + path + "': renaming '" + temporary
                + "' failed: " + error.message()
            );
        }
    }
    catch (...)
    {
        std::error_code ignored;
        std::filesystem::remove(temporary, ignored);
        throw;
    }
}

} // namespace nop
