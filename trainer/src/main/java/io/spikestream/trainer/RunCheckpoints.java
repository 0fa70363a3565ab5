package io.spikestream.trainer;

import io.spikestream.snn.BnntModel;
import io.spikestream.snn.BnntParams;
import io.spikestream.snn.EarlyExitSettings;
import io.spikestream.snn.ModelProvenance;
import io.spikestream.snn.ModelSpec;
import io.spikestream.snn.checkpoint.CheckpointCodec;
import io.spikestream.trainer.backend.Backend;
import io.spikestream.trainer.data.FramedSet;
import io.spikestream.trainer.eval.Calibrator;
import io.spikestream.trainer.net.BpttNetwork;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * The files a training run leaves, kept current as the {@link Trainer} goes: after every epoch the
 * best epoch so far (by validation accuracy at T) in {@code --out} and the latest state in
 * {@code <out>.resume}, both with the provenance as it stands (so a run cut off mid-way leaves a
 * usable, truthful checkpoint); at the end the best epoch calibrated for early exit. Forwards the
 * trainer's progress to the run's listener, with the time budget's plan and stop as log lines.
 */
final class RunCheckpoints implements Trainer.Listener {
    private final TrainingOptions o;
    private final ModelSpec spec;
    private final TrainingListener listener;
    private final ModelProvenance.Builder prov;
    private final BnntParams snapshot;
    private final Instant started = Instant.now();

    RunCheckpoints(TrainingOptions o, TrainingData data, TrainingData.Framed sets, Backend be, BnntParams start,
            TrainingListener listener) {
        this.o = o;
        this.spec = data.spec;
        this.listener = listener;
        this.snapshot = start.copy();
        this.prov = ModelProvenance.builder()
                .dataset(data.dataset.kind().name().toLowerCase(Locale.ROOT).replace('_', '-'))
                .dataDir(o.data().toString())
                .seed(o.train().seed())
                .epochs(o.train().epochs())
                .backend(be.implementation())
                .device(be.device())
                .split(o.splitDescription())
                .trainSamples(sets.train().size())
                .validationSamples(sets.validation().size())
                .learningRate(o.train().learningRate())
                .batchSize(o.train().batchSize())
                .softwareVersion(o.softwareVersion() == null ? "" : o.softwareVersion())
                .commandLine(o.commandLine() == null ? "" : o.commandLine());
    }

    @Override
    public void batchDone(int epoch, int batch, int batches, float loss, float accuracy, double sps) {
        listener.batchDone(epoch, batch, batches, loss, accuracy, sps);
    }

    @Override
    public void budgetPlanned(Trainer.BudgetPlan p) {
        listener.message(String.format(Locale.ROOT,
                "time budget %.0f s: %.1f s used, first epoch took %.1f s -> %d of at most %d epochs"
                        + " (learning rate /10 after epochs %s)", p.budgetSeconds(), p.elapsedSeconds(),
                p.epochSeconds(), p.epochs(), p.requestedEpochs(), TrainingRun.decayEpochs(p.epochs())));
        listener.budgetPlanned(p);
    }

    @Override
    public void budgetStopped(int run, int planned, double elapsed) {
        listener.message(String.format(Locale.ROOT,
                "time budget used up: stopping after epoch %d of %d planned (%.1f s elapsed)", run, planned, elapsed));
        listener.budgetStopped(run, planned, elapsed);
    }

    @Override
    public void epochDone(Trainer.EpochReport r, BpttNetwork net) {
        net.download(snapshot);
        // epochs run so far: what a run cut off after this epoch has done (the end sets the total)
        prov.epochs(r.epoch() + 1);
        prov.trainingSeconds(ChronoUnit.MILLIS.between(started, Instant.now()) / 1000.0)
                .createdAt(Instant.now().toString());
        if (r.best()) {
            prov.bestAccuracy(Float.isNaN(r.validationAccuracy()) ? 0f : r.validationAccuracy());
            CheckpointCodec.write(o.out(), model(snapshot));
        }
        ResumeState.write(o.out(), model(snapshot), r.epoch() + 1, net.momentum(),
                o.train().timeBudget() != null ? r.epochs() : 0);
        listener.epochDone(r, net);
    }

    private BnntModel model(BnntParams params) {
        return new BnntModel("", spec, params, EarlyExitSettings.none(), prov.build());
    }

    /**
     * The best epoch's checkpoint calibrated on the validation split (when there is one) and with
     * the epochs actually run (a time budget or its stop may have lowered the count), written to
     * {@code --out} and read back as stored.
     */
    BnntModel finish(int epochsRun, FramedSet validation, Backend be) {
        BnntModel best = CheckpointCodec.read(o.out());
        BnntModel done = validation.size() > 0
                ? Calibrator.calibrate(best, validation, be, o.train().batchSize(), listener::message) : best;
        done = new BnntModel("", spec, done.params(), done.earlyExit(),
                done.provenance().toBuilder().epochs(epochsRun).build());
        CheckpointCodec.write(o.out(), done);
        return CheckpointCodec.read(o.out());
    }
}
