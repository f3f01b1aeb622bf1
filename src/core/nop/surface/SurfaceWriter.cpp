#include "nop/surface/SurfaceWriter.hpp"

#include "nop/surface/VtkSurface.hpp"

#include <vtkCellArray.h>
#include <vtkCellData.h>
#include <vtkDataArray.h>
#include <vtkErrorCode.h>
#include <vtkIdTypeArray.h>
#include <vtkImageData.h>
#include <vtkNew.h>
#include <vtkPointData.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkSmartPointer.h>
#include <vtkXMLImageDataWriter.h>
#include <vtkXMLPolyDataWriter.h>
#include <vtkXMLWriter.h>

#include <algorithm>
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


/// Writes `data` with `writer` (an XML writer) to `file` (the temporary for
/// `path`); throws naming `path` (`what`: "surface file", "latent grid
/// file") and quoting VTK's first error.
void writeXml(
    vtkXMLWriter* writer,
    vtkDataObject* data,
    const std::string& file,
    const std::string& path,
    const std::string& what
)
{
    VtkErrors errors(writer, VtkErrors::OnError::collect);
    writer->SetFileName(file.c_str());
    writer->SetInputDataObject(data);
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
    throw std::runtime_error("cannot write " + what + " '" + path + "': " + why);
}


/// A name beside `path`, unique per process and per call.
std::string temporaryFor(const std::string& path)
{
    static std::atomic<uint64_t> calls{0};
    return path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(calls++);
}

/// Writes `data` to a temporary beside `path` and renames it over `path`;
/// the temporary is removed on any failure.
void writeAtomically(
    vtkXMLWriter* writer,
    vtkDataObject* data,
    const std::string& path,
    const std::string& what
)
{
    const std::string temporary = temporaryFor(path);
    try
    {
        writeXml(writer, data, temporary, path, what);
        std::error_code error;
        std::filesystem::rename(temporary, path, error);
        if (error)
        {
            throw std::runtime_error(
                "cannot write " + what + " '" + path + "': renaming '" + temporary
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

} // namespace


void writeSurfaceVtp(const std::string& path, const Surface& surface)
{
    checkSurface(surface);
    const auto polyData = polyDataOf(surface);
    vtkNew<vtkXMLPolyDataWriter> writer;
    writeAtomically(writer, polyData, path, "surface file");
}


void writeLatentGridVti(
    const std::string& path,
    const UnitBox& unitBox,
    const std::vector<int64_t>& resolution,
    const std::map<std::string, torch::Tensor>& arrays
)
{
    const auto dims = int64_t(resolution.size());
    if (dims < 1 || dims > 3)
    {
        throw std::invalid_argument("a latent grid has 1 to 3 axes");
    }
    int extent[6] = {0, 0, 0, 0, 0, 0};
    double spacing[3] = {1, 1, 1};
    int64_t points = 1;
    for (int64_t d = 0; d < dims; ++d)
    {
        if (resolution[d] < 2)
        {
            throw std::invalid_argument("a latent grid has at least 2 points per axis");
        }
        extent[2 * d + 1] = int(resolution[d] - 1);
        spacing[d] = 1 / (unitBox.scale * double(resolution[d] - 1));
        points *= resolution[d];
    }
    auto image = vtkSmartPointer<vtkImageData>::New();
    image->SetExtent(extent);
    image->SetOrigin(unitBox.lower.data());
    image->SetSpacing(spacing);
    for (const auto& [name, values] : arrays)
    {
        const bool shaped =
            (values.dim() == dims || values.dim() == dims + 1)
            && std::equal(resolution.begin(), resolution.end(), values.sizes().begin());
        if (!shaped)
        {
            throw std::invalid_argument(
                "latent grid file '" + path + "': array '" + name + "' has not the grid's shape"
            );
        }
        // VTK's first axis is the fastest: the axes reversed, components kept
        std::vector<int64_t> order;
        for (int64_t d = dims - 1; d >= 0; --d)
        {
            order.push_back(d);
        }
        if (values.dim() == dims + 1)
        {
            order.push_back(dims);
        }
        const auto reordered = values.permute(order).contiguous();
        const auto rows = values.dim() == dims ? reordered.reshape({points})
                                               : reordered.reshape({points, values.size(dims)});
        image->GetPointData()->AddArray(
            vtkArrayOf(rows, name, "latent grid file '" + path + "': array '" + name + "'")
        );
    }
    vtkNew<vtkXMLImageDataWriter> writer;
    writeAtomically(writer, image, path, "latent grid file");
}

} // namespace nop
