/*---------------------------------------------------------------------------*\
  =========                 |
  \\      /  F ield         | foamNeuralOperator: neural-operator surrogates
   \\    /   O peration     | for OpenFOAM
    \\  /    A nd           |
     \\/     M anipulation  |
-------------------------------------------------------------------------------
Description
    The floors of a body model's scalar outputs: learnt from the training
    cases (bodyCaseDataset::outputFloors) and carried by the model file's
    set-up (bodySetupToJson, bodySetupFromJson), which refuses floors that
    are not positive numbers of scalar fields.

\*---------------------------------------------------------------------------*/

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "bodyCaseDataset.H"
#include "bodyChannels.H"

#include "IStringStream.H"

namespace
{

using namespace Foam;

class BodyFloors : public ::testing::Test
{
protected:

    void SetUp() override
    {
        ::setenv("WM_PROJECT_DIR", "/usr/share/openfoam", 0);
        FatalError.throwExceptions();
        FatalIOError.throwExceptions();
    }

    //- Surface fields p, nut (1 component each); volume fields U, k, nut
    static nop::BodyCaseDatasets twoCases()
    {
        nop::BodyCaseDatasets data;
        data.surfaceFields.names = {"p", "nut"};
        data.surfaceFields.components = {1, 1};
        data.volumeFields.names = {"U", "k", "nut"};
        data.volumeFields.components = {3, 1, 1};

        nop::BodyCase a;
        a.surfaceValues = {-3, 0, 2, 1e-5f};            // nut 0 on a wall face
        a.volumeValues = {1, 2, 3, 0.5f, 2e-5f, -1, 0, 0, 0.2f, 4e-5f};
        nop::BodyCase b;
        b.surfaceValues = {1, 0};
        b.volumeValues = {4, 5, 6, 0.1f, 3e-5f};
        data.train = {a, b};

        nop::BodyCase test;                             // not learnt from
        test.volumeValues = {0, 0, 0, -7, -7};
        data.test = {test};
        return data;
    }

    static dictionary setup(const std::string& floors)
    {
        IStringStream is
        (
            "patches (body); surfaceFields (p nut); volumeFields (k U);"
            " fieldTypes { p volScalarField; nut volScalarField;"
            " k volScalarField; U volVectorField; }"
            " outputFloors { " + floors + " }"
        );
        return dictionary(is);
    }
};


TEST_F(BodyFloors, PositiveScalarsOfTheTrainingCasesAreFloored)
{
    const dictionary floors(bodyCaseDataset::outputFloors(twoCases()));

    // k and the cell nut are positive in every training case; p is not, U
    // is a vector; nut is floored by its cell values, not its wall zeros
    EXPECT_EQ(floors.sortedToc(), wordList({"k", "nut"}));
    EXPECT_NEAR(floors.get<scalar>("k"), 1e-3*0.1, 1e-9);
    EXPECT_NEAR(floors.get<scalar>("nut"), 1e-3*2e-5, 1e-12);
}


TEST_F(BodyFloors, TheModelFileSetupCarriesTheFloors)
{
    const std::string json(bodySetupToJson(setup("k 1e-4; nut 2e-8;")));
    EXPECT_EQ(nlohmann::json::parse(json)["outputFloors"]["k"], 1e-4);

    const dictionary dict;
    const dictionary back(bodySetupFromJson(json, "bodies.nop", dict));
    EXPECT_EQ(back.subDict("outputFloors").get<scalar>("k"), 1e-4);
    EXPECT_EQ(back.subDict("outputFloors").get<scalar>("nut"), 2e-8);

    // A model file from before the floors: none
    auto old = nlohmann::json::parse(json);
    old.erase("outputFloors");
    EXPECT_TRUE
    (
        bodySetupFromJson(old.dump(), "bodies.nop", dict)
       .subDict("outputFloors").empty()
    );
}


TEST_F(BodyFloors, BadFloorsInAModelFileAreRefused)
{
    const dictionary dict;
    for (const char* floors : {"{\"k\": -1}", "{\"k\": \"x\"}", "{\"U\": 1}", "{\"q\": 1}", "[1]"})
    {
        auto json = nlohmann::json::parse(bodySetupToJson(setup("")));
        json["outputFloors"] = nlohmann::json::parse(floors);
        try
        {
            bodySetupFromJson(json.dump(), "crafted.nop", dict);
            ADD_FAILURE() << "accepted outputFloors " << floors;
        }
        catch (const Foam::error& e)
        {
            const std::string what(e.message());
            EXPECT_NE(what.find("crafted.nop"), std::string::npos) << what;
            EXPECT_NE(what.find("outputFloors"), std::string::npos) << what;
        }
    }
}

} // End anonymous namespace


// ************************************************************************* //
