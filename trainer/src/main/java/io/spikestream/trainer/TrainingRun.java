package io.spikestream.trainer;

import io.spikestream.events.SensorGeometry;
import io.spikestream.events.dataset.Dataset;
import io.spikestream.events.dataset.DatasetKind;
import io.spikestream.events.dataset.DatasetSplit;
import io.spikestream.events.dataset.Sample;
import io.spikestream.snn.BnntModel;
import io.spikestream.snn.BnntParams;
import io.spikestream.snn.EarlyExitSettings;
import io.spikestream.snn.ModelProvenance;
import io.spikestream.snn.ModelSpec;
import io.spikestream.snn.checkpoint.CheckpointCodec;
import io.spikestream.snn.checkpoint.CheckpointContents;
import io.spikestream.snn.checkpoint.ResumeState;
import io.spikestream.snn.exit.ExitCalibration;
import io.spikestream.snn.framing.CountMode;
import io.spikestream.snn.framing.FrameMode;
import io.spikestream.snn.framing.FramingSpec;
import io.spikestream.trainer.backend.Backend;
import io.spikestream.trainer.backend.Backends;
import io.spikestream.trainer.backend.SpikeFunction;
import io.spikestream.trainer.data.FramedSet;
import io.spikestream.trainer.net.BpttNetwork;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntConsumer;

/**
 * A whole training run, as {@code spikestream train} does it: open the data set, split it per
 * class by a seed, frame it, train, keep the best epoch (by validation accuracy at T) in the output
 * checkpoint and the latest state in {@code <out>.resume}, then calibrate early exit on the
 * validation split and write the final checkpoint with full provenance.
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

    /** How events become frames; zero sizes mean "the sensor's size". */
    public record Framing(FrameMode mode, long windowUs, int eventsPerFrame, int frameWidth, int frameHeight,
            CountMode countMode, int clipMax) {
        public FramingSpec toSpec(SensorGeometry sensor) {
            int w = frameWidth > 0 ? frameWidth : sensor.width();
            int h = frameHeight > 0 ? frameHeight : sensor.height();
            return new FramingSpec(mode, mode == FrameMode.TIME_WINDOW ? windowUs : 0,
                    mode == FrameMode.EVENT_COUNT ? eventsPerFrame : 0, sensor, w, h, countMode, clipMax);
        }
    }

    /** Everything {@code train} takes. */
    public record Options(Path data, DatasetKind datasetKind, String architecture, int timesteps, Framing framing,
            TrainConfig train, String backend, double validationSplit, Path out, boolean resume, String commandLine,
            String softwareVersion) {
        public Options {
            if (!(validationSplit >= 0 && validationSplit < 1)) {
                throw new IllegalArgumentException("validation split " + validationSplit + " outside [0, 1)");
            }
        }
    }

    /**
     * What a run reports.
     *
     * @param epochs          epochs run (from epoch 1, a resumed run's earlier ones included)
     * @param epochsRequested the configured epoch count (the maximum under a time budget)
     * @param stoppedByBudget whether the budget's safety stop ended the run before the planned epochs
     * @param framingSeconds  opening, reading (emulating) and framing the data
     * @param seconds         the whole run, calibration included
     */
    public record Result(float bestAccuracy, int epochs, double samplesPerSecond, Path checkpoint, BnntModel model,
            float[] accuracyByStep, String backendDescription, int epochsRequested, boolean stoppedByBudget,
            double framingSeconds, double seconds) {
    }

    /** Progress callbacks (stderr in the command). */
    public interface Listener extends Trainer.Listener {
        default void message(String line) {
        }

        default void framingProgress(int done, int total) {
        }
    }

    public static Path resumeFile(Path out) {
        return out.resolveSibling(out.getFileName() + ".resume");
    }

    public static Result run(Options o, Listener listener) {
        long runStart = System.nanoTime();
        if (o.resume() && o.train().timeBudget() != null) {
            // the earlier epochs followed another schedule; a budget would re-plan the count under them
            throw new IllegalArgumentException("a time budget cannot be combined with --resume");
        }
        Dataset dataset = Dataset.open(o.data(), o.datasetKind());
        reportSkipped(dataset, listener::message);
        List<Sample> all = dataset.samples();
        if (all.isEmpty()) {
            throw new IllegalArgumentException("data set " + o.data() + " has no samples");
        }
        DatasetSplit split = o.validationSplit() > 0 ? dataset.splitRandom(1 - o.validationSplit(), o.train().seed())
                : new DatasetSplit(all, List.of());
        SensorGeometry sensor = dataset.read(all.get(0)).geometry();
        FramingSpec framing = o.framing().toSpec(sensor);
        ModelSpec spec = ModelSpec.of(o.architecture(), framing.frameShape(), o.timesteps(), framing,
                dataset.classNames());
        listener.message(String.format(Locale.ROOT, "data: %s, %d classes, %d train / %d validation samples (%s)",
                o.data(), spec.numClasses(), split.train().size(), split.test().size(), splitDescription(o)));
        listener.message("model: " + spec.layerSpec() + ", T=" + spec.timesteps() + ", input " + spec.input()
                + ", framing " + framing.describe());

        Backends.Selection sel = Backends.choose(o.backend());
        listener.message(sel.description() + " (" + sel.backend().implementation() + " on " + sel.backend().device() + ")");
        try (Backend be = sel.backend()) {
            int threads = Math.max(1, o.train().loaderThreads());
            int total = split.train().size() + split.test().size();
            int[] base = {0};
            IntConsumer prog = n -> listener.framingProgress(base[0] + n, total);
            FramedSet train = FramedSet.frame(split.train(), dataset::read, framing, spec.timesteps(), threads, prog);
            base[0] = split.train().size();
            FramedSet val = FramedSet.frame(split.test(), dataset::read, framing, spec.timesteps(), threads, prog);
            double framingSeconds = (System.nanoTime() - runStart) / 1e9;
            listener.message(String.format(Locale.ROOT, "data read%s and framed in %.1f s (%.1f ms per sample on %d threads)",
                    dataset.emulationSeed().isPresent() ? ", emulated" : "", framingSeconds,
                    1000 * framingSeconds / Math.max(1, total), threads));

            BnntParams params = BnntParams.init(spec, o.train().seed());
            int firstEpoch = 0;
            float bestSoFar = -1f;
            List<float[]> momentum = null;
            Path resumePath = resumeFile(o.out());
            if (o.resume()) {
                if (!Files.exists(resumePath)) {
                    throw new IllegalArgumentException("--resume: " + resumePath + " does not exist (it is written after every epoch)");
                }
                CheckpointContents saved = CheckpointCodec.readContents(resumePath);
                BnntModel m = saved.model();
                ResumeState state = saved.resumeState().orElseThrow(() -> new IllegalArgumentException("--resume: "
                        + resumePath + " holds no training state"));
                if (!m.spec().equals(spec)) {
                    throw new IllegalArgumentException("--resume: " + resumePath + " holds " + m.spec().layerSpec() + ", T="
                            + m.spec().timesteps() + ", framing " + m.spec().framing().describe()
                            + " but the options give " + spec.layerSpec() + ", T=" + spec.timesteps() + ", framing "
                            + framing.describe());
                }
                int planned = state.budgetPlannedEpochs();
                if (planned > 0 && planned != o.train().epochs()) {
                    throw new IllegalArgumentException("--resume: " + resumePath + " comes from a run whose time budget "
                            + "planned " + planned + " epochs, and its learning-rate schedule follows that count; resume"
                            + " with --epochs " + planned + " (not " + o.train().epochs() + ")");
                }
                params = m.params();
                firstEpoch = state.epochsDone();
                bestSoFar = m.provenance().bestAccuracy();
                momentum = new ArrayList<>(state.momentum());
                listener.message("resuming after epoch " + firstEpoch + " (best validation accuracy so far "
                        + String.format(Locale.ROOT, "%.2f %%", 100 * bestSoFar) + ")");
            }
            Instant started = Instant.now();
            ModelProvenance.Builder prov = ModelProvenance.builder()
                    .dataset(dataset.kind().name().toLowerCase(Locale.ROOT).replace('_', '-'))
                    .dataDir(o.data().toString())
                    .seed(o.train().seed())
                    .epochs(o.train().epochs())
                    .backend(be.implementation())
                    .device(be.device())
                    .split(splitDescription(o))
                    .trainSamples(train.size())
                    .validationSamples(val.size())
                    .learningRate(o.train().learningRate())
                    .batchSize(o.train().batchSize())
                    .softwareVersion(o.softwareVersion() == null ? "" : o.softwareVersion())
                    .commandLine(o.commandLine() == null ? "" : o.commandLine());

            try (BpttNetwork net = new BpttNetwork(be, params, SpikeFunction.HEAVISIDE)) {
                if (momentum != null) {
                    net.setMomentum(momentum);
                }
                BnntParams snapshot = params.copy();
                Trainer trainer = new Trainer(net, o.train(), train, val.size() > 0 ? val : null, new Trainer.Listener() {
                    @Override
                    public void batchDone(int epoch, int batch, int batches, float loss, float accuracy, double sps) {
                        listener.batchDone(epoch, batch, batches, loss, accuracy, sps);
                    }

                    @Override
                    public void budgetPlanned(Trainer.BudgetPlan p) {
                        listener.message(String.format(Locale.ROOT,
                                "time budget %.0f s: %.1f s used, first epoch took %.1f s -> %d of at most %d epochs"
                                        + " (learning rate /10 after epochs %s)", p.budgetSeconds(), p.elapsedSeconds(),
                                p.epochSeconds(), p.epochs(), p.requestedEpochs(), decayEpochs(p.epochs())));
                        listener.budgetPlanned(p);
                    }

                    @Override
                    public void budgetStopped(int run, int planned, double elapsed) {
                        listener.message(String.format(Locale.ROOT,
                                "time budget used up: stopping after epoch %d of %d planned (%.1f s elapsed)", run,
                                planned, elapsed));
                        listener.budgetStopped(run, planned, elapsed);
                    }

                    @Override
                    public void epochDone(Trainer.EpochReport r, BpttNetwork n) {
                        n.download(snapshot);
                        // epochs run so far: what a run cut off after this epoch has done (the end sets the total)
                        prov.epochs(r.epoch() + 1);
                        double secs = ChronoUnit.MILLIS.between(started, Instant.now()) / 1000.0;
                        prov.trainingSeconds(secs).createdAt(Instant.now().toString());
                        if (r.best()) {
                            prov.bestAccuracy(Float.isNaN(r.validationAccuracy()) ? 0f : r.validationAccuracy());
                            CheckpointCodec.write(o.out(), new BnntModel("", spec, snapshot, EarlyExitSettings.none(),
                                    prov.build()));
                        }
                        CheckpointCodec.write(resumePath, new BnntModel("", spec, snapshot, EarlyExitSettings.none(),
                                prov.build()), new ResumeState(r.epoch() + 1, n.momentum(),
                                o.train().timeBudget() != null ? r.epochs() : 0));
                        listener.epochDone(r, n);
                    }
                });
                trainer.setBestAccuracy(bestSoFar);
                trainer.setBudgetOrigin(runStart);
                trainer.run(firstEpoch);

                BnntModel best = CheckpointCodec.read(o.out());
                BnntModel done = val.size() > 0 ? calibrate(best, val, be, o.train().batchSize(), listener::message) : best;
                // the epochs actually run (a time budget or its stop may have lowered the count)
                done = new BnntModel("", spec, done.params(), done.earlyExit(),
                        done.provenance().toBuilder().epochs(trainer.epochsRun()).build());
                CheckpointCodec.write(o.out(), done);
                BnntModel written = CheckpointCodec.read(o.out());
                float[] byStep = written.provenance().accuracyByStepArray();
                return new Result(trainer.bestAccuracy(), trainer.epochsRun(), trainer.samplesPerSecond(), o.out(),
                        written, byStep, sel.description(), o.train().epochs(), trainer.stoppedByBudget(), framingSeconds,
                        (System.nanoTime() - runStart) / 1e9);
            }
        }
    }

    /**
     * The τ grid of the calibration: snn's default grid refined towards 1, because the softmax of a
     * mean readout trained to convergence is very confident and the useful thresholds crowd there.
     */
    public static final float[] CALIBRATION_THRESHOLDS = thresholds();

    private static float[] thresholds() {
        java.util.TreeSet<Float> set = new java.util.TreeSet<>();
        for (float f : ExitCalibration.DEFAULT_THRESHOLDS) {
            set.add(f);
        }
        for (float f : new float[] {0.996f, 0.997f, 0.998f, 0.9985f, 0.999f, 0.9993f, 0.9995f, 0.9998f, 0.9999f}) {
            set.add(f);
        }
        float[] out = new float[set.size()];
        int i = 0;
        for (float f : set) {
            out[i++] = f;
        }
        return out;
    }

    /**
     * The τ values worth trying on these scores: the grid plus the midpoints between consecutive
     * distinct confidences the samples reach (from 0.5 up). Mean steps and accuracy only change
     * when τ crosses a reached confidence, so this finds the τ with the fewest mean steps within
     * the tolerance exactly, where a fixed grid can step over it; midpoints keep a margin on both
     * sides instead of sitting on one sample's confidence.
     */
    static float[] candidateThresholds(float[][][] scores) {
        java.util.TreeSet<Float> reached = new java.util.TreeSet<>();
        for (float[][] sample : scores) {
            for (float[] step : sample) {
                float c = io.spikestream.snn.exit.ExitMetrics.confidence(step);
                if (c >= 0.5f && c < 1f) {
                    reached.add(c);
                }
            }
        }
        java.util.TreeSet<Float> out = new java.util.TreeSet<>();
        for (float f : CALIBRATION_THRESHOLDS) {
            out.add(f);
        }
        Float prev = null;
        for (float c : reached) {
            if (prev != null) {
                float mid = (prev + c) / 2f;
                if (mid > prev && mid < c) {
                    out.add(mid);
                }
            }
            prev = c;
        }
        float[] a = new float[out.size()];
        int i = 0;
        for (float f : out) {
            a[i++] = f;
        }
        return a;
    }

    /**
     * Early-exit calibration on held-out data (DESIGN.md §3): the τ and minimum step count (1, 2 or 3) with
     * the fewest mean steps whose accuracy stays within 1 point of full-T accuracy (τ searched over
     * {@link #candidateThresholds}; the stored table is the fixed grid at the chosen minimum), BNTT's γ exit
     * step, and the accuracy after every step recorded in the provenance.
     */
    public static BnntModel calibrate(BnntModel model, FramedSet heldOut, Backend be, int batch,
            java.util.function.Consumer<String> log) {
        ModelSpec spec = model.spec();
        float[][][] scores;
        try (BpttNetwork eval = new BpttNetwork(be, model.params(), SpikeFunction.HEAVISIDE)) {
            scores = Evaluator.scores(eval, heldOut, batch, x -> { });
        }
        int[] labels = heldOut.labels();
        float[] byStep = ExitCalibration.accuracyByStep(scores, labels);
        ExitCalibration.Result cal = ExitCalibration.calibrate(scores, labels, candidateThresholds(scores),
                ExitCalibration.DEFAULT_TOLERANCE_POINTS);
        float[] gammas = ExitCalibration.meanGammaPerStep(model);
        int gammaStep = ExitCalibration.gammaExitStep(gammas, ExitCalibration.DEFAULT_GAMMA_THRESHOLD);
        // store the readable grid at the chosen minimum as the table, plus the chosen row
        java.util.List<EarlyExitSettings.Row> table = new java.util.ArrayList<>(
                ExitCalibration.table(scores, labels, CALIBRATION_THRESHOLDS, cal.minSteps()));
        if (cal.threshold() > 0) {
            table.add(new EarlyExitSettings.Row(cal.threshold(), cal.accuracy(), cal.meanSteps()));
            table.sort(java.util.Comparator.comparingDouble(EarlyExitSettings.Row::threshold));
        }
        cal = cal.withTable(table);
        for (ExitCalibration.Candidate c : cal.candidates()) {
            log.accept(String.format(Locale.ROOT, "  min steps %d: %s", c.minSteps(), c.threshold() > 0
                    ? String.format(Locale.ROOT, "tau %.5f -> accuracy %.2f %% in %.2f steps", c.threshold(),
                            100 * c.accuracy(), c.meanSteps())
                    : "no tau beats full T within the tolerance"));
        }
        log.accept(String.format(Locale.ROOT,
                "early exit calibrated on %d held-out samples: tau %.5f from step %d -> accuracy %.2f %% in %.2f of"
                        + " %d steps (full T %.2f %%); BNTT gamma exit step %s",
                labels.length, cal.threshold(), cal.minSteps(), 100 * cal.accuracy(), cal.meanSteps(),
                spec.timesteps(), 100 * cal.fullAccuracy(), gammaStep == 0 ? "none" : String.valueOf(gammaStep)));
        return new BnntModel("", spec, model.params(), cal.toSettings(gammaStep, ExitCalibration.DEFAULT_GAMMA_THRESHOLD),
                model.provenance().toBuilder().accuracyByStep(byStep).build());
    }

    /** The 1-based epochs after which the learning rate drops, for the log. */
    static String decayEpochs(int epochs) {
        TrainConfig c = new TrainConfig(epochs, 2, 1f, 0f, 0f, 0, null, 1);
        StringBuilder b = new StringBuilder();
        for (int e = 1; e < epochs; e++) {
            if (c.learningRateAt(e) < c.learningRateAt(e - 1)) {
                b.append(b.length() > 0 ? ", " : "").append(e);
            }
        }
        return b.length() > 0 ? b.toString() : "none";
    }

    /** Unusable inputs of the data set (emulated images), the first few named, so none is lost silently. */
    public static void reportSkipped(Dataset dataset, java.util.function.Consumer<String> log) {
        List<String> skipped = dataset.skippedInputs();
        if (skipped.isEmpty()) {
            return;
        }
        log.accept("skipped " + skipped.size() + " unusable input(s) of " + dataset.root() + ":");
        skipped.stream().limit(10).forEach(s -> log.accept("  " + s));
        if (skipped.size() > 10) {
            log.accept("  ... and " + (skipped.size() - 10) + " more");
        }
    }

    private static String splitDescription(Options o) {
        if (o.validationSplit() == 0) {
            return "no validation split";
        }
        long trainPct = Math.round(100 * (1 - o.validationSplit()));
        return trainPct + "/" + (100 - trainPct) + " per class, seed " + o.train().seed();
    }
}
