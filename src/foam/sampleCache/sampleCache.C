/*---------------------------------------------------------------------------*\
  =========                 |
  \\      /  F ield         | foamNeuralOperator: neural-operator surrogates
   \\    /   O peration     | for OpenFOAM
    \\  /    A nd           |
     \\/     M anipulation  |
\*---------------------------------------------------------------------------*/

#include "nop/io/AtomicFile.hpp"
#include "nop/io/Checksum.hpp"
#include "nop/io/RegularFile.hpp"

#include "sampleCache.H"
#include "OSspecific.H"
#include "error.H"

#include <algorithm>
#include <filesystem>

// * * * * * * * * * * * * * * * Local Functions * * * * * * * * * * * * * //

namespace
{

//- What the grid caches before the archive (formats 1 to 3) began with
const std::string oldCacheMagic("NOPCASE");

//- Largest cache file read: the reader allocates the file's size, and a
//- case's arrays are in memory anyway, so the cap only refuses what cannot
//- be one: 64 GiB, four times a 512^3 grid of 32 float channels
constexpr uint64_t maxCacheBytes = uint64_t(64) << 30;


//- FNV-1a of the archive encoded without the checksum entry
uint64_t checksumOf
(
    nlohmann::json metadata,
    const std::map<std::string, nop::RawArrayView>& arrays
)
{
    metadata.erase("checksum");
    const std::string bytes(nop::encodeArrayArchive(metadata.dump(), arrays));
    return nop::fnv1a(bytes.data(), bytes.size());
}

} // End anonymous namespace


// * * * * * * * * * * * * * * * * Functions * * * * * * * * * * * * * * * //

std::string Foam::sampleCache::fileStamps(const List<fileName>& paths)
{
    namespace fs = std::filesystem;
    std::vector<std::string> lines;
    const auto stamp = [&lines](const fs::path& p)
    {
        std::error_code ec;
        const auto size = fs::file_size(p, ec);
        const auto time = fs::last_write_time(p, ec).time_since_epoch().count();
        lines.push_back
        (
            p.string() + " " + std::to_string(size) + " " + std::to_string(time)
        );
    };
    for (const fileName& name : paths)
    {
        const fs::path path(name.c_str());
        std::error_code ec;
        if (fs::is_directory(path, ec))
        {
            for (const auto& e : fs::recursive_directory_iterator(path, ec))
            {
                if (e.is_regular_file(ec))
                {
                    stamp(e.path());
                }
            }
        }
        else if (fs::is_regular_file(path, ec))
        {
            stamp(path);
        }
    }
    std::sort(lines.begin(), lines.end());
    std::string text;
    for (const auto& line : lines)
    {
        text += line + "\n";
    }
    return text;
}


bool Foam::sampleCache::read
(
    const fileName& file,
    const int version,
    const std::string& key,
    nlohmann::json& metadata,
    nop::ArrayArchive& archive,
    std::string& why
)
{
    why.clear();
    std::error_code ec;
    if (!std::filesystem::exists(std::filesystem::status(file.c_str(), ec)))
    {
        return false;
    }

    const std::string what("sample cache '" + file + "'");
    try
    {
        const std::string bytes
        (
            nop::readRegularFile(file, maxCacheBytes, "sample cache")
        );
        if (bytes.compare(0, oldCacheMagic.size(), oldCacheMagic) == 0)
        {
            return false;
        }
        const nop::ArrayArchiveView view(nop::viewArrayArchive(bytes, what));
        // Valid JSON of bounded depth: the archive's decoder has parsed it
        nlohmann::json stored(nlohmann::json::parse(view.metadata));
        const auto checksum = stored.find("checksum");
        if
        (
            checksum == stored.end()
         || !checksum->is_number_unsigned()
         || checksum->get<uint64_t>() != checksumOf(stored, view.arrays)
        )
        {
            why = what + ": checksum mismatch (damaged)";
            return false;
        }

        const auto storedVersion = stored.find("sampleCache");
        if (storedVersion == stored.end() || *storedVersion != version)
        {
            return false;
        }
        const auto storedKey = stored.find("key");
        if (storedKey == stored.end() || !storedKey->is_string())
        {
            why = what + ": lacks its key";
            return false;
        }
        if (storedKey->get_ref<const std::string&>() != key)
        {
            return false;
        }
        stored.erase("checksum");
        stored.erase("sampleCache");
        stored.erase("key");
        metadata = std::move(stored);
        // The arrays copied out of the view already checked
        archive = nop::ArrayArchive();
        for (const auto& [name, array] : view.arrays)
        {
            archive.arrays[name] =
                {array.dtype, array.shape, std::string(array.data, array.bytes)};
        }
        return true;
    }
    catch (const std::exception& e)
    {
        why = e.what();
        return false;
    }
}


void Foam::sampleCache::write
(
    const fileName& file,
    const int version,
    const std::string& key,
    nlohmann::json metadata,
    const std::map<std::string, nop::RawArrayView>& arrays
)
{
    try
    {
        metadata["sampleCache"] = version;
        metadata["key"] = key;
        metadata["checksum"] = checksumOf(metadata, arrays);

        mkDir(file.path());
        nop::writeFileAtomically
        (
            file,
            nop::encodeArrayArchive(metadata.dump(), arrays)
        );
    }
    catch (const std::exception& e)
    {
        WarningInFunction
            << "Cannot write the sample cache: " << e.what() << nl
            << "    (training goes on; the case is sampled again next time)"
            << endl;
    }
}


// ************************************************************************* //
