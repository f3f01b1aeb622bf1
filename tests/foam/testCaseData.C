/*---------------------------------------------------------------------------*\
  =========                 |
  \\      /  F ield         | foamNeuralOperator: neural-operator surrogates
   \\    /   O peration     | for OpenFOAM
    \\  /    A nd           |
     \\/     M anipulation  |
-------------------------------------------------------------------------------
Description
    Tests of Foam::caseParameter and Foam::caseDataset on case directories
    made in a temporary directory (blockMesh boxes with hand-written
    fields): every form of parameter entry, errors naming file and entry,
    sampled channels, the cache (hit while the files are unchanged,
    resampled when one changes, resampled with a warning when damaged,
    silently when of another set-up or format), errors for a missing field or time, and
    the floor of positive outputs recorded from the cases and applied by
    surrogateChannels::setField.

\*---------------------------------------------------------------------------*/

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <thread>

#include <sys/stat.h>

#include "nop/io/ArrayArchive.hpp"
#include "nop/io/Checksum.hpp"

#include <nlohmann/json.hpp>

#include "caseDataset.H"
#include "caseParameter.H"
#include "surrogateSetup.H"
#include "surrogateChannels.H"

#include "fvMesh.H"
#include "Time.H"
#include "volFields.H"
#include "IStringStream.H"

namespace
{

using namespace Foam;
namespace fs = std::filesystem;

const std::string foamHeader(const std::string& cls, const std::string& object)
{
    return
        "FoamFile\n{\n    version 2.0;\n    format ascii;\n    class " + cls
      + ";\n    object " + object + ";\n}\n";
}

void writeFile(const fs::path& path, const std::string& text)
{
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
}

//- Inode of a file: a file replaced by a rename has another one
ino_t inodeOf(const fs::path& path)
{
    struct stat st;
    return ::stat(path.c_str(), &st) == 0 ? st.st_ino : 0;
}

dictionary dictOf(const std::string& text)
{
    IStringStream is(text);
    return dictionary(is);
}

//- A 2D box case [0,1]x[0,1] (8x8 cells, empty z) with a scalar field p
//- uniform pStart at 0 and pEnd at time 1, and U uniform (Ux 0 0)
void makeCase(const fs::path& dir, double pEnd, double Ux)
{
    writeFile
    (
        dir/"system"/"controlDict",
        foamHeader("dictionary", "controlDict")
      + "application none;\nstartTime 0;\nendTime 1;\ndeltaT 1;\n"
        "writeControl timeStep;\nwriteInterval 1;\n"
    );
    writeFile
    (
        dir/"system"/"fvSchemes",
        foamHeader("dictionary", "fvSchemes")
      + "ddtSchemes {}\ngradSchemes {}\ndivSchemes {}\n"
        "laplacianSchemes {}\ninterpolationSchemes {}\nsnGradSchemes {}\n"
    );
    writeFile(dir/"system"/"fvSolution", foamHeader("dictionary", "fvSolution"));
    writeFile
    (
        dir/"system"/"blockMeshDict",
        foamHeader("dictionary", "blockMeshDict")
      + "convertToMeters 1;\nvertices ((0 0 0) (1 0 0) (1 1 0) (0 1 0)"
        " (0 0 0.1) (1 0 0.1) (1 1 0.1) (0 1 0.1));\n"
        "blocks (hex (0 1 2 3 4 5 6 7) (8 8 1) simpleGrading (1 1 1));\n"
        "edges ();\nboundary (frontAndBack { type empty;"
        " faces ((0 3 2 1) (4 5 6 7)); });\n"
        "defaultPatch { name walls; type wall; }\n"
    );
    writeFile
    (
        dir/"constant"/"transportProperties",
        foamHeader("dictionary", "transportProperties")
      + "transportModel Newtonian;\nnu [0 2 -1 0 0 0 0] 1.5e-05;\n"
    );
    const auto field = [](const std::string& cls, const std::string& name,
                          const std::string& value)
    {
        return
            foamHeader(cls, name)
          + "dimensions [0 0 0 0 0 0 0];\ninternalField uniform " + value
          + ";\nboundaryField\n{\n    walls { type fixedValue; value uniform "
          + value + "; }\n    frontAndBack { type empty; }\n}\n";
    };
    const std::string U = "(" + std::to_string(Ux) + " 0 0)";
    writeFile(dir/"0"/"U", field("volVectorField", "U", U));
    writeFile(dir/"0"/"p", field("volScalarField", "p", "0"));
    writeFile(dir/"1"/"p", field("volScalarField", "p", std::to_string(pEnd)));
    writeFile(dir/"1"/"U", field("volVectorField", "U", U));

    const std::string cmd =
        "/usr/bin/blockMesh -case '" + dir.string() + "' > '"
      + (dir/"log.blockMesh").string() + "' 2>&1";
    if (std::system(cmd.c_str()) != 0)
    {
        throw std::runtime_error("blockMesh failed in " + dir.string());
    }
}


//- The mesh and the field p of a case made by makeCase, at time 1
struct solvedCase
{
    Time runTime;
    fvMesh mesh;
    volScalarField p;

    solvedCase(const fileName& root, const word& name)
    :
        runTime(root, name, "system", "constant", false, false),
        mesh
        (
            (
                runTime.setTime(instant(1, "1"), 0),
                IOobject(polyMesh::defaultRegion, "1", runTime, IOobject::MUST_READ)
            )
        ),
        p(IOobject("p", "1", mesh, IOobject::MUST_READ), mesh)
    {}
};


class CaseData : public ::testing::Test
{
protected:

    fs::path root_;

    void SetUp() override
    {
        ::setenv("WM_PROJECT_DIR", "/usr/share/openfoam", 0);
        FatalError.throwExceptions();
        FatalIOError.throwExceptions();
        std::string tmpl = (fs::temp_directory_path()/"testCaseData.XXXXXX").string();
        root_ = ::mkdtemp(tmpl.data());
    }

    void TearDown() override
    {
        fs::remove_all(root_);
    }

    fileName root() const
    {
        return fileName(root_.string());
    }

    //- Message of the FatalError or FatalIOError that function raises
    template<class Function>
    std::string errorOf(Function&& function)
    {
        try
        {
            function();
        }
        catch (const error& e)
        {
            return e.message();
        }
        return "(no error)";
    }
};


const std::string dataDict =
    "type cases;\n"
    "trainCases (\"train_*\");\n"
    "testCases (test_0);\n"
    "inputs (mask U);\n"
    "parameters { nu { file \"constant/transportProperties\"; entry nu; } }\n"
    "outputs (p U);\n"
    "latentGrid { resolution (4 6 1); }\n";

} // End anonymous namespace


// * * * * * * * * * * * * * * * * * Tests * * * * * * * * * * * * * * * * //

TEST_F(CaseData, ParametersOfEveryForm)
{
    const fs::path dir = root_/"case";
    writeFile
    (
        dir/"constant"/"transportProperties",
        "nu [0 2 -1 0 0 0 0] 1.5e-05;\nnuPlain 2e-05;\nnuOld nu [0 2 -1 0 0 0 0] 3e-05;\n"
        "sub { deeper { v (1 2 3); } }\n"
    );
    writeFile
    (
        dir/"0"/"U",
        foamHeader("volVectorField", "U")
      + "boundaryField { inlet { type fixedValue; value uniform (10 0.5 0); } }\n"
    );
    const fileName caseDir(dir.string());
    const auto value = [&](const std::string& text)
    {
        return caseParameter(dictOf(text)).value(caseDir);
    };

    EXPECT_DOUBLE_EQ(value("file \"constant/transportProperties\"; entry nu;"), 1.5e-5);
    EXPECT_DOUBLE_EQ(value("file \"constant/transportProperties\"; entry nuPlain;"), 2e-5);
    EXPECT_DOUBLE_EQ(value("file \"constant/transportProperties\"; entry nuOld;"), 3e-5);
    EXPECT_DOUBLE_EQ
    (
        value("file \"constant/transportProperties\"; entry \"sub/deeper/v\"; component z;"),
        3
    );
    EXPECT_DOUBLE_EQ
    (
        value("file \"0/U\"; entry \"boundaryField/inlet/value\"; component x;"), 10
    );
    EXPECT_DOUBLE_EQ
    (
        value("file \"0/U\"; entry \"boundaryField/inlet/value\"; component y;"), 0.5
    );

    // Errors name the parameter, the file and the entry
    std::string message = errorOf([&]
    {
        value("file \"0/U\"; entry \"boundaryField/outlet/value\"; component x;");
    });
    EXPECT_NE(message.find("boundaryField/outlet/value"), std::string::npos) << message;
    EXPECT_NE(message.find("0/U"), std::string::npos) << message;
    EXPECT_NE(message.find("outlet"), std::string::npos) << message;

    message = errorOf([&] { value("file \"0/U\"; entry \"boundaryField/inlet/value\";"); });
    EXPECT_NE(message.find("give 'component'"), std::string::npos) << message;

    message = errorOf([&] { value("file \"constant/absent\"; entry nu;"); });
    EXPECT_NE(message.find("constant/absent"), std::string::npos) << message;

    message = errorOf([&] { value("file \"0/U\"; entry boundaryField;"); });
    EXPECT_NE(message.find("is a dictionary"), std::string::npos) << message;

    message = errorOf([&] { value("file \"0/U\"; entry x; component w;"); });
    EXPECT_NE(message.find("component"), std::string::npos) << message;
}


TEST_F(CaseData, ParametersThroughIncludesAndMacros)
{
    // As in OpenFOAM's motorBike tutorial: the inlet velocity in an
    // included file, the patch values through $macros
    const fs::path dir = root_/"case";
    writeFile
    (
        dir/"0"/"include"/"initialConditions",
        "flowVelocity (20 0 0);\npressure 0;\n"
    );
    writeFile
    (
        dir/"0"/"include"/"fixedInlet",
        "inlet { type fixedValue; value $internalField; }\n"
    );
    writeFile
    (
        dir/"0"/"U",
        foamHeader("volVectorField", "U")
      + "#include \"include/initialConditions\"\n"
        "internalField uniform $flowVelocity;\n"
        "boundaryField { #include \"include/fixedInlet\" }\n"
    );
    const fileName caseDir(dir.string());
    const auto value = [&](const std::string& text)
    {
        return caseParameter(dictOf(text)).value(caseDir);
    };

    EXPECT_DOUBLE_EQ
    (
        value("file \"0/U\"; entry \"boundaryField/inlet/value\"; component x;"), 20
    );
    EXPECT_DOUBLE_EQ(value("file \"0/U\"; entry internalField; component x;"), 20);
    EXPECT_DOUBLE_EQ
    (
        value("file \"0/include/initialConditions\"; entry flowVelocity; component x;"),
        20
    );
}

TEST_F(CaseData, SamplesChannelsAndCachesThem)
{
    makeCase(root_/"train_0", 2, 1);
    makeCase(root_/"train_1", 4, 3);
    makeCase(root_/"test_0", 3, 2);

    const dictionary dict(dictOf(dataDict));
    const fileName cache(root()/"cache");
    caseDataset cases(dict, root(), cache);
    const nop::ArrayDatasets data = cases.sample();

    // 2D: U gives U.x U.y; 4x6 grid points
    EXPECT_EQ(data.inputNames, (std::vector<std::string>{"mask", "U.x", "U.y", "nu"}));
    EXPECT_EQ(data.outputNames, (std::vector<std::string>{"p", "U.x", "U.y"}));
    EXPECT_EQ(data.maskChannel, 0);
    ASSERT_EQ(data.train.samples, 2);
    EXPECT_EQ(data.train.resolution, (std::vector<int64_t>{4, 6}));
    ASSERT_EQ(data.tests.size(), 1u);
    EXPECT_EQ(data.tests[0].samples, 1);

    const int points = 24;
    // Sample 1 (train_1): mask 1, U.x 3, U.y 0, nu 1.5e-5; p 4
    const float* x1 = data.train.inputs.data() + 4*points;
    const float* y1 = data.train.outputs.data() + 3*points;
    for (int i = 0; i < points; ++i)
    {
        EXPECT_EQ(x1[i], 1.f);
        EXPECT_FLOAT_EQ(x1[points + i], 3.f);
        EXPECT_FLOAT_EQ(x1[2*points + i], 0.f);
        EXPECT_FLOAT_EQ(x1[3*points + i], 1.5e-5f);
        EXPECT_FLOAT_EQ(y1[i], 4.f);
    }
    EXPECT_EQ(cases.spec().subDict("outputTypes").get<word>("U"), "volVectorField");

    // p is positive in every case (2, 4, 3): its floor is 1e-3 of the
    // smallest; U is a vector, never floored
    const dictionary& floors = cases.spec().subDict("outputFloors");
    EXPECT_DOUBLE_EQ(floors.get<scalar>("p"), 2e-3);
    EXPECT_FALSE(floors.found("U"));

    // Cached: the same arrays again (and floors), read from the cache
    // files, which are not written again (a resampled case's file is
    // replaced by a rename: another inode); a changed field is resampled
    const fs::path cacheFiles[3] =
    {
        root_/"cache"/"train_0.samples",
        root_/"cache"/"train_1.samples",
        root_/"cache"/"test_0.samples"
    };
    std::vector<ino_t> inodes;
    for (const fs::path& file : cacheFiles)
    {
        ASSERT_TRUE(fs::exists(file)) << file;
        inodes.push_back(inodeOf(file));
    }
    caseDataset again(dict, root(), cache);
    EXPECT_EQ(again.sample().train.outputs, data.train.outputs);
    EXPECT_EQ(again.spec().subDict("outputFloors"), floors);
    for (int i = 0; i < 3; ++i)
    {
        EXPECT_EQ(inodeOf(cacheFiles[i]), inodes[i])
            << cacheFiles[i] << " was written again: the case was resampled, not read";
    }

    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    makeCase(root_/"train_1", 5, 3);
    caseDataset changed(dict, root(), cache);
    EXPECT_FLOAT_EQ(changed.sample().train.outputs[3*points], 5.f);

    // A case with negative p: p has no floor
    makeCase(root_/"test_0", -1, 2);
    caseDataset signedP(dict, root(), cache);
    signedP.sample();
    EXPECT_FALSE(signedP.spec().subDict("outputFloors").found("p"));
}


TEST_F(CaseData, PredictedFieldsAreFlooredByTheTrainingData)
{
    makeCase(root_/"train_0", 2, 1);
    makeCase(root_/"test_0", 3, 2);
    const dictionary dict(dictOf(dataDict));
    caseDataset cases(dict, root(), fileName());
    cases.sample();

    // The field to set holds positive values (3): they must not matter
    solvedCase c(root(), "test_0");
    const fvMesh& mesh = c.mesh;
    volScalarField& p = c.p;

    // Outputs p U.x U.y on the 4x6 grid; p predicted -1 everywhere
    const label points = 24;
    std::vector<float> y(3*points, 0.f);
    std::fill(y.begin(), y.begin() + points, -1.f);

    surrogateChannels floored(mesh, cases.spec());
    floored.setField(y, "p", p);
    EXPECT_DOUBLE_EQ(gMin(p.primitiveField()), 2e-3);
    EXPECT_DOUBLE_EQ(gMax(p.primitiveField()), 2e-3);

    // Without a floor recorded (p not positive in training) the prediction
    // stands, whatever the values the field held before
    dictionary spec(cases.spec());
    spec.set("outputFloors", dictionary());
    p.primitiveFieldRef() = 3;
    surrogateChannels unfloored(mesh, spec);
    unfloored.setField(y, "p", p);
    EXPECT_NEAR(gMax(p.primitiveField()), -1, 1e-6);
    EXPECT_NEAR(gMin(p.primitiveField()), -1, 1e-6);
}


TEST_F(CaseData, LatentGridAloneTakesOutsideValuesOutsideTheBox)
{
    makeCase(root_/"train_0", 2, 1);
    makeCase(root_/"test_0", 3, 2);
    const dictionary dict(dictOf(dataDict));
    caseDataset cases(dict, root(), fileName());
    cases.sample();

    const solvedCase c(root(), "test_0");
    const fvMesh& mesh = c.mesh;
    const volScalarField& p = c.p;

    // A box over x in [0, 0.5] of the unit square: 4 of 8 cell columns
    dictionary spec(cases.spec());
    spec.subDict("latentGrid").set("bounds", boundBox(point(0, 0, 0), point(0.5, 1, 0.1)));
    const surrogateChannels channels(mesh, spec);
    const scalarField alone
    (
        channels.latentGridAlone(p, scalarField(mesh.nCells(), -1.0))
    );

    // The uniform p = 3 is kept exactly in the box; outside it
    // the values given stand
    label outside = 0;
    forAll(alone, celli)
    {
        if (mesh.C()[celli].x() < 0.5)
        {
            EXPECT_NEAR(alone[celli], 3, 1e-12);
        }
        else
        {
            EXPECT_EQ(alone[celli], -1.0);
            ++outside;
        }
    }
    EXPECT_EQ(outside, 32);
    EXPECT_EQ(channels.nCellsOutsideGrid(), 32);
}


TEST_F(CaseData, MissingFieldsTimesAndCasesAreNamed)
{
    makeCase(root_/"train_0", 2, 1);
    makeCase(root_/"test_0", 3, 2);
    const fileName noCache;

    // No case matches
    std::string message = errorOf([&]
    {
        caseDataset(dictOf(dataDict + "trainCases (\"none_*\");"), root(), noCache).sample();
    });
    EXPECT_NE(message.find("none_*"), std::string::npos) << message;

    // An output the case lacks
    message = errorOf([&]
    {
        caseDataset(dictOf(dataDict + "outputs (p T);"), root(), noCache).sample();
    });
    EXPECT_NE(message.find("'T'"), std::string::npos) << message;
    EXPECT_NE(message.find("train_0"), std::string::npos) << message;

    // A case without a solution (only time 0)
    fs::remove_all(root_/"train_0"/"1");
    message = errorOf([&]
    {
        caseDataset(dictOf(dataDict), root(), noCache).sample();
    });
    EXPECT_NE(message.find("no solution"), std::string::npos) << message;
    EXPECT_NE(message.find("train_0"), std::string::npos) << message;

    // ... because it was run decomposed: reconstructPar is named
    fs::create_directories(root_/"train_0"/"processor0"/"1");
    message = errorOf([&]
    {
        caseDataset(dictOf(dataDict), root(), noCache).sample();
    });
    EXPECT_NE(message.find("reconstructPar"), std::string::npos) << message;
    fs::remove_all(root_/"train_0"/"processor0");

    // A time that does not exist
    makeCase(root_/"train_0", 2, 1);
    message = errorOf([&]
    {
        caseDataset(dictOf(dataDict + "time 7;"), root(), noCache).sample();
    });
    EXPECT_NE(message.find("no time 7"), std::string::npos) << message;
}



std::string readBytes(const fs::path& path)
{
    std::ifstream is(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(is), {});
}


void writeBytes(const fs::path& path, const std::string& bytes)
{
    std::ofstream(path, std::ios::binary) << bytes;
}


//- A cache file's archive encoded again with a checksum that fits, by the
//- rule of caseDataset.C: FNV-1a of the archive encoded without its
//- checksum entry
std::string withFittingChecksum(nop::ArrayArchive archive)
{
    nlohmann::json metadata(nlohmann::json::parse(archive.metadata));
    metadata.erase("checksum");
    archive.metadata = metadata.dump();
    const std::string unsummed(nop::encodeArrayArchive(archive));
    metadata["checksum"] = nop::fnv1a(unsummed.data(), unsummed.size());
    archive.metadata = metadata.dump();
    return nop::encodeArrayArchive(archive);
}


//- The training outputs of sampling, and what it wrote to stdout (the
//- cases' Info lines and the warnings)
std::vector<float> sampledOutputs
(
    const dictionary& dict,
    const fileName& root,
    const fileName& cache,
    std::string& log
)
{
    testing::internal::CaptureStdout();
    std::vector<float> outputs(caseDataset(dict, root, cache).sample().train.outputs);
    log = testing::internal::GetCapturedStdout();
    return outputs;
}

#define EXPECT_HAS(text, part) \
    EXPECT_NE((text).find(part), std::string::npos) << (text)
#define EXPECT_LACKS(text, part) \
    EXPECT_EQ((text).find(part), std::string::npos) << (text)


TEST_F(CaseData, CacheIsReadCheckedAndResampledWhenDamaged)
{
    makeCase(root_/"train_0", 2, 1);
    makeCase(root_/"train_1", 4, 3);
    const dictionary dict(dictOf(dataDict + "testCases ();"));
    const fileName cache(root()/"cache");
    const std::vector<float> sampled = caseDataset(dict, root(), cache).sample().train.outputs;
    const fs::path file(root_/"cache"/"train_1.samples");
    ASSERT_TRUE(fs::exists(file));
    const std::string good(readBytes(file));

    // An archive of the key, the meta dictionary and the arrays with their
    // shapes (channels, grid), whose checksum the test's rule reproduces
    const nop::ArrayArchive archive(nop::decodeArrayArchive(good, file));
    const nlohmann::json metadata(nlohmann::json::parse(archive.metadata));
    EXPECT_EQ(metadata.at("sampleCache"), 4);
    EXPECT_HAS(metadata.at("key").get<std::string>(), "inputs at 0, outputs at 1");
    EXPECT_HAS(metadata.at("meta").get<std::string>(), "outputChannels");
    EXPECT_EQ(archive.arrays.at("inputs").shape, (std::vector<int64_t>{4, 4, 6}));
    EXPECT_EQ(archive.arrays.at("outputs").shape, (std::vector<int64_t>{3, 4, 6}));
    EXPECT_EQ(archive.arrays.at("outputs").dtype, "float32");
    ASSERT_EQ(withFittingChecksum(archive), good);

    const std::string sampledAgain("train_1: inputs at 0, outputs at 1 (sampled)");
    const std::string damagedFile("sample cache '" + file.string() + "'");
    std::string log;

    // The last output value, with a checksum that fits: what the cache
    // holds is what training gets (the cache is read, not resampled)
    nop::ArrayArchive edited(archive);
    const float marker = 123.f;
    std::string& outputs = edited.arrays.at("outputs").bytes;
    std::memcpy(&outputs[outputs.size() - sizeof marker], &marker, sizeof marker);
    writeBytes(file, withFittingChecksum(edited));
    EXPECT_EQ(sampledOutputs(dict, root(), cache, log).back(), marker);
    EXPECT_HAS(log, "train_1: inputs at 0, outputs at 1 (cached)");
    EXPECT_LACKS(log, "Warning");

    // One flipped bit anywhere: sampled again with a warning naming the
    // file, the cache rewritten; the log of that sampling
    const auto resampledAfterFlipAt = [&](std::size_t at)
    {
        std::string flipped(good);
        flipped[at] ^= 0x10;
        writeBytes(file, flipped);
        EXPECT_EQ(sampledOutputs(dict, root(), cache, log), sampled) << "bit flipped at " << at;
        EXPECT_HAS(log, "Warning");
        EXPECT_HAS(log, damagedFile);
        EXPECT_HAS(log, sampledAgain);
        EXPECT_EQ(readBytes(file), good) << "bit flipped at " << at;
        return log;
    };
    // The header length, the key, the meta text, the checksum
    for
    (
        const std::size_t at
      : {
            std::size_t(0),
            good.find("\"key\":\"") + 10,
            good.find("outputChannels"),
            good.find("\"checksum\":") + 12
        }
    )
    {
        resampledAfterFlipAt(at);
    }
    // The input and the output data: the checksum tells
    const std::size_t dataStart = good.size() - sizeof(float)*(4 + 3)*24;
    for
    (
        const std::size_t at
      : {dataStart, dataStart + sizeof(float)*4*24 + 5, good.size() - 1}
    )
    {
        EXPECT_HAS(resampledAfterFlipAt(at), damagedFile + ": checksum mismatch (damaged)");
    }

    // A lying header length (beyond the file) and a truncated file
    std::string lying(good);
    const uint64_t huge = uint64_t(1) << 62;
    std::memcpy(&lying[0], &huge, sizeof huge);
    writeBytes(file, lying);
    EXPECT_EQ(sampledOutputs(dict, root(), cache, log), sampled);
    EXPECT_HAS(log, damagedFile + ": header of 4611686018427387904 bytes");
    writeBytes(file, good.substr(0, good.size()/3));
    EXPECT_EQ(sampledOutputs(dict, root(), cache, log), sampled);
    EXPECT_HAS(log, "truncated?");
    EXPECT_HAS(log, sampledAgain);

    // Another set-up (key), a cache of another version and a file of the
    // format before the archive: resampled without a warning
    nop::ArrayArchive other(archive);
    nlohmann::json otherMetadata(metadata);
    otherMetadata["key"] = "another set-up";
    other.metadata = otherMetadata.dump();
    writeBytes(file, withFittingChecksum(other));
    EXPECT_EQ(sampledOutputs(dict, root(), cache, log), sampled);
    EXPECT_HAS(log, sampledAgain);
    EXPECT_LACKS(log, "Warning");
    EXPECT_EQ(readBytes(file), good);

    otherMetadata = metadata;
    otherMetadata["sampleCache"] = 5;
    other.metadata = otherMetadata.dump();
    writeBytes(file, withFittingChecksum(other));
    EXPECT_EQ(sampledOutputs(dict, root(), cache, log), sampled);
    EXPECT_HAS(log, sampledAgain);
    EXPECT_LACKS(log, "Warning");

    writeBytes(file, "NOPCASE3" + good);
    EXPECT_EQ(sampledOutputs(dict, root(), cache, log), sampled);
    EXPECT_HAS(log, sampledAgain);
    EXPECT_LACKS(log, "Warning");
    EXPECT_EQ(readBytes(file), good);

    // A FIFO in the cache file's place: refused without blocking on it,
    // sampled with a warning, replaced by the cache
    fs::remove(file);
    ASSERT_EQ(::mkfifo(file.c_str(), 0600), 0);
    EXPECT_EQ(sampledOutputs(dict, root(), cache, log), sampled);
    EXPECT_HAS(log, damagedFile + ": is a FIFO, not a regular file");
    EXPECT_EQ(readBytes(file), good);

    // A directory in the cache file's place: sampled, a warning, no abort;
    // the cache cannot be written, another warning
    fs::remove(file);
    fs::create_directories(file/"sub");
    EXPECT_EQ(sampledOutputs(dict, root(), cache, log), sampled);
    EXPECT_HAS(log, damagedFile + ": is a directory, not a regular file");
    EXPECT_HAS(log, "Cannot write the sample cache");
    EXPECT_TRUE(fs::is_directory(file));

    // No temporary left beside the cache files
    for (const auto& entry : fs::directory_iterator(root_/"cache"))
    {
        EXPECT_EQ(entry.path().filename().string().find(".tmp."), std::string::npos)
            << entry.path();
    }
}


TEST_F(CaseData, ValuesBeyondFloatRangeAreNamed)
{
    makeCase(root_/"train_0", 2, 1);
    makeCase(root_/"train_1", 1e39, 3);
    const fileName noCache;

    // Finite as a double, Inf as the model's float: named, never a SIGFPE
    std::string message = errorOf([&]
    {
        caseDataset(dictOf(dataDict + "testCases ();"), root(), noCache).sample();
    });
    EXPECT_NE(message.find("beyond float's range"), std::string::npos) << message;
    EXPECT_NE(message.find("field p"), std::string::npos) << message;
    EXPECT_NE(message.find("train_1"), std::string::npos) << message;

    makeCase(root_/"train_1", 4, 3);
    writeFile
    (
        root_/"train_1"/"constant"/"transportProperties",
        foamHeader("dictionary", "transportProperties")
      + "transportModel Newtonian;\nnu [0 2 -1 0 0 0 0] 1e39;\n"
    );
    message = errorOf([&]
    {
        caseDataset(dictOf(dataDict + "testCases ();"), root(), noCache).sample();
    });
    EXPECT_NE(message.find("Parameter nu"), std::string::npos) << message;
    EXPECT_NE(message.find("beyond float's range"), std::string::npos) << message;
}


TEST_F(CaseData, SetupRoundTripsThroughJsonWithRangesAndBox)
{
    makeCase(root_/"train_0", 2, 1);
    makeCase(root_/"train_1", 4, 3);
    const dictionary dict(dictOf(dataDict + "testCases ();"));
    caseDataset cases(dict, root(), fileName());
    cases.sample();
    const dictionary& spec = cases.spec();

    // What the model file stores, read back: the same set-up
    const std::string json(setupToJson(spec));
    const dictionary back(setupFromJson(json, "model.nop", dictionary::null));
    EXPECT_EQ(back.get<wordList>("inputs"), spec.get<wordList>("inputs"));
    EXPECT_EQ(back.get<wordList>("outputs"), spec.get<wordList>("outputs"));
    EXPECT_EQ(back.subDict("outputTypes"), spec.subDict("outputTypes"));
    EXPECT_EQ(back.subDict("outputFloors"), spec.subDict("outputFloors"));
    EXPECT_EQ(back.subDict("latentGrid").get<labelList>("resolution"), labelList({4, 6, 1}));
    const dictionary& nu = back.subDict("parameters").subDict("nu");
    EXPECT_EQ(nu.get<fileName>("file"), fileName("constant/transportProperties"));
    EXPECT_EQ(nu.get<string>("entry"), string("nu"));
    EXPECT_EQ(setupToJson(back), json);

    // The training range of nu (1.5e-5 in both cases) and the union of the
    // cases' boxes (the unit square)
    const scalarList range(spec.subDict("parameterRanges").get<scalarList>("nu"));
    EXPECT_DOUBLE_EQ(range[0], 1.5e-5);
    EXPECT_DOUBLE_EQ(range[1], 1.5e-5);
    const boundBox box(spec.get<boundBox>("trainedBox"));
    EXPECT_NEAR(box.min().x(), 0, 1e-12);
    EXPECT_NEAR(box.max().y(), 1, 1e-12);
}


TEST_F(CaseData, CraftedSetupIsRefusedNeverExpanded)
{
    const std::string good =
        R"({"inputs": ["mask"], "outputs": ["p"],
            "parameters": [{"name": "nu", "file": "constant/transportProperties",
                            "entry": "nu", "component": null}],
            "latentGrid": {"resolution": [4, 6, 1], "bounds": null},
            "outputTypes": {"p": "volScalarField"}})";
    EXPECT_EQ(errorOf([&] { setupFromJson(good, "m.nop", dictionary::null); }), "(no error)");
    std::string vectorOutput(good);
    vectorOutput.replace(vectorOutput.find("volScalarField"), 14, "volVectorField");
    EXPECT_EQ
    (
        errorOf([&] { setupFromJson(vectorOutput, "m.nop", dictionary::null); }),
        "(no error)"
    );

    // Entries hold the checked tokens themselves: ( mask ), never text
    // written out and parsed again (which would run directives)
    const dictionary spec(setupFromJson(good, "m.nop", dictionary::null));
    EXPECT_EQ(spec.lookup("inputs").size(), 3);

    const auto refused = [&](const std::string& from, const std::string& to,
                             const std::string& expected)
    {
        std::string crafted(good);
        const std::size_t at = crafted.find(from);
        ASSERT_NE(at, std::string::npos) << from;
        crafted.replace(at, from.size(), to);
        const std::string message =
            errorOf([&] { setupFromJson(crafted, "m.nop", dictionary::null); });
        EXPECT_NE(message.find("m.nop"), std::string::npos) << crafted << "\n" << message;
        EXPECT_NE(message.find(expected), std::string::npos) << crafted << "\n" << message;
    };

    // Directives and variables are not names; they are never processed
    refused(R"("mask")", R"("#codeStream")", "'inputs'");
    refused(R"(["p"])", R"(["#include"])", "'outputs'");
    refused(R"("p")", R"("$HOME")", "'outputs'");
    refused(R"("entry": "nu")", R"("entry": "#calc \"1+1\"")", "parameters/nu/entry");
    // Parameter files stay inside the case
    refused(R"("constant/transportProperties")", R"("/etc/passwd")", "parameters/nu/file");
    refused(R"("constant/transportProperties")", R"("../../etc/passwd")", "parameters/nu/file");
    refused(R"("constant/transportProperties")", R"("constant/../../x")", "parameters/nu/file");
    // Sizes, types and unknown entries
    refused("[4, 6, 1]", "[65536, 65536, 65536]", "latentGrid/resolution");
    refused("[4, 6, 1]", "[4, 6]", "latentGrid/resolution");
    refused("[4, 6, 1]", "[4, -6, 1]", "latentGrid/resolution");
    refused(R"("bounds": null)", R"("bounds": [[0, 0, 0], ["x", 1, 1]])", "latentGrid/bounds");
    refused(R"("inputs")", R"("codeStream")", "codeStream");
    refused(R"("component": null)", R"("component": "w")", "component");
    refused
    (
        R"("volScalarField")", R"("surfaceScalarField")",
        "'outputTypes/p' is not volScalarField or volVectorField"
    );
    refused(R"("volScalarField")", "1", "'outputTypes/p' is not volScalarField or");
    refused(good, "[1, 2]", "not an object");
    refused(good, "{\"inputs\": [\"mask\"", "not JSON");
}



//- Replace every "type empty;" in a file (any spacing) by "type <type>;"
void unEmpty(const fs::path& file, const std::string& type)
{
    std::ifstream is(file);
    const std::string text(std::istreambuf_iterator<char>(is), {});
    std::ofstream(file)
        << std::regex_replace(text, std::regex("type\\s+empty;"), "type " + type + ";");
}


TEST_F(CaseData, ACaseOfOtherDimensionsIsNamedNotItsResolution)
{
    makeCase(root_/"train_0", 2, 1);
    makeCase(root_/"train_1", 4, 3);
    makeCase(root_/"test_0", 3, 2);
    // test_0 becomes 3D (one cell thick, walls front and back)
    unEmpty(root_/"test_0"/"constant"/"polyMesh"/"boundary", "wall");
    for (const char* field : {"0/U", "0/p", "1/U", "1/p"})
    {
        unEmpty(root_/"test_0"/field, "zeroGradient");
    }
    const std::string message = errorOf([&]
    {
        caseDataset(dictOf(dataDict), root(), fileName()).sample();
    });
    EXPECT_NE(message.find("test_0"), std::string::npos) << message;
    EXPECT_NE(message.find("is 3D, the cases before it are 2D"), std::string::npos)
        << message;
}


// ************************************************************************* //
