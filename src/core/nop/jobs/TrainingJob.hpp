#pragma once

// A complete training job and its report, behind a torch-free interface so
// that applications including OpenFOAM headers can call it.

#include "nop/data/ArrayDataset.hpp"
#include "nop/data/BodyCase.hpp"
#include "nop/data/SurfaceDatasetOptions.hpp"
#include "nop/data/TensorFileDatasetOptions.hpp"
#include "nop/models/FNOOptions.hpp"
#include "nop/models/GINOOptions.hpp"
#include "nop/training/TrainerOptions.hpp"

#include <functional>
#include <string>

namespace nop
{

struct TrainingJob
{
    /// The model trained, a registered kind (ModelRegistry.hpp): "FNO"
    /// (options `fno`, grid data) or "GINO" (options `gino`, `surfaces` or
    /// `bodies`).
    std::string model = "FNO";
    /// Data from tensor files, used when `arrays` is empty.
    TensorFileDatasetOptions data;
    /// Data handed over in memory (e.g. sampled OpenFOAM cases).
    ArrayDatasets arrays;
    /// Body surfaces with arrays on them, for GINO.
    SurfaceDatasetOptions surfaces;
    /// Bodies of CFD cases (wall faces and cells with their fields), for
    /// GINO; used instead of `surfaces` when not empty.
    BodyCaseDatasets bodies;
    /// Stored verbatim in the model file (Surrogate::application).
    std::string application;
    /// inChannels and outChannels are taken from the data.
    FNOOptions fno;
    /// Channels come from the surfaces (the signed distance, the fields).
    GINOOptions gino;
    TrainerOptions training;
    /// When not empty: what GINO sees of every sampled surface or case
    /// (latent grid with its features, queries with their targets) is
    /// written there for ParaView (GeometryVtk.hpp) before training.
    std::string vtkDirectory;
    /// Model file written at the end (atomically); the JSON report goes
    /// beside it with the extension replaced by `.json`, the checkpoint of
    /// an unfinished training with `.checkpoint`.
    std::string modelFile;
};

/// Read the data, train, evaluate, write the model file and then the JSON
/// report made from it (`reportFromModelFile`). Progress lines go to `log`.
/// Throws std::exception with a message naming the file or option at
/// fault. Returns the report as JSON text.
///
/// Checkpoints (see TrainerOptions::checkpointEvery): a checkpoint of the
/// same set-up (options but checkpointEvery, data, application) is resumed;
/// another or an unreadable one is ignored with a log line. For the
/// duration of training, SIGINT and SIGTERM stop after the step in progress,
/// write the checkpoint and throw TrainingStopped (a second signal kills);
/// rerunning the job resumes and ends bit for bit as an uninterrupted run.
/// The checkpoint is removed once the model file and report are written.
/// No model file is written when every step was non-finite or when a
/// final test error in full precision is not finite (the checkpoint stays).
std::string runTrainingJob(
    const TrainingJob& job,
    const std::function<void(const std::string&)>& log
);

/// Throws OptionError("modes") unless `fno` has one entry of modes per
/// spatial dimension of the data.
void checkModesFitData(const FNOOptions& fno, int64_t spatialDims);

/// The report path for a model file: same path with extension `.json`.
std::string reportPathFor(const std::string& modelFile);

/// The report of a model file: its training summary with the key
/// `modelFileChecksum` added. Throws std::runtime_error naming the file
/// when it cannot be read or is not a model file.
std::string reportFromModelFile(const std::string& modelFile);

/// Checksum of a model file's bytes (16 hexadecimal digits), as reports
/// record it under `modelFileChecksum`: a report naming another checksum
/// than its model file's is stale.
std::string modelFileChecksum(const std::string& modelFile);

} // namespace nop
