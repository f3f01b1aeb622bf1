/*---------------------------------------------------------------------------*\
  =========                 |
  \\      /  F ield         | foamNeuralOperator: neural-operator surrogates
   \\    /   O peration     | for OpenFOAM
    \\  /    A nd           |
     \\/     M anipulation  |
\*---------------------------------------------------------------------------*/

#include "optionsReader.H"
#include "strictKeywords.H"

#include "OSspecific.H"
#include "stringOps.H"

// * * * * * * * * * * * * * * * * Constructors  * * * * * * * * * * * * * * //

Foam::optionsReader::optionsReader(const dictionary& dict, const word& scope)
:
    dict_(dict),
    scope_(scope)
{}


// * * * * * * * * * * * * * * * Member Functions  * * * * * * * * * * * * * //

Foam::word Foam::optionsReader::path(const word& key) const
{
    return scope_.empty() ? key : word(scope_ + '/' + key);
}


Foam::Ostream& Foam::optionsReader::error(const word& key) const
{
    const entry* eptr = dict_.findEntry(key, keyType::LITERAL);

    if (eptr && eptr->isStream())
    {
        return
            FatalIOErrorInFunction(eptr->stream())
                << "Entry '" << path(key) << "' ";
    }
    return
        FatalIOErrorInFunction(dict_)
            << "Entry '" << path(key) << "' ";
}


void Foam::optionsReader::fail(const nop::OptionError& e) const
{
    // The core's message starts with the keyword: "epochs must be ..."
    std::string why(e.what());
    if (why.compare(0, e.keyword().size() + 1, e.keyword() + ' ') == 0)
    {
        why.erase(0, e.keyword().size() + 1);
    }
    error(e.keyword()) << why.c_str() << nl << exit(FatalIOError);
}


Foam::fileName Foam::optionsReader::resolve
(
    const word& key,
    fileName file,
    const fileName& caseDir
) const
{
    if (file.empty())
    {
        error(key) << "is an empty file name" << nl << exit(FatalIOError);
    }

    // allowEnv, not allowEmpty: an undefined variable is an error
    stringOps::inplaceExpand(file, dict_, true, false);

    if (!file.isAbsolute())
    {
        file = caseDir/file;
    }
    file.clean();

    return file;
}


Foam::fileName Foam::optionsReader::inputFile
(
    const word& key,
    const fileName& file,
    const fileName& caseDir
) const
{
    const fileName resolved(resolve(key, file, caseDir));

    if (!isFile(resolved, false))
    {
        error(key)
            << "names a file that does not exist: " << resolved << nl
            << exit(FatalIOError);
    }
    return resolved;
}


void Foam::optionsReader::checkUnknown() const
{
    checkKeywords(dict_, known_.sortedToc(), scope_);
}


// ************************************************************************* //
