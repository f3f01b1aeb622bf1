#pragma once

// Running a trained surrogate on new inputs, behind a torch-free interface
// so that the OpenFOAM side (solver, function object) can call it.

#include "nop/data/BodyCase.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace nop
{

/// A model file loaded once, ready to predict many times.
///
/// Example:
///   SurrogatePredictor predictor("constant/neuralOperator/pitzDaily.nop", "cpu", 1);
///   std::vector<float> y = predictor.predict(x, {128, 32});
class SurrogatePredictor
{
public:
    /// Load `modelFile` onto `device` ("cpu", "cuda", "cuda:N") and set
    /// the LibTorch intra-op threads (0: this process's share of the cores
    /// when `processes` processes share the machine, as setThreads; under
    /// MPI pass the number of ranks so that they do not oversubscribe the
    /// cores). Throws
    /// std::runtime_error naming the file for a missing, truncated,
    /// corrupt or foreign model file.
    SurrogatePredictor(
        const std::string& modelFile,
        const std::string& device = "cpu",
        int64_t threads = 0,
        int64_t processes = 1
    );

    ~SurrogatePredictor();
    SurrogatePredictor(const SurrogatePredictor&) = delete;
    SurrogatePredictor& operator=(const SurrogatePredictor&) = delete;

    const std::string& modelFile() const;
    const std::vector<std::string>& inputNames() const;
    const std::vector<std::string>& outputNames() const;
    int64_t inChannels() const;
    int64_t outChannels() const;
    /// Grid points per spatial dimension (d1..dN) of the training data.
    const std::vector<int64_t>& trainedResolution() const;
    /// Surrogate::application: the set-up the model was trained with.
    const std::string& application() const;
    /// The training report (JSON text).
    const std::string& summary() const;
    /// LibTorch intra-op threads in use.
    int64_t threads() const;

    /// One sample: x is (inChannels, d1..dN) float32 in C order on a grid
    /// of `resolution` (d1..dN), the result (outChannels, d1..dN), in
    /// physical units. `precision`:
    /// full, mixed or half. Throws std::invalid_argument when x does not
    /// fit, std::runtime_error when the prediction is not finite.
    std::vector<float> predict(
        const std::vector<float>& x,
        const std::vector<int64_t>& resolution,
        const std::string& precision = "full"
    ) const;

    /// The model's kind: "FNO" or "GINO".
    std::string kind() const;

    /// True for a GINO trained on the bodies of cases: predictBody applies,
    /// predict does not.
    bool onBodies() const;

    /// The fields such a model predicts at wall faces and at cells.
    const BodyFields& surfaceFields() const;
    const BodyFields& volumeFields() const;

    /// The rows of `cellCentres` (3 per cell) inside the model's latent box:
    /// the cells it predicts.
    std::vector<int64_t> cellsInsideBox(const std::vector<double>& cellCentres) const;

    struct BodyPrediction
    {
        /// faces x surface channels and volumeRows x volume channels,
        /// row-major, in physical units.
        std::vector<float> surface;
        std::vector<float> volume;
        /// Fraction of the body's vertices outside the latent box.
        double outsideBox = 0;
        /// The body's signed distance on the latent grid (the model's
        /// latent feature, in unit-box lengths, the first axis slowest);
        /// empty for a model without it.
        std::vector<float> signedDistance;
    };

    /// A model on bodies: the fields of `body` (no values needed) at its
    /// wall faces and at its cells `volumeRows` (from cellsInsideBox).
    /// Throws std::invalid_argument for a model not on bodies,
    /// std::runtime_error naming the case and entry for a body out of the
    /// model's reach (BodySampling.hpp) or a prediction that is not finite.
    BodyPrediction predictBody(
        const BodyCase& body,
        const std::vector<int64_t>& volumeRows,
        const std::string& precision = "full"
    ) const;

    /// A model on bodies: writes its latent grid as VTK ImageData (.vti)
    /// to `path`, atomically, with the prediction's signed distance (in the
    /// body's units) and insideBody (1 where it is negative). Throws
    /// std::invalid_argument for a model not on bodies or a distance of
    /// another size, std::runtime_error naming the file when it cannot be
    /// written.
    void writeLatentGrid(const std::string& path, const std::vector<float>& signedDistance) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace nop
