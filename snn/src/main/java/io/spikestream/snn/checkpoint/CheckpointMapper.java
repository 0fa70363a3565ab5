package io.spikestream.snn.checkpoint;

import io.spikestream.proto.v1.Checkpoint;
import io.spikestream.proto.v1.EarlyExit;
import io.spikestream.proto.v1.ExitTableRow;
import io.spikestream.proto.v1.FloatTensor;
import io.spikestream.proto.v1.Provenance;
import io.spikestream.proto.v1.TrainingState;
import io.spikestream.snn.BnntModel;
import io.spikestream.snn.BnntParams;
import io.spikestream.snn.EarlyExitSettings;
import io.spikestream.snn.ModelProvenance;
import io.spikestream.snn.ModelSpec;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * {@link BnntModel} (and {@link ResumeState}) ↔ {@code neuro.v1.Checkpoint}: the only place that maps a
 * checkpoint, its early-exit calibration, provenance and training state. The config and the parameters
 * go through {@link ConfigMapper} and {@link ParamsMapper}.
 */
final class CheckpointMapper {
    private CheckpointMapper() {
    }

    /** The message for a model (a content id when the model has none); {@code resume} may be null. */
    static Checkpoint toProto(BnntModel model, ResumeState resume) {
        ModelSpec spec = model.spec();
        Checkpoint.Builder b = Checkpoint.newBuilder()
                .setFormatVersion(CheckpointCodec.FORMAT_VERSION)
                .setConfig(ConfigMapper.toProto(spec))
                .addAllParams(ParamsMapper.toProto(spec, model.params()))
                .setEarlyExit(toProto(model.earlyExit()))
                .setProvenance(toProto(model.provenance()));
        b.setModelId(model.modelId().isEmpty() ? contentId(b.build()) : model.modelId());
        if (resume != null) {
            b.setTrainingState(toProto(resume));
        }
        return CheckpointIntegrity.seal(b.build());
    }

    /**
     * A stable id from the config and parameters: {@code bntt-} and the first 16 hex digits of the SHA-256
     * of the checkpoint bytes without id, calibration, provenance and training state.
     */
    static String contentId(Checkpoint cp) {
        Checkpoint core = cp.toBuilder().clearModelId().clearEarlyExit().clearProvenance().clearTrainingState().build();
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(core.toByteArray());
            return "bntt-" + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Builds and validates a model from a message; {@code source} names it in errors. */
    static BnntModel modelOf(Checkpoint cp, String source) {
        if (cp.getFormatVersion() != CheckpointCodec.FORMAT_VERSION) {
            throw new CheckpointFormatException(source + ": checkpoint format_version "
                    + Integer.toUnsignedString(cp.getFormatVersion()) + " is not known (this build reads version "
                    + CheckpointCodec.FORMAT_VERSION + ")");
        }
        if (!cp.hasConfig()) {
            throw new CheckpointFormatException(source + ": checkpoint has no model config");
        }
        ModelSpec spec;
        try {
            spec = ConfigMapper.fromProto(cp.getConfig());
        } catch (IllegalArgumentException e) {
            throw new CheckpointFormatException(source + ": bad model config: " + e.getMessage(), e);
        }
        BnntParams params = ParamsMapper.fromProto(spec, cp.getParamsList(), source);
        EarlyExitSettings exit;
        try {
            exit = cp.hasEarlyExit() ? fromProto(cp.getEarlyExit()) : EarlyExitSettings.none();
        } catch (IllegalArgumentException e) {
            throw new CheckpointFormatException(source + ": bad early_exit: " + e.getMessage(), e);
        }
        if (exit.gammaExitStep() > spec.timesteps()) {
            throw new CheckpointFormatException(source + ": early_exit.gamma_exit_step " + exit.gammaExitStep()
                    + " exceeds T=" + spec.timesteps());
        }
        if (exit.minSteps() > spec.timesteps()) {
            throw new CheckpointFormatException(source + ": early_exit.min_steps " + exit.minSteps()
                    + " exceeds T=" + spec.timesteps());
        }
        return new BnntModel(cp.getModelId(), spec, params, exit, fromProto(cp.getProvenance()));
    }

    /** The training state of a checkpoint written for {@code --resume}; empty for any other. */
    static Optional<ResumeState> resumeStateOf(Checkpoint cp, String source) {
        if (!cp.hasTrainingState()) {
            return Optional.empty();
        }
        TrainingState s = cp.getTrainingState();
        if (s.getEpoch() < 0 || s.getBudgetPlannedEpochs() < 0) { // uint32 above 2^31 − 1
            throw new CheckpointFormatException(source + ": training_state.epoch or budget_planned_epochs out of range");
        }
        List<float[]> momentum = new ArrayList<>(s.getMomentumCount());
        for (FloatTensor t : s.getMomentumList()) {
            momentum.add(ParamsMapper.values(t));
        }
        return Optional.of(new ResumeState(s.getEpoch(), momentum, s.getBudgetPlannedEpochs()));
    }

    private static TrainingState toProto(ResumeState r) {
        TrainingState.Builder b = TrainingState.newBuilder().setEpoch(r.epochsDone())
                .setBudgetPlannedEpochs(r.budgetPlannedEpochs());
        for (float[] m : r.momentum()) {
            b.addMomentum(ParamsMapper.vector(m));
        }
        return b.build();
    }

    static EarlyExit toProto(EarlyExitSettings e) {
        EarlyExit.Builder b = EarlyExit.newBuilder()
                .setConfidenceThreshold(e.confidenceThreshold())
                .setMarginThreshold(e.marginThreshold())
                .setMinSteps(e.minSteps())
                .setGammaExitStep(e.gammaExitStep())
                .setGammaThreshold(e.gammaThreshold())
                .setTolerancePoints(e.tolerancePoints())
                .setAccuracy(e.accuracy())
                .setMeanSteps(e.meanSteps())
                .setFullAccuracy(e.fullAccuracy())
                .setSamples(e.samples());
        for (EarlyExitSettings.Row r : e.table()) {
            b.addTable(ExitTableRow.newBuilder().setThreshold(r.threshold()).setAccuracy(r.accuracy())
                    .setMeanSteps(r.meanSteps()));
        }
        return b.build();
    }

    /** @throws IllegalArgumentException naming the field that is out of range */
    static EarlyExitSettings fromProto(EarlyExit e) {
        List<EarlyExitSettings.Row> rows = new ArrayList<>();
        for (ExitTableRow r : e.getTableList()) {
            rows.add(new EarlyExitSettings.Row(r.getThreshold(), r.getAccuracy(), r.getMeanSteps()));
        }
        if (e.getGammaExitStep() < 0 || e.getSamples() < 0) {
            throw new IllegalArgumentException("early exit: gamma_exit_step or samples out of range");
        }
        if (e.getMinSteps() < 0) { // uint32 above 2^31 − 1
            throw new IllegalArgumentException("early exit: min_steps " + Integer.toUnsignedString(e.getMinSteps())
                    + " out of range");
        }
        // 0 = written before min_steps existed: those checkpoints allowed an exit after any step
        int minSteps = Math.max(1, e.getMinSteps());
        return new EarlyExitSettings(e.getConfidenceThreshold(), e.getMarginThreshold(), minSteps, e.getGammaExitStep(),
                e.getGammaThreshold(), e.getTolerancePoints(), e.getAccuracy(), e.getMeanSteps(), e.getFullAccuracy(),
                e.getSamples(), rows);
    }

    static Provenance toProto(ModelProvenance p) {
        return Provenance.newBuilder()
                .setDataset(p.dataset())
                .setDataDir(p.dataDir())
                .setSeed(p.seed())
                .setEpochs(p.epochs())
                .setBackend(p.backend())
                .setDevice(p.device())
                .addAllAccuracyByStep(p.accuracyByStep())
                .setSplit(p.split())
                .setTrainSamples(p.trainSamples())
                .setValidationSamples(p.validationSamples())
                .setLearningRate(p.learningRate())
                .setBatchSize(p.batchSize())
                .setTrainingSeconds(p.trainingSeconds())
                .setCreatedAt(p.createdAt())
                .setSoftwareVersion(p.softwareVersion())
                .setCommandLine(p.commandLine())
                .setBestAccuracy(p.bestAccuracy())
                .build();
    }

    static ModelProvenance fromProto(Provenance p) {
        return ModelProvenance.builder()
                .dataset(p.getDataset())
                .dataDir(p.getDataDir())
                .seed(p.getSeed())
                .epochs(p.getEpochs())
                .backend(p.getBackend())
                .device(p.getDevice())
                .accuracyByStep(p.getAccuracyByStepList())
                .split(p.getSplit())
                .trainSamples(p.getTrainSamples())
                .validationSamples(p.getValidationSamples())
                .learningRate(p.getLearningRate())
                .batchSize(p.getBatchSize())
                .trainingSeconds(p.getTrainingSeconds())
                .createdAt(p.getCreatedAt())
                .softwareVersion(p.getSoftwareVersion())
                .commandLine(p.getCommandLine())
                .bestAccuracy(p.getBestAccuracy())
                .build();
    }
}
