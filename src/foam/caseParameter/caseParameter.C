/*---------------------------------------------------------------------------*\
  =========                 |
  \\      /  F ield         | foamNeuralOperator: neural-operator surrogates
   \\    /   O peration     | for OpenFOAM
    \\  /    A nd           |
     \\/     M anipulation  |
\*---------------------------------------------------------------------------*/

#include "caseParameter.H"
#include "strictKeywords.H"
#include "DynamicList.H"
#include "IFstream.H"
#include "SubStrings.H"
#include "stringOps.H"

#include <cmath>
#include <limits>

// * * * * * * * * * * * * * * * * Constructors  * * * * * * * * * * * * * * //

Foam::caseParameter::caseParameter(const dictionary& dict)
:
    name_(dict.dictName()),
    file_(dict.get<fileName>("file")),
    entry_(),
    component_(-1)
{
    checkKeywords(dict, {"file", "entry", "component"}, "parameters/" + name_);

    // A file of the case: a model file from elsewhere must not read others
    if (file_.empty() || file_.isAbsolute() || file_[0] == '~')
    {
        FatalIOErrorInFunction(dict)
            << "file: '" << file_ << "' must be a path relative to the case"
            << " (e.g. \"0/U\")" << exit(FatalIOError);
    }
    for (const auto& part : stringOps::split(file_, '/'))
    {
        if (part.str() == "..")
        {
            FatalIOErrorInFunction(dict)
                << "file: '" << file_ << "' leaves the case directory"
                << " ('..'); parameters come from the case's own files"
                << exit(FatalIOError);
        }
    }
    // A word (nu) or a string ("boundaryField/inlet/value")
    const token t(dict.lookup("entry"));
    if (t.isWord())
    {
        entry_ = t.wordToken();
    }
    else if (t.isString())
    {
        entry_ = t.stringToken();
    }

    word component;
    if (dict.readIfPresent("component", component))
    {
        if (component.size() != 1 || (component[0] < 'x' || component[0] > 'z'))
        {
            FatalIOErrorInFunction(dict)
                << "component: '" << component << "' is not x, y or z"
                << exit(FatalIOError);
        }
        component_ = component[0] - 'x';
    }
    if (entry_.empty())
    {
        FatalIOErrorInFunction(dict)
            << "entry: empty" << exit(FatalIOError);
    }
}


// * * * * * * * * * * * * * * * Member Functions  * * * * * * * * * * * * * //

Foam::scalar Foam::caseParameter::value(const fileName& caseDir) const
{
    const fileName path(caseDir/file_);
    IFstream is(path);
    if (!is.good())
    {
        FatalErrorInFunction
            << "Parameter " << name_ << ": cannot open " << path
            << exit(FatalError);
    }
    const dictionary contents(is);

    // Walk the '/'-separated sub-dictionaries down to the entry
    const auto keys = stringOps::split(entry_, '/');
    const label nKeys = label(keys.size());
    const dictionary* dictPtr = &contents;
    const entry* ePtr = nullptr;
    for (label i = 0; i < nKeys; ++i)
    {
        const word key(keys[i].str());
        ePtr = dictPtr->findEntry(key, keyType::LITERAL);
        if (!ePtr || (i + 1 < nKeys && !ePtr->isDict()))
        {
            FatalIOErrorInFunction(contents)
                << "Parameter " << name_ << ": no entry '" << entry_
                << "' in " << path << " (missing: '" << key << "')"
                << exit(FatalIOError);
        }
        if (i + 1 < nKeys)
        {
            dictPtr = &ePtr->dict();
        }
    }
    if (ePtr->isDict())
    {
        FatalIOErrorInFunction(contents)
            << "Parameter " << name_ << ": entry '" << entry_.c_str() << "' of "
            << path << " is a dictionary, not a value"
            << exit(FatalIOError);
    }

    // Numbers of the value, skipping words ("uniform", an old-style name)
    // and a dimension set [..]
    DynamicList<scalar> numbers;
    bool vectorValue = false;
    label depth = 0;
    ITstream& tokens = ePtr->stream();
    for (const token& tok : tokens)
    {
        if (tok.isPunctuation())
        {
            const char c = tok.pToken();
            if (c == token::BEGIN_SQR) ++depth;
            else if (c == token::END_SQR) --depth;
            else if (c == token::BEGIN_LIST && depth == 0) vectorValue = true;
        }
        else if (tok.isNumber() && depth == 0)
        {
            numbers.append(tok.number());
        }
    }

    const bool wanted =
        component_ < 0
      ? (!vectorValue && numbers.size() == 1)
      : (vectorValue && numbers.size() == 3);
    if (!wanted)
    {
        FatalIOErrorInFunction(contents)
            << "Parameter " << name_ << ": entry '" << entry_.c_str() << "' of "
            << path << " holds " << numbers.size() << " number(s)"
            << (vectorValue ? " in a list" : "") << "; expected "
            << (component_ < 0
                ? "a scalar (give 'component' for a vector)"
                : "a vector (x y z)")
            << exit(FatalIOError);
    }

    const scalar v = numbers[component_ < 0 ? 0 : component_];
    // The model sees float32: 1e39 is finite here, Inf there
    if (!std::isfinite(v) || std::abs(v) > std::numeric_limits<float>::max())
    {
        FatalIOErrorInFunction(contents)
            << "Parameter " << name_ << ": entry '" << entry_.c_str() << "' of "
            << path << " is " << v << ", not finite or beyond float's range (|v| > "
            << std::numeric_limits<float>::max() << ")" << exit(FatalIOError);
    }
    return v;
}


// * * * * * * * * * * * * * * * Global Functions  * * * * * * * * * * * * * //

Foam::PtrList<Foam::caseParameter> Foam::readCaseParameters
(
    const dictionary& dict,
    const word& keyword
)
{
    PtrList<caseParameter> parameters;
    const dictionary* subPtr = dict.findDict(keyword);
    if (subPtr)
    {
        for (const entry& e : *subPtr)
        {
            if (!e.isDict())
            {
                FatalIOErrorInFunction(*subPtr)
                    << keyword << "/" << e.keyword() << ": expected a sub-dictionary"
                    << " { file ...; entry ...; }" << exit(FatalIOError);
            }
            parameters.append(new caseParameter(e.dict()));
        }
    }
    return parameters;
}


// ************************************************************************* //
