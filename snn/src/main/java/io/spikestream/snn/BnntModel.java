package io.spikestream.snn;

/**
 * A BNTT network ready to run: its shape, parameters, early-exit calibration and training provenance.
 *
 * @param modelId    stable identifier (the checkpoint codec derives a content hash when it is empty)
 * @param spec       shape and hyper-parameters
 * @param params     weights and BNTT statistics (live arrays; engines copy what they need)
 * @param earlyExit  calibrated exit settings ({@link EarlyExitSettings#none()} when uncalibrated)
 * @param provenance where the model came from ({@link ModelProvenance#UNKNOWN} when unknown)
 */
public record BnntModel(String modelId, ModelSpec spec, BnntParams params, EarlyExitSettings earlyExit,
                        ModelProvenance provenance) {

    public BnntModel {
        if (spec == null || params == null) {
            throw new IllegalArgumentException("model: spec and params are required");
        }
        if (!params.spec().equals(spec)) {
            throw new IllegalArgumentException("model: params were built for another spec (" + params.spec().layerSpec()
                    + ", T=" + params.spec().timesteps() + ") than " + spec.layerSpec() + ", T=" + spec.timesteps());
        }
        modelId = modelId == null ? "" : modelId;
        earlyExit = earlyExit == null ? EarlyExitSettings.none() : earlyExit;
        provenance = provenance == null ? ModelProvenance.UNKNOWN : provenance;
        if (earlyExit.gammaExitStep() > spec.timesteps()) {
            throw new IllegalArgumentException("model: gamma exit step " + earlyExit.gammaExitStep() + " exceeds T="
                    + spec.timesteps());
        }
    }

    /** A model without id, calibration or provenance (e.g. freshly initialised). */
    public static BnntModel of(ModelSpec spec, BnntParams params) {
        return new BnntModel("", spec, params, EarlyExitSettings.none(), ModelProvenance.UNKNOWN);
    }

    public BnntModel withEarlyExit(EarlyExitSettings settings) {
        return new BnntModel(modelId, spec, params, settings, provenance);
    }

    public BnntModel withProvenance(ModelProvenance p) {
        return new BnntModel(modelId, spec, params, earlyExit, p);
    }

    public BnntModel withModelId(String id) {
        return new BnntModel(id, spec, params, earlyExit, provenance);
    }
}
