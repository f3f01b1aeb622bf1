#pragma once

// Requests to stop training early (SIGINT, SIGTERM or a caller), so that a
// checkpoint can be written and a later run resumes. Torch-free.

#include <cstdint>
#include <stdexcept>
#include <string>

namespace nop
{

/// Make SIGINT and SIGTERM request a stop instead of killing the process.
/// Each handler runs once and resets its signal to the default action, so a
/// second signal kills as usual. The previous handlers are kept for
/// `restoreStopSignalHandlers`. Nested calls are counted: only the
/// outermost install and restore touch the handlers.
void installStopSignalHandlers();

/// Put back the handlers that `installStopSignalHandlers` replaced.
void restoreStopSignalHandlers();

/// Request a stop as a signal would (tests, callers with their own signals).
void requestStop();

/// True once a stop was requested and not yet cleared.
bool stopRequested();

/// Forget a request (the trainer does so when it acts on one).
void clearStopRequest();

/// Installs the stop signal handlers for its lifetime.
///
///   {
///       StopSignalScope stopSignals;
///       trainer.fit(...);   // SIGTERM: checkpoint, then TrainingStopped
///   }                       // previous handlers back
class StopSignalScope
{
public:
    StopSignalScope() { installStopSignalHandlers(); }
    ~StopSignalScope() { restoreStopSignalHandlers(); }
    StopSignalScope(const StopSignalScope&) = delete;
    StopSignalScope& operator=(const StopSignalScope&) = delete;
};

/// Thrown by `Trainer::fit` (and so `runTrainingJob`) after a requested stop
/// (SIGINT, SIGTERM, `requestStop`) once the checkpoint is written; rerunning
/// the same job resumes from it.
class TrainingStopped : public std::runtime_error
{
public:
    /// `epoch` epochs and `offset` samples of the next were done.
    TrainingStopped(
        const std::string& checkpointFile,
        int64_t epoch,
        int64_t offset,
        int64_t epochs
    );

    const std::string& checkpointFile() const { return checkpointFile_; }

private:
    std::string checkpointFile_;
};

} // namespace nop
