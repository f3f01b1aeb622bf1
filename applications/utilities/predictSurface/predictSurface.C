/*---------------------------------------------------------------------------*\
  =========                 |
  \\      /  F ield         | foamNeuralOperator: neural-operator surrogates
   \\    /   O peration     | for OpenFOAM
    \\  /    A nd           |
     \\/     M anipulation  |
-------------------------------------------------------------------------------
Application
    predictSurface

Group
    grpNeuralOperatorUtilities

Description
    Predicts the surface fields of a body from its geometry alone, with a
    GINO model file trained on surfaces (trainNeuralOperator, data type
    surfaces) or on cases around a body (data type cases with patches, e.g.
    tutorials/ahmedBody): no CFD mesh, no case. Writes the surface with the predicted
    arrays as VTK XML PolyData (.vtp) for ParaView and, given the reference
    speed and area, the force coefficients Cd and Cl integrated from the
    predicted pressure (and wall shear stress, when the model predicts it).

    The surface is sampled as the model's training surfaces were: the same
    unit box, the signed distance on the same latent grid, queries at its
    points or triangle centres (as the model file records). When the
    surface holds the model's fields itself (a held-out AhmedML surface),
    the relative L2 of each predicted field against them is printed, the
    surface's own arrays are written as \<field\>Reference, and the forces
    are integrated from both.

    A model of cases around a body predicts its surfaceFields on the
    surface as on the wall faces of a case: the surface (in the cases'
    units and placement) is turned so that its normals point out of the
    body, cut by -clip where the cases modelled half of it (a symmetry
    plane), and split into triangles no larger than the wall faces the
    model was trained on (-faceSize; by default half the latent grid's
    spacing); the values are written on those triangles. Its volumeFields
    need the case's cells (surrogateFoam).

Usage
    \b predictSurface [OPTION] \<surface\>

    \<surface\>: .vtp, .vtk (legacy POLYDATA), .stl, .ply, or a ShapeNet
    car mesh \<id\>_tri_mesh.ply, in the units of the training surfaces.

    Options:
      - \par -model \<file\>
        GINO model file (required)

      - \par -output \<file\>
        Surface written with the predictions, .vtp
        (default: \<surface name\>_predicted.vtp in the current directory)

      - \par -precision \<word\>
        full, mixed or half (default: full)

      - \par -device \<word\>
        cpu, cuda or cuda:N (default: cpu)

      - \par -threads \<label\>
        Intra-op threads (default 0: all cores)

      - \par -magUInf \<scalar\>
        Reference speed of the force coefficients (as forceCoeffs)

      - \par -Aref \<scalar\>
        Reference area, e.g. the frontal area (as forceCoeffs)

      - \par -rhoInf \<scalar\>
        Reference density (default 1: kinematic pressure p/rho, as
        incompressible OpenFOAM solvers write it)

      - \par -dragDir \<vector\>
        Drag direction (default: (1 0 0))

      - \par -liftDir \<vector\>
        Lift direction (default: (0 0 1))

      - \par -pressure \<word\>
        Predicted field of pressure (default: the model's first field)

      - \par -clip \<((point) (normal))\>
        Keep the part of the surface on the normal's side of the plane,
        e.g. "((0 0 0) (0 1 0))" for a half model on y >= 0 (models of
        cases around a body)

      - \par -faceSize \<scalar\>
        Largest edge of the triangles predicted on; larger ones are split
        (default: kept for a model on surfaces, half the latent grid's
        spacing for a model of cases around a body)

      - \par -shear \<word\>
        Predicted field of wall shear stress as OpenFOAM's wallShearStress
        writes it (the stress on the fluid: its negative acts on the body)
        (default: none, pressure force only)

    Example (a model trained on AhmedML surfaces, pMean):
    \verbatim
    predictSurface -model ahmed.nop -magUInf 1 -Aref 0.112 ahmed_4_downsampled.stl
    predictSurface -model ahmed.nop -magUInf 1 -Aref 0.112 boundary_4_mapped.vtp
    \endverbatim
    and one trained on the half-model cases of tutorials/ahmedBody (the
    body in metres, the symmetry plane y = 0; Aref: half the frontal area):
    \verbatim
    predictSurface -model constant/neuralOperator/ahmedBody.nop
        -clip "((0 0 0) (0 1 0))" -magUInf 20 -Aref 0.0562
        -shear wallShearStress cases/test_17/constant/triSurface/body.stl
    \endverbatim

    Force coefficients need both -magUInf and -Aref. The outward side of
    the surface is told from its enclosed volume, so the surface must be
    closed or nearly so.

See also
    trainNeuralOperator

SourceFiles
    predictSurface.C

\*---------------------------------------------------------------------------*/

#include "nop/runtime/ThreadPolicy.hpp"

#include "nop/jobs/SurfacePrediction.hpp"

#include "argList.H"
#include "OSspecific.H"
#include "vector.H"
#include "List.H"

#include "floatingPointTraps.H"

#include <stdexcept>
#include <string>

using namespace Foam;


//- A vector option as a direction
static std::array<double, 3> directionOption
(
    const argList& args,
    const word& name,
    const std::array<double, 3>& deflt
)
{
    vector v(deflt[0], deflt[1], deflt[2]);
    args.readIfPresent(name, v);
    return {v.x(), v.y(), v.z()};
}


int main(int argc, char *argv[])
{
    // Idle LibTorch threads sleep (before any thread exists)
    nop::passiveOpenMPThreads(argv);

    argList::addNote
    (
        "Predict the surface fields (and Cd, Cl) of a body from its surface"
        " file alone, with a GINO model trained on surfaces."
    );
    argList::noParallel();
    argList::noFunctionObjects();
    argList::addArgument("surface", "The surface file (.vtp .vtk .stl .ply)");
    argList::addOption("model", "file", "GINO model file (required)");
    argList::addOption
    (
        "output",
        "file",
        "Surface written with the predictions, .vtp"
        " (default: <surface name>_predicted.vtp)"
    );
    argList::addOption("precision", "word", "full, mixed or half (default: full)");
    argList::addOption("device", "word", "cpu, cuda or cuda:N (default: cpu)");
    argList::addOption("threads", "label", "Intra-op threads (default 0: all cores)");
    argList::addOption("magUInf", "scalar", "Reference speed of Cd and Cl");
    argList::addOption("Aref", "scalar", "Reference area of Cd and Cl");
    argList::addOption("rhoInf", "scalar", "Reference density (default 1: kinematic p)");
    argList::addOption("dragDir", "vector", "Drag direction (default: (1 0 0))");
    argList::addOption("liftDir", "vector", "Lift direction (default: (0 0 1))");
    argList::addOption("pressure", "word", "Predicted pressure field (default: first)");
    argList::addOption("shear", "word", "Predicted wall shear stress field (default: none)");
    argList::addOption
    (
        "clip",
        "((point) (normal))",
        "Keep the surface on the normal's side of the plane (a half model)"
    );
    argList::addOption
    (
        "faceSize",
        "scalar",
        "Largest edge of the triangles predicted on (default: see Usage)"
    );

    argList args(argc, argv);

    nop::SurfacePredictionJob job;
    job.surfaceFile = fileName(args[1]).expand();
    if (!args.found("model"))
    {
        FatalErrorInFunction
            << "-model: missing; give the GINO model file" << nl << exit(FatalError);
    }
    job.modelFile = args.get<fileName>("model").expand();
    job.outputFile =
        args.getOrDefault<fileName>
        (
            "output",
            fileName(job.surfaceFile).nameLessExt() + "_predicted.vtp"
        );
    if (fileName(job.outputFile).ext() != "vtp")
    {
        FatalErrorInFunction
            << "-output " << job.outputFile.c_str() << ": must end in .vtp"
            << nl << exit(FatalError);
    }
    if (fileName(job.outputFile).toAbsolute() == fileName(job.surfaceFile).toAbsolute())
    {
        FatalErrorInFunction
            << "-output " << job.outputFile.c_str() << " would replace the surface read"
            << nl << exit(FatalError);
    }
    job.precision = args.getOrDefault<word>("precision", "full");
    job.device = args.getOrDefault<word>("device", "cpu");
    job.threads = args.getOrDefault<label>("threads", 0);

    nop::ForceSettings& forces = job.forces;
    forces.velocity = args.getOrDefault<scalar>("magUInf", 0);
    forces.area = args.getOrDefault<scalar>("Aref", 0);
    if ((forces.velocity > 0) != (forces.area > 0) || forces.velocity < 0 || forces.area < 0)
    {
        FatalErrorInFunction
            << "-magUInf and -Aref: force coefficients need both, positive"
            << " (got " << forces.velocity << " and " << forces.area << ")"
            << nl << exit(FatalError);
    }
    forces.density = args.getOrDefault<scalar>("rhoInf", 1);
    forces.dragDirection = directionOption(args, "dragDir", forces.dragDirection);
    forces.liftDirection = directionOption(args, "liftDir", forces.liftDirection);
    forces.pressure = args.getOrDefault<word>("pressure", word::null);
    forces.shear = args.getOrDefault<word>("shear", word::null);

    if (args.found("clip"))
    {
        const List<vector> plane(args.get<List<vector>>("clip"));
        if (plane.size() != 2 || mag(plane[1]) < VSMALL)
        {
            FatalErrorInFunction
                << "-clip: expected ((point) (normal)) with a non-zero normal,"
                << " got " << plane << nl << exit(FatalError);
        }
        job.clip = true;
        job.clipOrigin = {plane[0].x(), plane[0].y(), plane[0].z()};
        job.clipNormal = {plane[1].x(), plane[1].y(), plane[1].z()};
    }
    job.faceSize = args.getOrDefault<scalar>("faceSize", 0);
    if (args.found("faceSize") && !(job.faceSize > 0))
    {
        FatalErrorInFunction
            << "-faceSize " << job.faceSize << ": expected a length > 0"
            << nl << exit(FatalError);
    }

    try
    {
        // torch kernels may raise SIGFPE on legitimate inputs
        const floatingPointTrapsOff noTraps;
        const nop::SurfacePredictionResult result = nop::runSurfacePrediction
        (
            job,
            [](const std::string& line)
            {
                Info<< line.c_str() << endl;
            }
        );
        Info<< nl << "Predicted " << result.queries << " values of each field in "
            << result.seconds << " s" << nl << endl;
    }
    catch (const std::exception& e)
    {
        FatalErrorInFunction
            << "Prediction with " << job.modelFile.c_str() << " on "
            << job.surfaceFile.c_str() << " failed:" << nl
            << "    " << e.what() << nl
            << exit(FatalError);
    }

    Info<< "End\n" << endl;

    return 0;
}


// ************************************************************************* //
