#include "nop/training/StopRequest.hpp"

#include <atomic>
#include <csignal>
#include <mutex>

namespace nop
{

namespace
{

// Written from a signal handler: must be lock-free.
std::atomic<int> stopFlag{0};
static_assert(std::atomic<int>::is_always_lock_free, "the stop flag must be lock-free");

constexpr int stopSignals[] = {SIGINT, SIGTERM};
constexpr int nStopSignals = sizeof stopSignals / sizeof stopSignals[0];

std::mutex installMutex;
int installCount = 0;
struct sigaction previous[nStopSignals];


extern "C" void onStopSignal(int)
{
    // SA_RESETHAND has restored the default action: a second signal kills.
    stopFlag.store(1);
}

} // namespace


void installStopSignalHandlers()
{
    std::lock_guard<std::mutex> lock(installMutex);
    if (installCount++ > 0)
    {
        return;
    }
    struct sigaction action
    {};
    action.sa_handler = onStopSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESETHAND | SA_RESTART;
    for (int i = 0; i < nStopSignals; ++i)
    {
        sigaction(stopSignals[i], &action, &previous[i]);
    }
}


void restoreStopSignalHandlers()
{
    std::lock_guard<std::mutex> lock(installMutex);
    if (installCount == 0 || --installCount > 0)
    {
        return;
    }
    for (int i = 0; i < nStopSignals; ++i)
    {
        sigaction(stopSignals[i], &previous[i], nullptr);
    }
}


void requestStop()
{
    stopFlag.store(1);
}


bool stopRequested()
{
    return stopFlag.load() != 0;
}


void clearStopRequest()
{
    stopFlag.store(0);
}

} // namespace nop
