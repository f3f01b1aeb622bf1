/*---------------------------------------------------------------------------*\
  =========                 |
  \\      /  F ield         | foamNeuralOperator: neural-operator surrogates
   \\    /   O peration     | for OpenFOAM
    \\  /    A nd           |
     \\/     M anipulation  |
\*---------------------------------------------------------------------------*/

#include "surrogateChannels.H"

// * * * * * * * * * * * * Private Member Functions  * * * * * * * * * * * //

const Foam::latentGridInterpolator&
Foam::surrogateChannels::interpolator() const
{
    if (!interpolatorPtr_.valid())
    {
        interpolatorPtr_.reset
        (
            new latentGridInterpolator(mesh_, grid_, sampler_.mask()())
        );
    }
    return interpolatorPtr_();
}


// * * * * * * * * * * * * * * * Member Functions  * * * * * * * * * * * * * //

Foam::label Foam::surrogateChannels::nCellsOutsideGrid() const
{
    return interpolator().nCellsOutsideBox();
}


const Foam::boolList& Foam::surrogateChannels::cellsInGrid() const
{
    return interpolator().cellsInBox();
}


// ************************************************************************* //
