/*---------------------------------------------------------------------------*\
  =========                 |
  \\      /  F ield         | foamNeuralOperator: neural-operator surrogates
   \\    /   O peration     | for OpenFOAM
    \\  /    A nd           |
     \\/     M anipulation  |
\*---------------------------------------------------------------------------*/

// * * * * * * * * * * * * * * * Member Functions  * * * * * * * * * * * * //

template<class Type>
void Foam::bodyChannels::setField
(
    const std::vector<float>& prediction,
    const word& name,
    GeometricField<Type, fvPatchField, volMesh>& field
) const
{
    const std::vector<int64_t> surface(components(surfaceFields_));
    const std::vector<int64_t> volume(components(volumeFields_));
    label sc = 0;
    for (const int64_t c : surface)
    {
        sc += label(c);
    }
    label vc = 0;
    for (const int64_t c : volume)
    {
        vc += label(c);
    }
    const label nComponents = pTraits<Type>::nComponents;

    // A scalar positive in every training case stays positive (sqrt(k) and
    // wall functions in the solver's models)
    const scalar floor =
        nComponents == 1 ? outputFloors_.lookup(name, scalar(-1)) : scalar(-1);
    const auto floored = [floor](const Type& value)
    {
        return floor > 0 ? max(value, floor*pTraits<Type>::one) : value;
    };

    typename GeometricField<Type, fvPatchField, volMesh>::Boundary& bf =
        field.boundaryFieldRef();

    const label v = channelOffset(volumeFields_, name);
    if (v >= 0)
    {
        Field<Type>& cells = field.primitiveFieldRef();
        const labelHashSet predicted(predictedCells_);
        forAll(predictedCells_, k)
        {
            Type value;
            for (direction c = 0; c < nComponents; ++c)
            {
                setComponent(value, c) =
                    prediction[size_t(nFaces_*sc + k*vc + v + c)];
            }
            cells[predictedCells_[k]] = floored(value);
        }

        // As latentGridInterpolator: the patches a prediction sets take the
        // values of their predicted cells, unevaluated (their conditions may
        // need the solver's models or fields: wall functions, inletOutlet's
        // phi); fixed values are kept, coupled patches evaluated
        forAll(bf, patchi)
        {
            fvPatchField<Type>& pf = bf[patchi];
            if (!latentGridInterpolator::setsPatch(pf) || pf.empty())
            {
                continue;
            }
            Field<Type> values(pf);
            const labelUList& faceCells = pf.patch().faceCells();
            forAll(values, i)
            {
                if (predicted.found(faceCells[i]))
                {
                    values[i] = cells[faceCells[i]];
                }
            }
            pf == values;
        }
        latentGridInterpolator::evaluateCoupled(field);
    }

    const label s = channelOffset(surfaceFields_, name);
    if (s >= 0)
    {
        label face = 0;
        for (const label patchi : patchIDs_)
        {
            Field<Type> values(bf[patchi].size());
            forAll(values, i)
            {
                for (direction c = 0; c < nComponents; ++c)
                {
                    setComponent(values[i], c) =
                        prediction[size_t((face + i)*sc + s + c)];
                }
                values[i] = floored(values[i]);
            }
            bf[patchi] == values;
            face += values.size();
        }
    }
}


// ************************************************************************* //
