package io.spikestream.trainer;

import io.spikestream.snn.BnntModel;
import io.spikestream.trainer.backend.Backend;
import io.spikestream.trainer.backend.Backends;
import io.spikestream.trainer.backend.SpikeFunction;
import io.spikestream.trainer.net.BpttNetwork;
import java.nio.file.Path;

/**
 * A whole training run, as {@code spikestream train} does it: open the data set and split it per
 * class by a seed ({@link TrainingData}), pick the backend, frame the data, start fresh or from the
 * resume state ({@link ResumeState}), train ({@link Trainer}) while keeping the best epoch and the
 * latest state on disk ({@link RunCheckpoints}), then calibrate early exit on the validation split
 * and write the final checkpoint with full provenance.
 *
 * <p>A {@linkplain TrainConfig#timeBudget() time budget} counts from the start of {@link #run}, so
 * opening and framing the data (which for an emulated data set includes the emulation) use it up
 * too: the run then fits its epochs into what is left after the first one (see {@link Trainer}). The
 * final calibration and checkpoint write come after the budget (one inference pass over the
 * validation split). The provenance records the epochs actually run.
 */
public final class TrainingRun {
    private TrainingRun() {
    }

    /** Where a run keeps the state {@code --resume} continues from: {@code <out>.resume}. */
    public static Path resumeFile(Path out) {
        return ResumeState.file(out);
    }

    public static TrainingResult run(TrainingOptions o, TrainingListener listener) {
        long runStart = System.nanoTime();
        if (o.resume() && o.train().timeBudget() != null) {
            // the earlier epochs followed another schedule; a budget would re-plan the count under them
            throw new IllegalArgumentException("a time budget cannot be combined with --resume");
        }
        TrainingData data = TrainingData.open(o, listener);
        Backends.Selection sel = Backends.choose(o.backend());
        listener.message(sel.description() + " (" + sel.backend().implementation() + " on " + sel.backend().device() + ")");
        try (Backend be = sel.backend()) {
            TrainingData.Framed sets = data.frame(o.train().loaderThreads(), listener, runStart);
            ResumeState state = ResumeState.start(o, data.spec, listener);
            RunCheckpoints checkpoints = new RunCheckpoints(o, data, sets, be, state.params(), listener);
            try (BpttNetwork net = new BpttNetwork(be, state.params(), SpikeFunction.HEAVISIDE)) {
                state.restoreMomentum(net);
                Trainer trainer = new Trainer(net, o.train(), sets.train(),
                        sets.validation().size() > 0 ? sets.validation() : null, checkpoints);
                trainer.setBestAccuracy(state.bestSoFar());
                trainer.setBudgetOrigin(runStart);
                trainer.run(state.firstEpoch());
                BnntModel written = checkpoints.finish(trainer.epochsRun(), sets.validation(), be);
                float[] byStep = written.provenance().accuracyByStepArray();
                return new TrainingResult(trainer.bestAccuracy(), trainer.epochsRun(), trainer.samplesPerSecond(),
                        o.out(), written, byStep, sel.description(), o.train().epochs(), trainer.stoppedByBudget(),
                        sets.seconds(), (System.nanoTime() - runStart) / 1e9);
            }
        }
    }

    /** The 1-based epochs after which the learning rate drops, for the log. */
    static String decayEpochs(int epochs) {
        TrainConfig c = TrainConfig.builder().epochs(epochs).build();
        StringBuilder b = new StringBuilder();
        for (int e = 1; e < epochs; e++) {
            if (c.learningRateAt(e) < c.learningRateAt(e - 1)) {
                b.append(b.length() > 0 ? ", " : "").append(e);
            }
        }
        return b.length() > 0 ? b.toString() : "none";
    }
}
