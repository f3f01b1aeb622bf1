/*---------------------------------------------------------------------------*\
  =========                 |
  \\      /  F ield         | foamNeuralOperator: neural-operator surrogates
   \\    /   O peration     | for OpenFOAM
    \\  /    A nd           |
     \\/     M anipulation  |
\*---------------------------------------------------------------------------*/

#include "collectiveExit.H"
#include "error.H"
#include "Pstream.H"
#include "PstreamReduceOps.H"

#include <cstdlib>

// * * * * * * * * * * * * * * * Global Functions  * * * * * * * * * * * * * //

void Foam::exitOnAllProcessors()
{
    FatalError.throwExceptions(true);
    try
    {
        FatalError.exit();
    }
    catch (const error& err)
    {
        Perr<< nl << err << nl << "\nFOAM "
            << (Pstream::parRun() ? "parallel run " : "") << "exiting\n"
            << endl;
    }
    if (Pstream::parRun())
    {
        // Every processor has printed its message before any leaves
        label together = 0;
        reduce(together, sumOp<label>());
        Pstream::exit(1);
    }
    std::exit(1);
}


// ************************************************************************* //
