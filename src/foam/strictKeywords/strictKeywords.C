/*---------------------------------------------------------------------------*\
  =========                 |
  \\      /  F ield         | foamNeuralOperator: neural-operator surrogates
   \\    /   O peration     | for OpenFOAM
    \\  /    A nd           |
     \\/     M anipulation  |
\*---------------------------------------------------------------------------*/

#include "strictKeywords.H"

#include <algorithm>
#include <cctype>
#include <vector>

// * * * * * * * * * * * * * * * Local Functions * * * * * * * * * * * * * //

namespace
{

//- Levenshtein distance, case-insensitive (learningrate = learningRate)
std::size_t editDistance(const std::string& a, const std::string& b)
{
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j)
    {
        row[j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i)
    {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j)
        {
            const std::size_t above = row[j];
            const bool same =
                std::tolower(static_cast<unsigned char>(a[i - 1]))
             == std::tolower(static_cast<unsigned char>(b[j - 1]));
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + !same});
            diagonal = above;
        }
    }
    return row[b.size()];
}

} // namespace


// * * * * * * * * * * * * * * * Global Functions  * * * * * * * * * * * * * //

Foam::word Foam::nearestKeyword(const word& key, const wordList& valid)
{
    word best;
    std::size_t bestDistance = std::string::npos;
    for (const word& candidate : valid)
    {
        const std::size_t d = editDistance(key, candidate);
        if (d < bestDistance)
        {
            best = candidate;
            bestDistance = d;
        }
    }

    // Plausible: a third of the letters wrong at most (at least 2 edits
    // allowed, so that 'cach' finds 'cache' and 'epoch' finds 'epochs')
    const std::size_t allowed = std::max<std::size_t>(2, key.size()/3);
    return bestDistance <= allowed ? best : word::null;
}


void Foam::checkKeywords
(
    const dictionary& dict,
    const wordList& valid,
    const std::string& scope
)
{
    for (const entry& e : dict)
    {
        const word& key = e.keyword();
        if (valid.found(key))
        {
            continue;
        }

        const std::string path(scope.empty() ? std::string(key) : scope + "/" + key);
        const word nearest(nearestKeyword(key, valid));

        // At the entry's line when it has one (a sub-dictionary: its own)
        const dictionary& where = e.isDict() ? e.dict() : dict;
        Ostream& os =
            e.isStream()
          ? FatalIOErrorInFunction(e.stream())
          : FatalIOErrorInFunction(where);
        os  << "Unknown entry '" << path.c_str() << "'";
        if (!nearest.empty())
        {
            os  << "; did you mean '" << nearest << "'?";
        }
        os  << nl << "    Valid entries" << (scope.empty() ? "" : " of ")
            << scope.c_str() << ":";
        for (const word& k : valid)
        {
            os  << ' ' << k;
        }
        os  << nl << exit(FatalIOError);
    }
}


// ************************************************************************* //
