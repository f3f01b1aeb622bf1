#pragma once

// The checks an option may declare (Options.hpp). Each is a callable
// returning whether a value is acceptable, with `requirement()` completing
// "must be ..." in the message. Torch-free.

#include "nop/options/Words.hpp"

#include <cmath>
#include <cstdint>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

namespace nop
{

/// A value as messages show it.
template<class T> std::string describe(const T& value)
{
    if constexpr (hasWords<T>::value)
    {
        return toString(value);
    }
    else if constexpr (std::is_same_v<T, bool>)
    {
        return value ? "true" : "false";
    }
    else if constexpr (std::is_same_v<T, std::string>)
    {
        return "'" + value + "'";
    }
    else if constexpr (std::is_arithmetic_v<T>)
    {
        std::ostringstream os;
        os << value;
        return os.str();
    }
    else
    {
        std::string text = "(";
        for (const auto& v : value)
        {
            text += (text.size() > 1 ? " " : "") + describe(v);
        }
        return text + ")";
    }
}

namespace check
{

/// Any value of the type (enums: any word of their table).
struct Any
{
    template<class T> bool operator()(const T&) const { return true; }
    std::string requirement() const { return "valid"; }
};

/// A value that must be given (a non-empty string).
struct Required
{
    bool operator()(const std::string& s) const { return !s.empty(); }
    std::string requirement() const { return "given"; }
};

struct Positive
{
    template<class T> bool operator()(const T& x) const
    {
        return x > 0 && std::isfinite(double(x));
    }
    std::string requirement() const { return "positive"; }
};

struct NonNegative
{
    template<class T> bool operator()(const T& x) const
    {
        return x >= 0 && std::isfinite(double(x));
    }
    std::string requirement() const { return "non-negative"; }
};

/// 0 with a meaning of its own ("0 (all cores) or positive").
struct ZeroOrPositive
{
    const char* zeroMeans;
    bool operator()(int64_t n) const { return n >= 0; }
    std::string requirement() const { return std::string("0 (") + zeroMeans + ") or positive"; }
};

/// -1 for all, else positive.
struct AllOrPositive
{
    bool operator()(int64_t n) const { return n == -1 || n > 0; }
    std::string requirement() const { return "-1 (all) or positive"; }
};

struct InRange
{
    double low;
    double high;
    template<class T> bool operator()(const T& x) const { return x >= low && x <= high; }
    std::string requirement() const { return "in [" + describe(low) + ", " + describe(high) + "]"; }
};

/// A non-empty list of positive numbers.
struct PositiveList
{
    bool operator()(const std::vector<int64_t>& list) const
    {
        for (const int64_t n : list)
        {
            if (n < 1)
            {
                return false;
            }
        }
        return !list.empty();
    }
    std::string requirement() const { return "a non-empty list of positive numbers"; }
};

/// Fractions of a whole: non-negative, `size` of them, summing to 1.
struct Fractions
{
    std::size_t size;
    bool operator()(const std::vector<double>& f) const
    {
        double sum = 0;
        for (const double x : f)
        {
            if (!(x >= 0) || !std::isfinite(x))
            {
                return false;
            }
            sum += x;
        }
        return f.size() == size && std::abs(sum - 1) < 1e-6;
    }
    std::string requirement() const
    {
        return std::to_string(size) + " non-negative fractions summing to 1";
    }
};

/// A device: cpu, cuda or cuda:N.
struct DeviceName
{
    bool operator()(const std::string& name) const
    {
        if (name == "cpu" || name == "cuda")
        {
            return true;
        }
        if (name.rfind("cuda:", 0) != 0 || name.size() == 5 || name.size() > 9)
        {
            return false;
        }
        for (std::size_t i = 5; i < name.size(); ++i)
        {
            if (name[i] < '0' || name[i] > '9')
            {
                return false;
            }
        }
        return true;
    }
    std::string requirement() const { return "cpu, cuda or cuda:N"; }
};

} // namespace check
} // namespace nop
