/*---------------------------------------------------------------------------*\
  =========                 |
  \\      /  F ield         | foamNeuralOperator: neural-operator surrogates
   \\    /   O peration     | for OpenFOAM
    \\  /    A nd           |
     \\/     M anipulation  |
\*---------------------------------------------------------------------------*/

#include <nlohmann/json.hpp>

#include "surrogateSetup.H"
#include "boundBox.H"
#include "primitiveEntry.H"
#include "nop/runtime/Limits.hpp"
#include "token.H"
#include "volFieldClasses.H"

#include <cctype>
#include <cmath>
#include <cstring>

// * * * * * * * * * * * * * * * Local Functions * * * * * * * * * * * * * //

namespace
{

using namespace Foam;
using json = nlohmann::ordered_json;

//- An entry holding exactly these tokens. (primitiveEntry's template
//- constructor would write a List<token> as text and parse it again, with
//- its directives: the tokens must be moved in.)
entry* tokensEntry(const word& key, List<token>&& tokens)
{
    return new primitiveEntry(keyType(key), std::move(tokens));
}


//- Letters, digits and the characters in extra; no '#', '$', space, quote
bool plain(const std::string& s, const char* extra)
{
    if (s.empty() || s.size() > 255)
    {
        return false;
    }
    for (const char c : s)
    {
        if (!std::isalnum(static_cast<unsigned char>(c)) && !std::strchr(extra, c))
        {
            return false;
        }
    }
    return true;
}


//- A field, channel or parameter name: an identifier (alpha.water too)
bool isName(const std::string& s)
{
    return
        plain(s, "_.:")
     && (std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_');
}


//- '/'-separated parts, each valid; no empty part
bool partsValid(const std::string& s, bool (*valid)(const std::string&))
{
    std::size_t start = 0;
    while (true)
    {
        const std::size_t end = s.find('/', start);
        if (!valid(s.substr(start, end - start)))
        {
            return false;
        }
        if (end == std::string::npos)
        {
            return true;
        }
        start = end + 1;
    }
}


//- A path inside the case: relative, no '.' or '..' part
bool isCaseFile(const std::string& s)
{
    return partsValid
    (
        s,
        [](const std::string& part)
        {
            return plain(part, "_.+-") && part != "." && part != "..";
        }
    );
}


//- An entry path in a case file: boundaryField/inlet/value
bool isEntryPath(const std::string& s)
{
    return partsValid
    (
        s,
        [](const std::string& part) { return plain(part, "_.:+-"); }
    );
}


json wordsJson(const wordList& words)
{
    json array = json::array();
    for (const word& w : words)
    {
        array.push_back(std::string(w));
    }
    return array;
}


json pointJson(const point& p)
{
    return json::array({p.x(), p.y(), p.z()});
}


json boxJson(const boundBox& box)
{
    return json::array({pointJson(box.min()), pointJson(box.max())});
}


json scalarsJson(const dictionary& dict)
{
    json object = json::object();
    for (const entry& e : dict)
    {
        object[std::string(e.keyword())] = dict.get<scalar>(e.keyword());
    }
    return object;
}


//- Builds the dictionary from the JSON, checking every value
class setupReader
{
    const fileName& modelFile_;
    const dictionary& dict_;

public:

    setupReader(const fileName& modelFile, const dictionary& dict)
    :
        modelFile_(modelFile),
        dict_(dict)
    {}

    void fail(const std::string& where, const std::string& why) const
    {
        FatalIOErrorInFunction(dict_)
            << "modelFile: " << modelFile_ << ": the stored set-up's '"
            << where.c_str() << "' " << why.c_str()
            << " (a damaged or crafted model file; retrain it)"
            << exit(FatalIOError);
    }

    const json& member
    (
        const json& object,
        const std::string& key,
        const std::string& where
    ) const
    {
        const auto it = object.find(key);
        if (it == object.end())
        {
            fail(where + "/" + key, "is missing");
        }
        return *it;
    }

    //- Only the given keys
    void keys
    (
        const json& object,
        std::initializer_list<const char*> valid,
        const std::string& where
    ) const
    {
        if (!object.is_object())
        {
            fail(where, "is not an object");
        }
        for (const auto& item : object.items())
        {
            bool known = false;
            for (const char* k : valid)
            {
                known = known || item.key() == k;
            }
            if (!known)
            {
                fail(where + "/" + item.key(), "is not a set-up entry");
            }
        }
    }

    std::string text
    (
        const json& value,
        bool (*valid)(const std::string&),
        const std::string& where
    ) const
    {
        if (!value.is_string() || !valid(value.get<std::string>()))
        {
            fail(where, "is not a valid name or path: " + value.dump());
        }
        return value.get<std::string>();
    }

    scalar number(const json& value, const std::string& where) const
    {
        if (!value.is_number() || !std::isfinite(value.get<double>()))
        {
            fail(where, "is not a finite number: " + value.dump());
        }
        return value.get<double>();
    }

    //- ( word word ... ) as tokens: never parsed as dictionary text
    List<token> wordTokens(const json& value, const std::string& where) const
    {
        if (!value.is_array())
        {
            fail(where, "is not a list of names");
        }
        List<token> tokens;
        tokens.append(token(token::BEGIN_LIST));
        for (const json& item : value)
        {
            tokens.append(token(word(text(item, isName, where), false)));
        }
        tokens.append(token(token::END_LIST));
        return tokens;
    }

    List<token> pointTokens(const json& value, const std::string& where) const
    {
        if (!value.is_array() || value.size() != 3)
        {
            fail(where, "is not a point (x y z)");
        }
        List<token> tokens;
        tokens.append(token(token::BEGIN_LIST));
        for (const json& item : value)
        {
            tokens.append(token(number(item, where)));
        }
        tokens.append(token(token::END_LIST));
        return tokens;
    }

    List<token> boxTokens(const json& value, const std::string& where) const
    {
        if (!value.is_array() || value.size() != 2)
        {
            fail(where, "is not a box [min, max]");
        }
        List<token> tokens(pointTokens(value[0], where));
        tokens.append(pointTokens(value[1], where));
        return tokens;
    }

    //- { name value; ... } of finite numbers, names checked
    dictionary scalars(const json& value, const std::string& where) const
    {
        if (!value.is_object())
        {
            fail(where, "is not an object");
        }
        dictionary result;
        for (const auto& item : value.items())
        {
            const std::string path(where + "/" + item.key());
            if (!isName(item.key()))
            {
                fail(path, "is not a valid name");
            }
            result.add
            (
                new primitiveEntry
                (
                    word(item.key(), false),
                    token(number(item.value(), path))
                )
            );
        }
        return result;
    }

    dictionary parameters(const json& value) const
    {
        if (!value.is_array())
        {
            fail("parameters", "is not a list");
        }
        dictionary result;
        for (const json& p : value)
        {
            keys(p, {"name", "file", "entry", "component"}, "parameters");
            const word name(text(member(p, "name", "parameters"), isName, "parameters"), false);
            const std::string where("parameters/" + name);
            if (result.found(name))
            {
                fail(where, "is given twice");
            }
            dictionary parameter;
            parameter.add
            (
                new primitiveEntry
                (
                    "file",
                    token(string(text(member(p, "file", where), isCaseFile, where + "/file")))
                )
            );
            parameter.add
            (
                new primitiveEntry
                (
                    "entry",
                    token(string(text(member(p, "entry", where), isEntryPath, where + "/entry")))
                )
            );
            const auto component = p.find("component");
            if (component != p.end() && !component->is_null())
            {
                if
                (
                    !component->is_string()
                 || (*component != "x" && *component != "y" && *component != "z")
                )
                {
                    fail(where + "/component", "is not x, y or z");
                }
                parameter.add
                (
                    new primitiveEntry
                    (
                        "component",
                        token(word(component->get<std::string>(), false))
                    )
                );
            }
            result.add(name, parameter);
        }
        return result;
    }

    dictionary grid(const json& value) const
    {
        keys(value, {"resolution", "bounds"}, "latentGrid");
        const json& resolution = member(value, "resolution", "latentGrid");
        if (!resolution.is_array() || resolution.size() != 3)
        {
            fail("latentGrid/resolution", "is not (nx ny nz)");
        }
        List<token> tokens;
        tokens.append(token(token::BEGIN_LIST));
        int64_t points = 1;
        for (const json& n : resolution)
        {
            if
            (
                !n.is_number_integer() || n.get<int64_t>() < 1
             || n.get<int64_t>() > nop::limits::maxGridResolution
            )
            {
                fail
                (
                    "latentGrid/resolution",
                    "is not a count of points in [1, "
                  + std::to_string(nop::limits::maxGridResolution) + "]: "
                  + resolution.dump()
                );
            }
            tokens.append(token(label(n.get<int64_t>())));
            points *= n.get<int64_t>();
            if (points > nop::limits::maxGridPoints)
            {
                fail
                (
                    "latentGrid/resolution",
                    "has more than " + std::to_string(nop::limits::maxGridPoints)
                  + " points: " + resolution.dump()
                );
            }
        }
        tokens.append(token(token::END_LIST));

        dictionary result;
        result.add(tokensEntry("resolution", std::move(tokens)));
        const auto bounds = value.find("bounds");
        if (bounds != value.end() && !bounds->is_null())
        {
            result.add
            (
                tokensEntry("bounds", boxTokens(*bounds, "latentGrid/bounds"))
            );
        }
        return result;
    }

    dictionary outputTypes(const json& value) const
    {
        if (!value.is_object())
        {
            fail("outputTypes", "is not an object");
        }
        dictionary result;
        for (const auto& item : value.items())
        {
            const std::string where("outputTypes/" + item.key());
            if (!isName(item.key()))
            {
                fail(where, "is not a valid name");
            }
            if
            (
                !item.value().is_string()
             || !volFieldClasses().found
                (
                    word(item.value().get<std::string>(), false)
                )
            )
            {
                fail(where, "is not " + volFieldClassesText());
            }
            result.add
            (
                new primitiveEntry
                (
                    word(item.key(), false),
                    token(word(item.value().get<std::string>(), false))
                )
            );
        }
        return result;
    }

    dictionary ranges(const json& value) const
    {
        if (!value.is_object())
        {
            fail("parameterRanges", "is not an object");
        }
        dictionary result;
        for (const auto& item : value.items())
        {
            const std::string where("parameterRanges/" + item.key());
            if (!isName(item.key()) || !item.value().is_array() || item.value().size() != 2)
            {
                fail(where, "is not a name with [min, max]");
            }
            List<token> tokens;
            tokens.append(token(token::BEGIN_LIST));
            tokens.append(token(number(item.value()[0], where)));
            tokens.append(token(number(item.value()[1], where)));
            tokens.append(token(token::END_LIST));
            result.add(tokensEntry(word(item.key(), false), std::move(tokens)));
        }
        return result;
    }
};

} // namespace


// * * * * * * * * * * * * * * * Global Functions  * * * * * * * * * * * * * //

std::string Foam::setupToJson(const dictionary& spec)
{
    json setup = json::object();
    for (const entry& e : spec)
    {
        const word& key = e.keyword();
        if (key == "inputs" || key == "outputs")
        {
            setup[key] = wordsJson(spec.get<wordList>(key));
        }
        else if (key == "parameters")
        {
            json parameters = json::array();
            for (const entry& p : e.dict())
            {
                const dictionary& pd = p.dict();
                const token entryToken(pd.lookup("entry"));
                json component = nullptr;
                word c;
                if (pd.readIfPresent("component", c))
                {
                    component = std::string(c);
                }
                parameters.push_back
                ({
                    {"name", std::string(p.keyword())},
                    {"file", std::string(pd.get<fileName>("file"))},
                    {
                        "entry",
                        entryToken.isWord()
                      ? std::string(entryToken.wordToken())
                      : std::string(entryToken.stringToken())
                    },
                    {"component", component}
                });
            }
            setup[key] = parameters;
        }
        else if (key == "outputTypes")
        {
            json types = json::object();
            for (const entry& t : e.dict())
            {
                types[std::string(t.keyword())] =
                    std::string(e.dict().get<word>(t.keyword()));
            }
            setup[key] = types;
        }
        else if (key == "outputFloors")
        {
            setup[key] = scalarsJson(e.dict());
        }
        else if (key == "parameterRanges")
        {
            json ranges = json::object();
            for (const entry& r : e.dict())
            {
                const scalarList range(e.dict().get<scalarList>(r.keyword()));
                ranges[std::string(r.keyword())] = {range[0], range[1]};
            }
            setup[key] = ranges;
        }
        else if (key == "latentGrid")
        {
            const dictionary& gd = e.dict();
            const labelList resolution(gd.get<labelList>("resolution"));
            json grid =
            {
                {"resolution", {resolution[0], resolution[1], resolution[2]}},
                {"bounds", nullptr}
            };
            boundBox bounds;
            if (gd.readIfPresent("bounds", bounds))
            {
                grid["bounds"] = boxJson(bounds);
            }
            setup[key] = grid;
        }
        else if (key == "trainedBox")
        {
            setup[key] = boxJson(spec.get<boundBox>(key));
        }
        else
        {
            FatalErrorInFunction
                << "set-up entry '" << key << "' has no JSON form"
                << abort(FatalError);
        }
    }
    return setup.dump(2);
}


Foam::dictionary Foam::setupFromJson
(
    const std::string& text,
    const fileName& modelFile,
    const dictionary& dict
)
{
    const setupReader reader(modelFile, dict);

    if (text.empty())
    {
        FatalIOErrorInFunction(dict)
            << "modelFile: " << modelFile << " was not trained on OpenFOAM"
            << " cases (no latent grid or fields recorded); train it with"
            << " data { type cases; ... }" << exit(FatalIOError);
    }

    json setup;
    try
    {
        setup = json::parse(text);
    }
    catch (const json::exception& e)
    {
        reader.fail("", std::string("is not JSON: ") + e.what());
    }
    reader.keys
    (
        setup,
        {
            "inputs", "parameters", "outputs", "outputTypes", "outputFloors",
            "latentGrid", "parameterRanges", "trainedBox"
        },
        "set-up"
    );

    dictionary spec;
    for (const auto& item : setup.items())
    {
        const std::string& key = item.key();
        const json& value = item.value();
        if (key == "inputs" || key == "outputs")
        {
            spec.add(tokensEntry(word(key, false), reader.wordTokens(value, key)));
        }
        else if (key == "parameters")
        {
            spec.add(word(key, false), reader.parameters(value));
        }
        else if (key == "outputTypes")
        {
            spec.add(word(key, false), reader.outputTypes(value));
        }
        else if (key == "outputFloors")
        {
            spec.add(word(key, false), reader.scalars(value, key));
        }
        else if (key == "latentGrid")
        {
            spec.add(word(key, false), reader.grid(value));
        }
        else if (key == "parameterRanges")
        {
            spec.add(word(key, false), reader.ranges(value));
        }
        else if (key == "trainedBox")
        {
            spec.add(tokensEntry(word(key, false), reader.boxTokens(value, key)));
        }
    }
    reader.member(setup, "outputs", "set-up");
    reader.member(setup, "latentGrid", "set-up");
    return spec;
}


// ************************************************************************* //
