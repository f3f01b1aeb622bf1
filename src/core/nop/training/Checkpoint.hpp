#pragma once

// Training checkpoints: everything `Trainer::fit` needs to continue a run
// so that it ends bit for bit where the uninterrupted run would have.
//
// A checkpoint is a TensorArchive (io/TensorArchive.hpp) written atomically
// beside the model file, `<model file without extension>.checkpoint`:
//   metadata  JSON: format, set-up fingerprint, position (epoch, samples
//             done in the epoch in progress), running summary figures,
//             loss-scaler state, optimiser step counts, encodings
//   tensors   parameter.<name>, buffer.<name>, optimiser.<name>.exp_avg
//             (.exp_avg_sq, .max_exp_avg_sq), normaliser.{input,output}.
//             {mean,std}, rng.cpu (torch's default CPU generator), order
//             (the sample permutation of an epoch in progress); the metadata
//             holds a checksum of itself and all tensors
// Complex tensors are stored as their real view and the generator state as
// int64; `encoding` in the metadata names the dtype to go back to.

#include "nop/io/Checksum.hpp"
#include "nop/training/StopRequest.hpp"

#include <torch/torch.h>

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>

namespace nop
{

/// Format of the checkpoint metadata written by this build.
constexpr int64_t checkpointVersion = 1;

/// The checkpoint path for a model file: same path with extension
/// `.checkpoint`.
std::string checkpointPathFor(const std::string& modelFile);

/// Where `Trainer::fit` keeps its checkpoint, and the set-up it belongs to.
struct CheckpointSettings
{
    /// Checkpoint file; empty: no checkpoint is written or resumed.
    std::string file;
    /// Identifies the set-up (options, data, application): a checkpoint
    /// is only resumed when its fingerprint equals this one.
    std::string fingerprint;
};

/// An FNV-1a 64 hash of text and tensors (dtype, shape and bytes), for
/// set-up fingerprints.
///
///   Fingerprint f;
///   f.add("fno").add(optionsJson).add(train.x);
///   const std::string id = f.hex();
class Fingerprint
{
public:
    Fingerprint& add(const std::string& text);
    Fingerprint& add(const torch::Tensor& tensor);
    /// 16 hexadecimal digits.
    std::string hex() const;

private:
    void bytes(const void* data, size_t size);
    uint64_t hash_ = fnv1aOffset;
};

/// What a checkpoint holds.
struct TrainingCheckpoint
{
    std::string fingerprint;
    /// Epochs of the run it belongs to (for the log).
    int64_t epochs = 0;
    /// Epochs completed.
    int64_t epoch = 0;
    /// Samples of epoch `epoch` already trained on (0: it has not begun),
    /// in the order of `tensors["order"]`.
    int64_t offset = 0;

    // Figures of the epoch in progress (offset > 0).
    double epochLossSum = 0;
    int64_t epochGoodSteps = 0;
    int64_t epochBadSteps = 0;
    double epochSeconds = 0;

    // Running summary figures.
    int64_t steps = 0;
    int64_t nonFiniteSteps = 0;
    double trainSeconds = 0;
    double seconds = 0;
    /// NaN when the last epoch had no good step.
    double finalTrainLoss = 0;
    int64_t peakBytes = 0;

    // Loss scaler.
    double lossScale = 1;
    int64_t lossScalerGoodSteps = 0;

    /// Adam/AdamW step count per parameter name (parameters with moments).
    std::map<std::string, int64_t> optimiserSteps;
    /// Named CPU tensors, any dtype (see the file comment for the names).
    std::map<std::string, torch::Tensor> tensors;
};

/// The bytes of a checkpoint (a TensorArchive).
std::string encodeCheckpoint(const TrainingCheckpoint& checkpoint);

/// Decode and check the bytes of checkpoint file `file`. Throws
/// std::runtime_error naming the file and what is wrong.
TrainingCheckpoint decodeCheckpoint(const std::string& bytes, const std::string& file);

/// Write `checkpoint` to `file` atomically (temporary file + rename).
void writeCheckpoint(const std::string& file, const TrainingCheckpoint& checkpoint);

/// Read checkpoint `file`, refusing files over `maxBytes`. Throws
/// std::runtime_error naming the file and what is wrong.
TrainingCheckpoint readCheckpoint(const std::string& file, uint64_t maxBytes);

} // namespace nop
