/*---------------------------------------------------------------------------*\
  =========                 |
  \\      /  F ield         | foamNeuralOperator: neural-operator surrogates
   \\    /   O peration     | for OpenFOAM
    \\  /    A nd           |
     \\/     M anipulation  |
-------------------------------------------------------------------------------
Description
    The Usage tables of trainNeuralOperator are the rows that the core's
    option declarations make (Foam::usageTable): every keyword the readers
    accept is documented, with its type, default and description, and no
    documented keyword is one they do not read. On failure the expected
    rows are printed, to paste into the header.

\*---------------------------------------------------------------------------*/

#include "nop/data/SurfaceDatasetOptions.hpp"
#include "nop/data/TensorFileDatasetOptions.hpp"
#include "nop/models/FNOOptions.hpp"
#include "nop/models/GINOOptions.hpp"
#include "nop/training/TrainerOptions.hpp"

#include "optionsReader.H"
#include "caseDataset.H"
#include "latentGrid.H"
#include "surrogateChannels.H"
#include "surrogateModel.H"
#include "neuralOperator.H"
#include "IStringStream.H"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace
{

using Row = std::vector<std::string>;
using Table = std::map<std::string, Row>;

std::string trim(const std::string& s)
{
    const auto first = s.find_first_not_of(" \t");
    const auto last = s.find_last_not_of(" \t");
    return first == std::string::npos ? std::string() : s.substr(first, last - first + 1);
}


Row cells(const std::string& line)
{
    Row row;
    std::istringstream is(line);
    std::string cell;
    while (std::getline(is, cell, '|'))
    {
        row.push_back(trim(cell));
    }
    return row;
}


//- Rows of "a | b | c" lines, by keyword
Table rowsOf(const std::string& text)
{
    Table table;
    std::istringstream is(text);
    std::string line;
    while (std::getline(is, line))
    {
        const Row row = cells(line);
        if (row.size() > 1 && row[0] != "Property")
        {
            table[row[0]] = row;
        }
    }
    return table;
}


//- Every \table ... \endtable block of a source file
std::vector<Table> tablesOf(const std::string& file)
{
    std::ifstream is(file);
    std::vector<Table> tables;
    std::string line;
    std::string block;
    bool inside = false;
    while (std::getline(is, line))
    {
        const std::string t = trim(line);
        if (t == "\\table")
        {
            inside = true;
            block.clear();
        }
        else if (t == "\\endtable")
        {
            inside = false;
            tables.push_back(rowsOf(block));
        }
        else if (inside)
        {
            block += t + '\n';
        }
    }
    return tables;
}


//- The last of `tables` documenting `keyword`, nullptr for none
const Table* tableWith(const std::vector<Table>& tables, const std::string& keyword)
{
    const Table* found = nullptr;
    for (const Table& t : tables)
    {
        if (t.count(keyword))
        {
            found = &t;
        }
    }
    return found;
}


//- The documented table holding `generated`'s first keyword equals it,
//- apart from the keywords in `others` (entries not of the options struct)
void expectDocumented
(
    const std::vector<Table>& documented,
    const std::string& generatedText,
    const std::vector<std::string>& others
)
{
    const Table generated = rowsOf(generatedText);
    ASSERT_FALSE(generated.empty());
    const std::string first = cells(generatedText.substr(0, generatedText.find('\n')))[0];

    const Table* table = tableWith(documented, first);
    ASSERT_NE(table, nullptr)
        << "no Usage table documents '" << first << "'; expected rows:\n" << generatedText;

    for (const auto& [key, row] : generated)
    {
        const auto found = table->find(key);
        EXPECT_TRUE(found != table->end() && found->second == row)
            << "keyword '" << key << "' is read but documented "
            << (found == table->end() ? "nowhere" : "differently")
            << "; expected rows:\n" << generatedText;
    }
    for (const auto& [key, row] : *table)
    {
        bool other = false;
        for (const std::string& o : others)
        {
            other = other || o == key;
        }
        EXPECT_TRUE(generated.count(key) || other)
            << "keyword '" << key << "' is documented but not read";
    }
}

} // namespace


TEST(UsageTables, TrainNeuralOperatorDocumentsWhatItReads)
{
    const auto tables = tablesOf
    (
        NOP_SOURCE_DIR "/applications/utilities/trainNeuralOperator/trainNeuralOperator.C"
    );

    Foam::HashTable<Foam::string> modesDefault;
    modesDefault.insert("modes", "(16 ..)");
    expectDocumented(tables, Foam::usageTable(nop::FNOOptions(), {}, modesDefault), {});
    expectDocumented(tables, Foam::usageTable(nop::TrainerOptions()), {});
    expectDocumented
    (
        tables,
        Foam::usageTable(nop::TensorFileDatasetOptions(), {"trainFile", "testFiles"}),
        {"type"}
    );
    expectDocumented(tables, Foam::usageTable(nop::GINOOptions()), {});
    expectDocumented
    (
        tables,
        Foam::usageTable(nop::SurfaceDatasetOptions(), {"trainFiles", "testFiles"}),
        {"type"}
    );
}


namespace
{

//- The keywords of the documented table holding `first`
std::vector<std::string> documentedKeywords(const std::string& file, const std::string& first)
{
    const std::vector<Table> tables = tablesOf(file);
    const Table* table = tableWith(tables, first);
    if (!table)
    {
        ADD_FAILURE() << file << " has no Usage table with '" << first << "'";
        return {};
    }
    std::vector<std::string> keys;
    for (const auto& [key, row] : *table)
    {
        keys.push_back(key);
    }
    return keys;
}


std::vector<std::string> sorted(const Foam::wordList& words)
{
    std::vector<std::string> keys(words.begin(), words.end());
    std::sort(keys.begin(), keys.end());
    return keys;
}

} // namespace


// The adapter's own dictionaries: the keywords their readers accept
// (checkKeywords lists) are those their Usage tables document
TEST(UsageTables, AdapterDictionariesDocumentWhatTheyRead)
{
    const std::string src(NOP_SOURCE_DIR "/src/foam/");
    EXPECT_EQ
    (
        documentedKeywords(src + "latentGrid/latentGrid.H", "resolution"),
        sorted(Foam::latentGrid::keywords)
    );
    EXPECT_EQ
    (
        documentedKeywords(src + "surrogateModel/surrogateModel.H", "modelFile"),
        sorted(Foam::surrogateModel::keywords)
    );
    EXPECT_EQ
    (
        documentedKeywords(src + "surrogateChannels/surrogateChannels.H", "outputs"),
        sorted(Foam::surrogateChannels::keywords)
    );
    // trainNeuralOperator's data dictionary of type cases
    Foam::wordList caseData(Foam::caseDataset::keywords);
    caseData.append(Foam::surrogateChannels::keywords);
    EXPECT_EQ
    (
        documentedKeywords
        (
            NOP_SOURCE_DIR "/applications/utilities/trainNeuralOperator/trainNeuralOperator.C",
            "trainCases"
        ),
        sorted(caseData)
    );

    // The function object: what it reads but the entries every function
    // object inherits (documented in OpenFOAM's headers)
    std::vector<std::string> functionObject = documentedKeywords
    (
        src + "functionObjects/neuralOperator/neuralOperator.H", "modelFile"
    );
    for (const Foam::word& inherited : Foam::functionObjects::neuralOperator::inheritedKeywords)
    {
        if (std::find(functionObject.begin(), functionObject.end(), inherited) == functionObject.end())
        {
            functionObject.push_back(inherited);
        }
    }
    std::sort(functionObject.begin(), functionObject.end());
    EXPECT_EQ(functionObject, sorted(Foam::functionObjects::neuralOperator::keywords));

    // surrogateFoam's surrogateDict: the model's dictionary and writeTime
    Foam::wordList surrogateDict(Foam::surrogateModel::keywords);
    surrogateDict.append("writeTime");
    EXPECT_EQ
    (
        documentedKeywords
        (
            NOP_SOURCE_DIR "/applications/solvers/surrogateFoam/surrogateFoam.C", "modelFile"
        ),
        sorted(surrogateDict)
    );
}


// Entries of every type reach the options struct; defaults stay
TEST(OptionsReader, ReadsEveryTypeOfEntry)
{
    Foam::IStringStream is
    (
        "modes (8 4); hiddenChannels 8; liftingRatio 1.5; positionalEmbedding false;"
        " stabiliser none;"
    );
    const Foam::dictionary dict(is);
    Foam::optionsReader reader(dict, "fno");
    nop::FNOOptions fno;
    reader.read(fno);
    reader.checkUnknown();
    EXPECT_EQ(fno.modes(), (std::vector<int64_t>{8, 4}));
    EXPECT_EQ(fno.hiddenChannels(), 8);
    EXPECT_EQ(fno.liftingRatio(), 1.5);
    EXPECT_FALSE(fno.positionalEmbedding());
    EXPECT_EQ(fno.stabiliser(), nop::Stabiliser::none);
    EXPECT_EQ(fno.nLayers(), nop::FNOOptions().nLayers());
    EXPECT_EQ(fno.reducedType(), nop::ReducedType::automatic);

    Foam::IStringStream trainingText("schedule (0 0.5 0.5); device cuda:1; seed 7;");
    const Foam::dictionary trainingDict(trainingText);
    Foam::optionsReader trainingReader(trainingDict, "training");
    nop::TrainerOptions training;
    trainingReader.read(training);
    EXPECT_EQ(training.schedule(), (std::vector<double>{0, 0.5, 0.5}));
    EXPECT_EQ(training.device(), "cuda:1");
    EXPECT_EQ(training.seed(), 7);
    EXPECT_EQ(training.precision(), nop::TrainingPrecision::schedule);
}


// A keyword of a struct with a description, and the rows fit the table's
// five columns: the declaration is complete
TEST(UsageTables, EveryDeclaredOptionHasFiveCells)
{
    for
    (
        const std::string& text
      : {
            Foam::usageTable(nop::FNOOptions()),
            Foam::usageTable(nop::TrainerOptions()),
            Foam::usageTable(nop::TensorFileDatasetOptions())
        }
    )
    {
        for (const auto& [key, row] : rowsOf(text))
        {
            EXPECT_EQ(row.size(), 5u) << key;
            for (const std::string& cell : row)
            {
                EXPECT_FALSE(cell.empty()) << key;
            }
        }
    }
}


// ************************************************************************* //
