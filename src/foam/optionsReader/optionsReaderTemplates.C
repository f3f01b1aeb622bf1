/*---------------------------------------------------------------------------*\
  =========                 |
  \\      /  F ield         | foamNeuralOperator: neural-operator surrogates
   \\    /   O peration     | for OpenFOAM
    \\  /    A nd           |
     \\/     M anipulation  |
\*---------------------------------------------------------------------------*/

#include "fileNameList.H"
#include "labelList.H"
#include "scalarList.H"

#include <stdexcept>
#include <type_traits>
#include <vector>

// * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * //

namespace Foam
{
namespace optionsReaderDetail
{

//- How an option of C++ type T is read and written in a dictionary
template<class T, class Enable = void>
struct entryType;

template<>
struct entryType<int64_t>
{
    using type = int64_t;
    static const char* name(bool) { return "label"; }
};

template<>
struct entryType<double>
{
    using type = scalar;
    static const char* name(bool) { return "scalar"; }
};

template<>
struct entryType<bool>
{
    using type = bool;
    static const char* name(bool) { return "bool"; }
};

template<>
struct entryType<std::string>
{
    using type = fileName;
    static const char* name(bool isPath) { return isPath ? "fileName" : "word"; }
};

template<class Enum>
struct entryType<Enum, std::enable_if_t<nop::hasWords<Enum>::value>>
{
    using type = word;
    static const char* name(bool) { return "word"; }
};

template<>
struct entryType<std::vector<double>>
{
    using type = scalarList;
    static const char* name(bool) { return "scalarList"; }
};

template<>
struct entryType<std::vector<int64_t>>
{
    using type = labelList;
    static const char* name(bool) { return "labelList"; }
};

template<>
struct entryType<std::vector<std::string>>
{
    using type = fileNameList;
    static const char* name(bool isPath) { return isPath ? "fileNameList" : "wordList"; }
};


//- The dictionary form of a value
template<class T>
typename entryType<T>::type toEntry(const T& value)
{
    if constexpr (nop::hasWords<T>::value)
    {
        return word(nop::toString(value));
    }
    else if constexpr (std::is_same_v<T, std::string>)
    {
        return fileName(value);
    }
    else if constexpr (std::is_arithmetic_v<T>)
    {
        return value;
    }
    else
    {
        typename entryType<T>::type list(label(value.size()));
        forAll(list, i)
        {
            list[i] = value[i];
        }
        return list;
    }
}


//- A value from its dictionary form; enums through the core's word table
template<class T>
T fromEntry
(
    const optionsReader& reader,
    const word& key,
    const typename entryType<T>::type& value
)
{
    if constexpr (nop::hasWords<T>::value)
    {
        try
        {
            return nop::fromString<T>(value);
        }
        catch (const std::invalid_argument& e)
        {
            reader.error(key) << e.what() << nl << exit(FatalIOError);
        }
        return T{};
    }
    else if constexpr (std::is_arithmetic_v<T> || std::is_same_v<T, std::string>)
    {
        return value;
    }
    else
    {
        return T(value.begin(), value.end());
    }
}


//- A value as a Usage table shows it: as the core's messages do
//- (nop::describe), with strings unquoted as in a dictionary
template<class T>
std::string describe(const T& value)
{
    if constexpr (std::is_same_v<T, std::string>)
    {
        return value;
    }
    else
    {
        return nop::describe(value);
    }
}

} // End namespace optionsReaderDetail
} // End namespace Foam


// * * * * * * * * * * * * * * * Member Functions  * * * * * * * * * * * * * //

template<class T>
T Foam::optionsReader::get(const word& key)
{
    known_.insert(key);
    return dict_.get<T>(key, keyType::LITERAL);
}


template<class T>
T Foam::optionsReader::getOrDefault(const word& key, const T& deflt)
{
    known_.insert(key);
    return dict_.getOrDefault<T>(key, deflt, keyType::LITERAL);
}


template<class Options>
void Foam::optionsReader::read(Options& options)
{
    options.visitEntries
    (
        [&](const nop::OptionInfo& info, auto& value, const auto& check)
        {
            using T = std::decay_t<decltype(value)>;
            using Entry = typename optionsReaderDetail::entryType<T>::type;
            const word key(info.keyword);

            // Mandatory when the default would be refused (an empty file)
            const Entry entryValue =
                check(value)
              ? getOrDefault<Entry>(key, optionsReaderDetail::toEntry(value))
              : get<Entry>(key);

            value = optionsReaderDetail::fromEntry<T>(*this, key, entryValue);
        }
    );
    validate(options);
}


template<class Options>
void Foam::optionsReader::validate(const Options& options) const
{
    try
    {
        nop::validate(options);
    }
    catch (const nop::OptionError& e)
    {
        fail(e);
    }
}


template<class Options>
std::string Foam::usageTable
(
    const Options& options,
    const wordList& paths,
    const HashTable<string>& defaults
)
{
    std::string rows;
    options.visitEntries
    (
        [&](const nop::OptionInfo& info, const auto& value, const auto& check)
        {
            using T = std::decay_t<decltype(value)>;
            const word key(info.keyword);
            const bool required = !check(value);

            rows += key + " | " + info.description + " | "
              + optionsReaderDetail::entryType<T>::name(paths.found(key)) + " | "
              + (required ? "yes" : "no") + " | "
              + (
                    defaults.found(key) ? std::string(defaults[key])
                  : required ? std::string("-")
                  : optionsReaderDetail::describe(value)
                )
              + '\n';
        }
    );
    return rows;
}


// ************************************************************************* //
