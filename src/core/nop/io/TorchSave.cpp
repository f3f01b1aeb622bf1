#include "nop/io/TorchSave.hpp"

#include <cstring>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

namespace nop
{

namespace
{

using Kind = TorchValue::Kind;

std::runtime_error error(const std::string& what, const std::string& why)
{
    return std::runtime_error(what + ": " + why);
}


/// Refuse `n` bytes at `at` that are not all within `bytes`.
void checkWithin(const std::string& bytes, uint64_t at, uint64_t n, const std::string& what)
{
    if (at > bytes.size() || n > bytes.size() - at)
    {
        throw error(what, "truncated zip structure at byte " + std::to_string(at));
    }
}


/// Little-endian unsigned integer of `n` <= 8 bytes at `at`, bounds checked.
uint64_t readLE(const std::string& bytes, uint64_t at, unsigned n, const std::string& what)
{
    checkWithin(bytes, at, n, what);
    uint64_t v = 0;
    for (unsigned i = 0; i < n; ++i)
    {
        v |= uint64_t(uint8_t(bytes[at + i])) << (8 * i);
    }
    return v;
}


// ---- zip: stored records only -------------------------------------------

/// Where each record's data lies in the archive.
struct Record
{
    uint64_t offset;
    uint64_t size;
};

std::map<std::string, Record> zipRecords(const std::string& bytes, const std::string& what)
{
    const auto u = [&](uint64_t at, unsigned n) { return readLE(bytes, at, n, what); };
    constexpr uint64_t eocdSize = 22;
    if (bytes.size() < eocdSize)
    {
        throw error(what, "not a torch.save archive (too short for a zip file)");
    }
    // The end-of-central-directory record, within the last 64 kB (its comment).
    uint64_t eocd = bytes.size() - eocdSize;
    const uint64_t lowest = bytes.size() > eocdSize + 0xffff ? bytes.size() - eocdSize - 0xffff : 0;
    while (u(eocd, 4) != 0x06054b50)
    {
        if (eocd == lowest)
        {
            throw error(what, "not a torch.save archive (no zip end record; truncated?)");
        }
        --eocd;
    }
    uint64_t entries = u(eocd + 10, 2);
    uint64_t cdSize = u(eocd + 12, 4);
    uint64_t cdOffset = u(eocd + 16, 4);
    if (entries == 0xffff || cdSize == 0xffffffff || cdOffset == 0xffffffff)
    {
        // Zip64: the locator just before the end record names the zip64 end record.
        if (eocd < 20 || u(eocd - 20, 4) != 0x07064b50)
        {
            throw error(what, "corrupt zip: no zip64 locator");
        }
        const uint64_t z = u(eocd - 20 + 8, 8);
        if (u(z, 4) != 0x06064b50)
        {
            throw error(what, "corrupt zip: no zip64 end record");
        }
        entries = u(z + 32, 8);
        cdSize = u(z + 40, 8);
        cdOffset = u(z + 48, 8);
    }
    if (cdOffset > bytes.size() || cdSize > bytes.size() - cdOffset)
    {
        throw error(what, "corrupt zip: central directory past the end (truncated?)");
    }

    std::map<std::string, Record> records;
    uint64_t at = cdOffset;
    for (uint64_t i = 0; i < entries; ++i)
    {
        if (u(at, 4) != 0x02014b50)
        {
            throw error(what, "corrupt zip: bad central directory entry " + std::to_string(i));
        }
        const uint64_t method = u(at + 10, 2);
        uint64_t compressed = u(at + 20, 4);
        uint64_t size = u(at + 24, 4);
        const uint64_t nameLength = u(at + 28, 2);
        const uint64_t extraLength = u(at + 30, 2);
        const uint64_t commentLength = u(at + 32, 2);
        uint64_t local = u(at + 42, 4);
        checkWithin(bytes, at + 46, nameLength, what);
        const std::string name = bytes.substr(at + 46, nameLength);

        // Zip64 extended information: the 64-bit values of the saturated fields.
        uint64_t extra = at + 46 + nameLength;
        const uint64_t extraEnd = extra + extraLength;
        checkWithin(bytes, extra, extraLength, what);
        while (extra + 4 <= extraEnd)
        {
            const uint64_t id = u(extra, 2);
            const uint64_t length = u(extra + 2, 2);
            if (extra + 4 + length > extraEnd)
            {
                throw error(what, "corrupt zip: extra field of '" + name + "' overruns");
            }
            if (id == 1)
            {
                uint64_t field = extra + 4;
                for (uint64_t* value : {&size, &compressed, &local})
                {
                    if (*value == 0xffffffff)
                    {
                        if (field + 8 > extra + 4 + length)
                        {
                            throw error(what, "corrupt zip: short zip64 field of '" + name + "'");
                        }
                        *value = u(field, 8);
                        field += 8;
                    }
                }
            }
            extra += 4 + length;
        }
        if (method != 0 || compressed != size)
        {
            throw error(
                what, "record '" + name + "' is compressed; torch.save writes stored records only"
            );
        }
        // The local header: its own name and extra lengths place the data.
        if (u(local, 4) != 0x04034b50)
        {
            throw error(what, "corrupt zip: no local header for '" + name + "'");
        }
        const uint64_t data = local + 30 + u(local + 26, 2) + u(local + 28, 2);
        if (data > bytes.size() || size > bytes.size() - data)
        {
            throw error(
                what, "record '" + name + "' of " + std::to_string(size)
                          + " bytes lies past the end of the file (truncated?)"
            );
        }
        records[name] = {data, size};
        at = extraEnd + commentLength;
    }
    return records;
}


// ---- the restricted unpickler -------------------------------------------

struct StorageType
{
    const char* name;
    torch::ScalarType type;
};

const StorageType storageTypes[] = {
    {"torch.FloatStorage", torch::kFloat}, {"torch.DoubleStorage", torch::kDouble},
    {"torch.HalfStorage", torch::kHalf},   {"torch.BFloat16Storage", torch::kBFloat16},
    {"torch.LongStorage", torch::kLong},   {"torch.IntStorage", torch::kInt},
    {"torch.ShortStorage", torch::kShort}, {"torch.CharStorage", torch::kChar},
    {"torch.ByteStorage", torch::kByte},   {"torch.BoolStorage", torch::kBool}};

const char* const allowedGlobals[] = {
    "collections.OrderedDict", "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_parameter",
    "torch.jit._pickle.restore_type_tag"};


class Unpickler
{
public:
    Unpickler(
        const std::string& bytes,
        const Record& pickle,
        const std::map<std::string, Record>& records,
        const std::string& prefix,
        const std::string& what
    ) :
        bytes_(bytes),
        at_(pickle.offset),
        end_(pickle.offset + pickle.size),
        records_(records),
        prefix_(prefix),
        what_(what),
        budget_(bytes.size()),
        tensorBudget_(torchSaveLimits::maxExpansion * bytes.size()),
        copyBudget_(16 * pickle.size + (1 << 16))
    {}

    TorchValue run();

private:
    std::runtime_error fail(const std::string& why) const
    {
        return error(what_, "pickle byte " + std::to_string(at_) + ": " + why);
    }

    uint64_t read(unsigned n)
    {
        if (n > end_ - at_)
        {
            throw fail("truncated pickle");
        }
        const uint64_t v = readLE(bytes_, at_, n, what_);
        at_ += n;
        return v;
    }

    std::string readString(uint64_t n)
    {
        if (n > end_ - at_)
        {
            throw fail("string of " + std::to_string(n) + " bytes past the end of the pickle");
        }
        std::string s = bytes_.substr(at_, n);
        at_ += n;
        return s;
    }

    std::string readLine()
    {
        const auto nl = bytes_.find('\n', at_);
        if (nl == std::string::npos || nl >= end_)
        {
            throw fail("unterminated GLOBAL");
        }
        std::string s = bytes_.substr(at_, nl - at_);
        at_ = nl + 1;
        return s;
    }

    TorchValue pop()
    {
        if (stack_.size() <= base())
        {
            throw fail("stack underflow");
        }
        TorchValue v = std::move(stack_.back());
        stack_.pop_back();
        return v;
    }

    TorchValue& top()
    {
        if (stack_.size() <= base())
        {
            throw fail("stack underflow");
        }
        return stack_.back();
    }

    size_t base() const { return marks_.empty() ? 0 : marks_.back(); }

    /// The items above the last MARK, which is removed.
    std::vector<TorchValue> popMark()
    {
        if (marks_.empty())
        {
            throw fail("no MARK");
        }
        const size_t mark = marks_.back();
        marks_.pop_back();
        std::vector<TorchValue> items(
            std::make_move_iterator(stack_.begin() + mark), std::make_move_iterator(stack_.end())
        );
        stack_.resize(mark);
        return items;
    }

    TorchValue container(Kind kind, std::vector<TorchValue> items)
    {
        TorchValue v;
        v.kind = kind;
        v.items = std::move(items);
        for (const auto& item : v.items)
        {
            v.depth = std::max(v.depth, item.depth + 1);
            v.nodes += item.nodes;
        }
        checkDepth(v);
        return v;
    }

    void checkDepth(const TorchValue& v) const
    {
        if (v.depth > torchSaveLimits::maxDepth)
        {
            throw fail(
                "containers nested deeper than " + std::to_string(torchSaveLimits::maxDepth)
            );
        }
    }

    /// Add `items` to the list or dict `target`.
    void extend(TorchValue& target, std::vector<TorchValue> items, Kind kind)
    {
        if (target.kind != kind)
        {
            throw fail(kind == Kind::dict ? "SETITEM on a non-dict" : "APPEND on a non-list");
        }
        if (kind == Kind::dict && items.size() % 2 != 0)
        {
            throw fail("odd number of dict items");
        }
        for (auto& item : items)
        {
            target.depth = std::max(target.depth, item.depth + 1);
            target.nodes += item.nodes;
            target.items.push_back(std::move(item));
        }
        checkDepth(target);
    }

    TorchValue global(const std::string& module, const std::string& name);
    TorchValue persistentLoad(const TorchValue& id);
    TorchValue reduce(const TorchValue& callable, const TorchValue& args);
    TorchValue rebuildTensor(const std::vector<TorchValue>& args);

    int64_t integerOf(const TorchValue& v, const char* field) const
    {
        if (v.kind != Kind::integer)
        {
            throw fail(std::string(field) + " is not an integer");
        }
        return v.integer;
    }

    std::vector<int64_t> integersOf(const TorchValue& v, const char* field) const
    {
        if (v.kind != Kind::tuple || v.items.size() > torchSaveLimits::maxDims)
        {
            throw fail(
                std::string(field) + " is not a tuple of at most "
                + std::to_string(torchSaveLimits::maxDims) + " integers"
            );
        }
        std::vector<int64_t> values;
        for (const auto& item : v.items)
        {
            const int64_t i = integerOf(item, field);
            if (i < 0)
            {
                throw fail(std::string(field) + " holds the negative " + std::to_string(i));
            }
            values.push_back(i);
        }
        return values;
    }

    const std::string& bytes_;
    uint64_t at_;
    const uint64_t end_;
    const std::map<std::string, Record>& records_;
    const std::string prefix_;
    const std::string what_;
    uint64_t budget_;
    uint64_t tensorBudget_;
    uint64_t copyBudget_;
    std::vector<TorchValue> stack_;
    std::vector<size_t> marks_;
    std::unordered_map<uint64_t, TorchValue> memo_;
    std::map<std::string, TorchValue> storages_;
};


TorchValue Unpickler::global(const std::string& module, const std::string& name)
{
    const std::string full = module + "." + name;
    bool known = false;
    for (const auto& s : storageTypes)
    {
        known = known || full == s.name;
    }
    for (const char* g : allowedGlobals)
    {
        known = known || full == g;
    }
    if (!known)
    {
        throw fail(
            "refuses the global '" + full + "' (only tensors, containers and numbers are read)"
        );
    }
    TorchValue v;
    v.kind = Kind::global;
    v.string = full;
    return v;
}


TorchValue Unpickler::persistentLoad(const TorchValue& id)
{
    // ('storage', torch.<Type>Storage, key, location, numel)
    if (id.kind != Kind::tuple || id.items.size() != 5 || id.items[0].kind != Kind::string
        || id.items[0].string != "storage" || id.items[1].kind != Kind::global
        || id.items[2].kind != Kind::string)
    {
        throw fail("persistent id is not ('storage', type, key, location, size)");
    }
    const StorageType* type = nullptr;
    for (const auto& s : storageTypes)
    {
        if (id.items[1].string == s.name)
        {
            type = &s;
        }
    }
    if (!type)
    {
        throw fail("'" + id.items[1].string + "' is not a storage type");
    }
    const std::string& key = id.items[2].string;
    const int64_t numel = integerOf(id.items[4], "storage size");

    const auto cached = storages_.find(key);
    if (cached != storages_.end())
    {
        if (cached->second.tensor.scalar_type() != type->type
            || cached->second.tensor.numel() != numel)
        {
            throw fail("storage '" + key + "' is claimed with two types or sizes");
        }
        return cached->second;
    }

    const auto record = records_.find(prefix_ + "data/" + key);
    if (record == records_.end())
    {
        throw fail("storage '" + key + "' has no record " + prefix_ + "data/" + key);
    }
    const uint64_t itemSize = c10::elementSize(type->type);
    if (numel < 0 || uint64_t(numel) > record->second.size / itemSize)
    {
        throw fail(
            "storage '" + key + "' claims " + std::to_string(numel) + " items of "
            + std::to_string(itemSize) + " bytes, its record holds "
            + std::to_string(record->second.size) + " bytes"
        );
    }
    const uint64_t size = uint64_t(numel) * itemSize;
    if (size > budget_)
    {
        throw fail("storages claim more bytes than the file holds");
    }
    budget_ -= size;
    const char* data = bytes_.data() + record->second.offset;
    if (type->type == torch::kBool)
    {
        for (uint64_t i = 0; i < size; ++i)
        {
            if (uint8_t(data[i]) > 1)
            {
                throw fail(
                    "storage '" + key + "' holds the bool value " + std::to_string(uint8_t(data[i]))
                );
            }
        }
    }
    TorchValue v;
    v.kind = Kind::storage;
    v.string = key;
    v.tensor = torch::empty({numel}, torch::TensorOptions().dtype(type->type));
    if (size)
    {
        std::memcpy(v.tensor.data_ptr(), data, size);
    }
    storages_[key] = v;
    return v;
}


TorchValue Unpickler::rebuildTensor(const std::vector<TorchValue>& args)
{
    // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
    if (args.size() < 4 || args.size() > 7 || args[0].kind != Kind::storage)
    {
        throw fail("_rebuild_tensor_v2 without (storage, offset, size, stride, ...)");
    }
    const torch::Tensor& storage = args[0].tensor;
    const int64_t offset = integerOf(args[1], "storage offset");
    const auto sizes = integersOf(args[2], "size");
    const auto strides = integersOf(args[3], "stride");
    if (offset < 0 || sizes.size() != strides.size())
    {
        throw fail("tensor with a negative offset, or sizes and strides of different lengths");
    }
    // Elements of the result, and the last storage element it reaches,
    // both overflow-checked.
    const uint64_t itemSize = storage.element_size();
    const uint64_t limit = uint64_t(std::numeric_limits<int64_t>::max()) / itemSize;
    uint64_t numel = 1;
    uint64_t last = uint64_t(offset);
    for (size_t d = 0; d < sizes.size(); ++d)
    {
        const uint64_t n = uint64_t(sizes[d]);
        if (n != 0 && numel > limit / n)
        {
            throw fail("tensor size overflows");
        }
        numel *= n;
        if (n > 0 && uint64_t(strides[d]) > 0)
        {
            const uint64_t step = uint64_t(strides[d]);
            if (n - 1 > (limit - last) / step)
            {
                throw fail("tensor strides overflow");
            }
            last += (n - 1) * step;
        }
    }
    if (numel > 0 && last >= uint64_t(storage.numel()))
    {
        throw fail(
            "tensor reaches element " + std::to_string(last) + " of a storage of "
            + std::to_string(storage.numel()) + " (record shorter than the tensor claims)"
        );
    }
    if (numel * itemSize > tensorBudget_)
    {
        throw fail(
            "tensors claim more than " + std::to_string(torchSaveLimits::maxExpansion)
            + " times the file's bytes"
        );
    }
    tensorBudget_ -= numel * itemSize;

    TorchValue v;
    v.kind = Kind::tensor;
    v.tensor = numel == 0
                   ? torch::empty(sizes, storage.options())
                   : storage.as_strided(sizes, strides, offset).clone(at::MemoryFormat::Contiguous);
    return v;
}


TorchValue Unpickler::reduce(const TorchValue& callable, const TorchValue& args)
{
    if (callable.kind != Kind::global || args.kind != Kind::tuple)
    {
        throw fail("REDUCE of something other than a known global and a tuple");
    }
    const std::string& name = callable.string;
    if (name == "collections.OrderedDict")
    {
        if (!args.items.empty())
        {
            throw fail("OrderedDict with arguments");
        }
        TorchValue v;
        v.kind = Kind::dict;
        return v;
    }
    if (name == "torch._utils._rebuild_tensor_v2")
    {
        return rebuildTensor(args.items);
    }
    if (name == "torch._utils._rebuild_parameter")
    {
        if (args.items.empty() || args.items[0].kind != Kind::tensor)
        {
            throw fail("_rebuild_parameter without a tensor");
        }
        return args.items[0];
    }
    if (name == "torch.jit._pickle.restore_type_tag")
    {
        if (args.items.empty())
        {
            throw fail("restore_type_tag without a value");
        }
        return args.items[0];
    }
    throw fail("cannot call '" + name + "'");
}


TorchValue Unpickler::run()
{
    const auto integer = [](int64_t i)
    {
        TorchValue v;
        v.kind = Kind::integer;
        v.integer = i;
        return v;
    };
    const auto string = [](std::string s)
    {
        TorchValue v;
        v.kind = Kind::string;
        v.nodes = 1 + s.size() / 16;
        v.string = std::move(s);
        return v;
    };
    const auto boolean = [](bool b)
    {
        TorchValue v;
        v.kind = Kind::boolean;
        v.boolean = b;
        return v;
    };
    const auto memoGet = [this](uint64_t index)
    {
        const auto it = memo_.find(index);
        if (it == memo_.end())
        {
            throw fail("memo index " + std::to_string(index) + " was never stored");
        }
        if (it->second.nodes > copyBudget_)
        {
            throw fail("memo references copy more than the pickle could hold");
        }
        copyBudget_ -= it->second.nodes;
        stack_.push_back(it->second);
    };
    const auto memoPut = [this](uint64_t index)
    {
        if (top().nodes > copyBudget_)
        {
            throw fail("memo references copy more than the pickle could hold");
        }
        copyBudget_ -= top().nodes;
        memo_[index] = top();
    };

    while (true)
    {
        const uint8_t op = uint8_t(read(1));
        switch (op)
        {
        case 0x80:
            read(1);
            break; // PROTO
        case 0x95:
            read(8);
            break; // FRAME
        case '.':  // STOP
        {
            TorchValue v = pop();
            if (!stack_.empty() || !marks_.empty())
            {
                throw fail("STOP with more on the stack");
            }
            return v;
        }
        case '(':
            marks_.push_back(stack_.size());
            break; // MARK
        case '}':
            stack_.push_back(container(Kind::dict, {}));
            break; // EMPTY_DICT
        case ']':
            stack_.push_back(container(Kind::list, {}));
            break; // EMPTY_LIST
        case ')':
            stack_.push_back(container(Kind::tuple, {}));
            break; // EMPTY_TUPLE
        case 't':
            stack_.push_back(container(Kind::tuple, popMark()));
            break; // TUPLE
        case 'l':
            stack_.push_back(container(Kind::list, popMark()));
            break; // LIST
        case 0x85:
        case 0x86:
        case 0x87: // TUPLE1..3
        {
            std::vector<TorchValue> items(op - 0x84);
            for (size_t i = items.size(); i-- > 0;)
            {
                items[i] = pop();
            }
            stack_.push_back(container(Kind::tuple, std::move(items)));
            break;
        }
        case 'a': // APPEND
        {
            TorchValue item = pop();
            std::vector<TorchValue> items;
            items.push_back(std::move(item));
            extend(top(), std::move(items), Kind::list);
            break;
        }
        case 'e': // APPENDS
        {
            auto items = popMark();
            extend(top(), std::move(items), Kind::list);
            break;
        }
        case 's': // SETITEM
        {
            std::vector<TorchValue> items(2);
            items[1] = pop();
            items[0] = pop();
            extend(top(), std::move(items), Kind::dict);
            break;
        }
        case 'u': // SETITEMS
        {
            auto items = popMark();
            extend(top(), std::move(items), Kind::dict);
            break;
        }
        case 'N':
            stack_.emplace_back();
            break; // NONE
        case 0x88:
            stack_.push_back(boolean(true));
            break; // NEWTRUE
        case 0x89:
            stack_.push_back(boolean(false));
            break; // NEWFALSE
        case 'K':
            stack_.push_back(integer(int64_t(read(1))));
            break; // BININT1
        case 'M':
            stack_.push_back(integer(int64_t(read(2))));
            break; // BININT2
        case 'J':
            stack_.push_back(integer(int64_t(int32_t(uint32_t(read(4))))));
            break; // BININT
        case 0x8a: // LONG1
        {
            const unsigned n = unsigned(read(1));
            if (n > 8)
            {
                throw fail("integer of " + std::to_string(n) + " bytes");
            }
            uint64_t v = n ? read(n) : 0;
            if (n > 0 && n < 8 && (v >> (8 * n - 1)) & 1)
            {
                v |= ~uint64_t(0) << (8 * n); // sign extension
            }
            stack_.push_back(integer(int64_t(v)));
            break;
        }
        case 'G': // BINFLOAT (big-endian)
        {
            uint64_t bits = 0;
            for (int i = 0; i < 8; ++i)
            {
                bits = (bits << 8) | read(1);
            }
            TorchValue v;
            v.kind = Kind::real;
            std::memcpy(&v.real, &bits, sizeof bits);
            stack_.push_back(v);
            break;
        }
        case 'X':
            stack_.push_back(string(readString(read(4))));
            break; // BINUNICODE
        case 0x8c:
            stack_.push_back(string(readString(read(1))));
            break; // SHORT_BINUNICODE
        case 'T':
        case 'B':
            stack_.push_back(string(readString(read(4))));
            break; // BINSTRING, BINBYTES
        case 'U':
        case 'C':
            stack_.push_back(string(readString(read(1))));
            break; // SHORT_BIN*
        case 'q':
            memoPut(read(1));
            break; // BINPUT
        case 'r':
            memoPut(read(4));
            break; // LONG_BINPUT
        case 0x94:
            memoPut(memo_.size());
            break; // MEMOIZE
        case 'h':
            memoGet(read(1));
            break; // BINGET
        case 'j':
            memoGet(read(4));
            break; // LONG_BINGET
        case 'c':  // GLOBAL
        {
            const std::string module = readLine();
            const std::string name = readLine();
            stack_.push_back(global(module, name));
            break;
        }
        case 0x93: // STACK_GLOBAL
        {
            const TorchValue name = pop();
            const TorchValue module = pop();
            if (name.kind != Kind::string || module.kind != Kind::string)
            {
                throw fail("STACK_GLOBAL of non-strings");
            }
            stack_.push_back(global(module.string, name.string));
            break;
        }
        case 'Q': // BINPERSID
        {
            const TorchValue id = pop();
            stack_.push_back(persistentLoad(id));
            break;
        }
        case 'R': // REDUCE
        {
            const TorchValue args = pop();
            const TorchValue callable = pop();
            stack_.push_back(reduce(callable, args));
            break;
        }
        case 'b': // BUILD
        {
            const TorchValue state = pop();
            const TorchValue& target = top();
            if (target.kind != Kind::tensor && target.kind != Kind::dict)
            {
                throw fail("BUILD of something other than a tensor or OrderedDict");
            }
            if (state.kind != Kind::none && state.kind != Kind::dict && state.kind != Kind::tuple)
            {
                throw fail("BUILD with an unexpected state");
            }
            break; // the state (attributes, hooks) is not needed
        }
        default:
        {
            std::ostringstream os;
            os << "opcode 0x" << std::hex << int(op) << " is not one torch.save writes for tensors";
            throw fail(os.str());
        }
        }
    }
}

} // namespace


TorchValue readTorchSave(const std::string& bytes, const std::string& what)
{
    const auto records = zipRecords(bytes, what);

    // Records are "<archive>/data.pkl", "<archive>/data/<key>", ...
    std::string prefix;
    const Record* pickle = nullptr;
    for (const auto& item : records)
    {
        const std::string& name = item.first;
        const auto slash = name.find('/');
        if (slash != std::string::npos && name.compare(slash, std::string::npos, "/data.pkl") == 0)
        {
            prefix = name.substr(0, slash + 1);
            pickle = &item.second;
        }
    }
    if (!pickle)
    {
        throw error(what, "not a torch.save archive (no data.pkl record)");
    }
    const auto byteorder = records.find(prefix + "byteorder");
    if (byteorder != records.end())
    {
        const std::string order = bytes.substr(byteorder->second.offset, byteorder->second.size);
        if (order != "little")
        {
            throw error(
                what, "byte order '" + order.substr(0, 16) + "'; this build reads little-endian"
            );
        }
    }
    return Unpickler(bytes, *pickle, records, prefix, what).run();
}

} // namespace nop
