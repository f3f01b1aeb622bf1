#include "nop/surface/SurfaceReaders.hpp"

#include "nop/io/TensorArchive.hpp"
#include "nop/surface/PlyStructure.hpp"
#include "nop/surface/StlStructure.hpp"
#include "nop/surface/VtkSurface.hpp"

#include <vtkAlgorithm.h>
#include <vtkCellArray.h>
#include <vtkDataArray.h>
#include <vtkErrorCode.h>
#include <vtkPLYReader.h>
#include <vtkPolyData.h>
#include <vtkPolyDataReader.h>
#include <vtkSTLReader.h>
#include <vtkSmartPointer.h>
#include <vtkTriangleFilter.h>
#include <vtkXMLPolyDataReader.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <stdexcept>

namespace nop
{

namespace
{

/// A VTK reader of `bytes`, the contents of the file `path`.
using ReaderMaker =
    vtkSmartPointer<vtkAlgorithm> (*)(const std::string& path, const std::string& bytes);

vtkSmartPointer<vtkAlgorithm> xmlReader(const std::string&, const std::string& bytes)
{
    auto reader = vtkSmartPointer<vtkXMLPolyDataReader>::New();
    reader->ReadFromInputStringOn();
    reader->SetInputString(bytes);
    return reader;
}


vtkSmartPointer<vtkAlgorithm> legacyReader(const std::string&, const std::string& bytes)
{
    auto reader = vtkSmartPointer<vtkPolyDataReader>::New();
    reader->ReadFromInputStringOn();
    reader->SetInputString(bytes.data(), int(bytes.size()));
    return reader;
}


vtkSmartPointer<vtkAlgorithm> stlReader(const std::string& path, const std::string&)
{
    // vtkSTLReader reads files only; the bytes read showed it is a regular
    // file within the size limit.
    auto reader = vtkSmartPointer<vtkSTLReader>::New();
    reader->SetFileName(path.c_str());
    return reader;
}


vtkSmartPointer<vtkAlgorithm> plyReader(const std::string&, const std::string& bytes)
{
    auto reader = vtkSmartPointer<vtkPLYReader>::New();
    reader->ReadFromInputStringOn();
    reader->SetInputString(bytes);
    return reader;
}


struct Format
{
    const char* extension;
    ReaderMaker reader;
    /// Checks the bytes before the reader sees them, or nullptr.
    void (*check)(const std::string& bytes, const std::string& what);
};

const Format formats[] = {
    {".vtp", xmlReader, nullptr},
    {".vtk", legacyReader, nullptr},
    {".stl", stlReader, checkStlStructure},
    {".ply", plyReader, checkPlyStructure}};


/// Throws unless every cell of `read` refers to one of its points (VTK's
/// filters index the points with the ids unchecked).
void checkPointIds(vtkPolyData* read, const std::string& what)
{
    const auto n = double(read->GetNumberOfPoints());
    for (vtkCellArray* cells :
         {read->GetVerts(), read->GetLines(), read->GetPolys(), read->GetStrips()})
    {
        if (cells == nullptr || cells->GetNumberOfConnectivityIds() == 0)
        {
            continue;
        }
        double range[2];
        cells->GetConnectivityArray()->GetRange(range, 0);
        if (range[0] < 0 || range[1] >= n)
        {
            throw std::runtime_error(
                what + ": a cell refers to point "
                + std::to_string(int64_t(range[0] < 0 ? range[0] : range[1])) + ", outside [0, "
                + std::to_string(int64_t(n)) + ")"
            );
        }
    }
}


std::string lowercase(std::string text)
{
    std::transform(
        text.begin(), text.end(), text.begin(),
        [](unsigned char c) { return char(std::tolower(c)); }
    );
    return text;
}


/// Runs `algorithm`, stopped at VTK's first error; throws quoting it and
/// the warnings before it (instead of VTK printing them and leaving an
/// empty output).
void update(vtkAlgorithm* algorithm, const std::string& what)
{
    VtkErrors errors(algorithm, VtkErrors::OnError::abort);
    auto* xml = vtkXMLPolyDataReader::SafeDownCast(algorithm);
    if (xml != nullptr)
    {
        xml->SetReaderErrorObserver(errors.observer());
        xml->SetParserErrorObserver(errors.observer());
    }
    try
    {
        algorithm->Update();
    }
    catch (const VtkErrors::Abort&)
    {
        // The messages are in `errors`.
    }
    if (xml != nullptr)
    {
        // The observer collects into `errors`, which ends here.
        xml->SetReaderErrorObserver(nullptr);
        xml->SetParserErrorObserver(nullptr);
    }
    const unsigned long code = algorithm->GetErrorCode();
    if (!errors.failed() && code == vtkErrorCode::NoError)
    {
        return;
    }
    const std::string message =
        errors.failed() ? errors.text() : vtkErrorCode::GetStringFromErrorCode(code);
    throw std::runtime_error(what + ": " + algorithm->GetClassName() + " failed: " + message);
}

} // namespace


const std::vector<std::string>& surfaceExtensions()
{
    static const std::vector<std::string> extensions = []
    {
        std::vector<std::string> list;
        for (const auto& format : formats)
        {
            list.emplace_back(format.extension);
        }
        return list;
    }();
    return extensions;
}


Surface readSurface(const std::string& path)
{
    const std::string what = "surface file '" + path + "'";
    const std::string extension = lowercase(std::filesystem::path(path).extension().string());
    const auto format = std::find_if(
        std::begin(formats), std::end(formats),
        [&](const Format& f) { return extension == f.extension; }
    );
    if (format == std::end(formats))
    {
        std::string supported;
        for (const auto& known : surfaceExtensions())
        {
            supported += (supported.empty() ? "" : ", ") + known;
        }
        throw std::runtime_error(
            what + ": unknown extension '" + extension + "' (supported: " + supported + ")"
        );
    }

    const std::string bytes = readRegularFile(path, maxSurfaceFileBytes, "surface file");
    if (format->check != nullptr)
    {
        format->check(bytes, what);
    }
    const auto reader = format->reader(path, bytes);
    update(reader, what);

    auto* read = vtkPolyData::SafeDownCast(reader->GetOutputDataObject(0));
    if (read == nullptr || read->GetNumberOfPoints() == 0)
    {
        throw std::runtime_error(what + ": empty surface (no points)");
    }
    checkPointIds(read, what);
    auto triangulate = vtkSmartPointer<vtkTriangleFilter>::New();
    triangulate->PassVertsOff();
    triangulate->PassLinesOff();
    triangulate->SetInputData(read);
    update(triangulate, what);
    return surfaceFromPolyData(triangulate->GetOutput(), path);
}

} // namespace nop
