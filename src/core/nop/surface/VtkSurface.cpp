#include "nop/surface/VtkSurface.hpp"

#include <vtkAlgorithm.h>
#include <vtkCallbackCommand.h>
#include <vtkCellArray.h>
#include <vtkCellData.h>
#include <vtkDataArray.h>
#include <vtkExecutive.h>
#include <vtkIdTypeArray.h>
#include <vtkNew.h>
#include <vtkPointData.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkSmartPointer.h>

#include <cstring>
#include <stdexcept>
#include <utility>

namespace nop
{

static_assert(sizeof(vtkIdType) == sizeof(int64_t), "VTK is built with 64-bit ids");

namespace
{

/// The torch dtype a VTK data type is copied as, and the VTK type it is
/// converted to first (unsigned integers wider than a byte become int64).
struct ArrayType
{
    int vtkType;
    torch::ScalarType dtype;
};

ArrayType arrayTypeOf(int vtkType)
{
    switch (vtkType)
    {
    case VTK_FLOAT:
        return {VTK_FLOAT, torch::kFloat};
    case VTK_DOUBLE:
        return {VTK_DOUBLE, torch::kDouble};
    case VTK_CHAR:
    case VTK_SIGNED_CHAR:
        return {VTK_SIGNED_CHAR, torch::kChar};
    case VTK_BIT:
    case VTK_UNSIGNED_CHAR:
        return {VTK_UNSIGNED_CHAR, torch::kByte};
    case VTK_SHORT:
        return {VTK_SHORT, torch::kShort};
    case VTK_INT:
        return {VTK_INT, torch::kInt};
    default: // the 64-bit and unsigned integer types
        return {VTK_TYPE_INT64, torch::kLong};
    }
}


/// A copy of `array` as a (tuples) or (tuples, components) tensor.
torch::Tensor tensorOf(vtkDataArray* array)
{
    const auto type = arrayTypeOf(array->GetDataType());
    vtkSmartPointer<vtkDataArray> converted;
    converted.TakeReference(vtkDataArray::CreateDataArray(type.vtkType));
    converted->DeepCopy(array);
    const int64_t tuples = converted->GetNumberOfTuples();
    const int64_t components = converted->GetNumberOfComponents();
    auto tensor = components == 1 ? torch::empty({tuples}, type.dtype)
                                  : torch::empty({tuples, components}, type.dtype);
    converted->ExportToVoidPointer(tensor.data_ptr());
    return tensor;
}


/// The numeric arrays of point or cell data by name.
std::map<std::string, torch::Tensor> arraysOf(
    vtkFieldData* data,
    const std::string& kind,
    const std::string& source
)
{
    std::map<std::string, torch::Tensor> arrays;
    for (int i = 0; i < data->GetNumberOfArrays(); ++i)
    {
        vtkDataArray* array = data->GetArray(i); // null for string arrays
        if (array == nullptr)
        {
            continue;
        }
        const std::string name =
            array->GetName() != nullptr ? array->GetName() : "array" + std::to_string(i);
        if (!arrays.emplace(name, tensorOf(array)).second)
        {
            throw std::runtime_error(
                "surface '" + source + "': two " + kind + " arrays named '" + name + "'"
            );
        }
    }
    return arrays;
}


torch::Tensor trianglesOf(vtkPolyData* polyData, const std::string& source)
{
    vtkCellArray* polys = polyData->GetPolys();
    const int64_t count = polys->GetNumberOfCells();
    if (count > 0 && polys->IsHomogeneous() != 3)
    {
        throw std::runtime_error(
            "surface '" + source + "': polygons left that are not triangles after triangulation"
        );
    }
    // (count, 4) rows of "3 a b c".
    vtkNew<vtkIdTypeArray> legacy;
    polys->ExportLegacyFormat(legacy);
    auto cells = torch::empty({count, 4}, torch::kLong);
    std::memcpy(cells.data_ptr(), legacy->GetPointer(0), size_t(count) * 4 * sizeof(int64_t));
    return cells.slice(1, 1).contiguous();
}

} // namespace


Surface surfaceFromPolyData(vtkPolyData* triangulated, const std::string& source)
{
    vtkPoints* points = triangulated->GetPoints();
    if (points == nullptr || points->GetNumberOfPoints() == 0)
    {
        throw std::runtime_error("surface '" + source + "': empty surface (no points)");
    }
    auto coordinates = tensorOf(points->GetData());
    if (!coordinates.is_floating_point())
    {
        coordinates = coordinates.to(torch::kDouble); // VTK allows integer points
    }
    auto triangles = trianglesOf(triangulated, source);
    if (triangles.size(0) == 0)
    {
        throw std::runtime_error(
            "surface '" + source + "': empty surface (no polygons; "
            + std::to_string(points->GetNumberOfPoints()) + " points)"
        );
    }
    auto surface = makeSurface(coordinates, triangles, source);
    surface.pointArrays = arraysOf(triangulated->GetPointData(), "point", source);
    surface.cellArrays = arraysOf(triangulated->GetCellData(), "cell", source);
    checkSurface(surface);
    return surface;
}


void fillPolyData(const Surface& surface, vtkPolyData* polyData)
{
    const auto coordinates = surface.points.to(torch::kDouble).contiguous();
    vtkNew<vtkPoints> points;
    points->SetDataTypeToDouble();
    points->SetNumberOfPoints(surface.numPoints());
    std::memcpy(
        points->GetVoidPointer(0), coordinates.data_ptr(),
        size_t(coordinates.numel()) * sizeof(double)
    );

    const int64_t count = surface.numTriangles();
    vtkNew<vtkIdTypeArray> offsets;
    offsets->SetNumberOfValues(count + 1);
    for (int64_t i = 0; i <= count; ++i)
    {
        offsets->SetValue(i, 3 * i);
    }
    const auto indices = surface.triangles.contiguous();
    vtkNew<vtkIdTypeArray> connectivity;
    connectivity->SetNumberOfValues(3 * count);
    std::memcpy(
        connectivity->GetPointer(0), indices.data_ptr(), size_t(3 * count) * sizeof(int64_t)
    );
    vtkNew<vtkCellArray> polys;
    polys->SetData(offsets, connectivity);

    polyData->SetPoints(points);
    polyData->SetPolys(polys);
}


struct VtkErrors::Observers
{
    vtkSmartPointer<vtkCallbackCommand> command;
    /// What is observed, with the tag of the observer.
    std::vector<std::pair<vtkSmartPointer<vtkObject>, unsigned long>> observed;
};


VtkErrors::VtkErrors(vtkObject* object, OnError onError) :
    observers_(std::make_unique<Observers>()),
    onError_(onError)
{
    observers_->command = vtkSmartPointer<vtkCallbackCommand>::New();
    observers_->command->SetCallback(report);
    observers_->command->SetClientData(this);
    observe(object);
    if (auto* algorithm = vtkAlgorithm::SafeDownCast(object))
    {
        observe(algorithm->GetExecutive());
    }
}


VtkErrors::~VtkErrors()
{
    for (const auto& [object, tag] : observers_->observed)
    {
        object->RemoveObserver(tag);
    }
}


void VtkErrors::observe(vtkObject* object)
{
    for (const auto event : {vtkCommand::ErrorEvent, vtkCommand::WarningEvent})
    {
        observers_->observed.emplace_back(object, object->AddObserver(event, observers_->command));
    }
}


void VtkErrors::report(vtkObject*, unsigned long event, void* self, void* message)
{
    auto& errors = *static_cast<VtkErrors*>(self);
    std::string text = message != nullptr ? static_cast<const char*>(message) : "";
    // "ERROR: In <file>, line <n>\n<class> (<address>): <message>\n<more>"
    const auto colon = text.find("): ");
    if (colon != std::string::npos)
    {
        text.erase(0, colon + 3);
    }
    text = text.substr(0, text.find('\n'));
    while (!text.empty() && text.back() == ' ')
    {
        text.pop_back();
    }
    // The legacy reader names the file, none when it reads from memory.
    const std::string noFile = " for file:";
    if (text.size() >= noFile.size()
        && text.compare(text.size() - noFile.size(), noFile.size(), noFile) == 0)
    {
        text.resize(text.size() - noFile.size());
    }
    errors.messages_.push_back(text);
    if (event == vtkCommand::ErrorEvent)
    {
        errors.failed_ = true;
        if (errors.onError_ == OnError::abort)
        {
            throw Abort{};
        }
    }
}


std::string VtkErrors::text() const
{
    std::string joined;
    for (const auto& message : messages_)
    {
        joined += (joined.empty() ? "" : "; ") + message;
    }
    return joined;
}


vtkCommand* VtkErrors::observer() const
{
    return observers_->command;
}

} // namespace nop
