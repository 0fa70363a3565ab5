package io.spikestream.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spikestream.events.dataset.Dataset;
import io.spikestream.events.dataset.DatasetKind;
import io.spikestream.snn.BnntModel;
import io.spikestream.snn.BnntParams;
import io.spikestream.snn.ModelSpec;
import io.spikestream.snn.checkpoint.CheckpointCodec;
import io.spikestream.snn.framing.FramingSpec;
import io.spikestream.trainer.backend.Backend;
import io.spikestream.trainer.backend.Backends;
import io.spikestream.trainer.backend.SpikeFunction;
import io.spikestream.trainer.data.FramedSet;
import io.spikestream.trainer.data.ToyTask;
import io.spikestream.trainer.net.BpttNetwork;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --time-budget: the epoch count after the first epoch, the schedule that follows it, the safety stop. */
class TimeBudgetTest {
    @TempDir
    static Path dir;
    static Path data;
    static FramedSet train;
    static ModelSpec spec;

    @BeforeAll
    static void data() {
        data = ToyTask.write(dir.resolve("toy"), 12, 3);
        Dataset ds = Dataset.open(data, DatasetKind.FOLDERS);
        FramingOptions f = TrainingRunLearningTest.options(data, dir.resolve("x"), 1, false).framing();
        FramingSpec framing = f.toSpec(ds.read(ds.samples().get(0)).geometry());
        spec = ModelSpec.of("c4-p2-f16", framing.frameShape(), 4, framing, ds.classNames());
        train = FramedSet.frame(ds.samples(), ds::read, framing, 4, 1, n -> { });
    }

    /** Virtual time: every training batch takes {@code secondsPerBatch[0]} seconds, nothing else takes any. */
    record Run(List<Trainer.EpochReport> epochs, List<Trainer.BudgetPlan> plans, List<Integer> stops, Trainer trainer) {
    }

    static Run run(int maxEpochs, double budgetSeconds, double[] secondsPerBatch, Runnable afterFirstEpoch) {
        TrainConfig cfg = TrainConfig.builder().epochs(maxEpochs).batchSize(8).learningRate(0.1f).seed(5)
                .timeBudget(Duration.ofMillis(Math.round(budgetSeconds * 1000))).build();
        long[] now = {0};
        List<Trainer.EpochReport> epochs = new ArrayList<>();
        List<Trainer.BudgetPlan> plans = new ArrayList<>();
        List<Integer> stops = new ArrayList<>();
        try (Backend be = Backends.select("cpu");
             BpttNetwork net = new BpttNetwork(be, BnntParams.init(spec, 5), SpikeFunction.HEAVISIDE)) {
            Trainer[] t = new Trainer[1];
            t[0] = new Trainer(net, cfg, train, null, new Trainer.Listener() {
                @Override
                public void batchDone(int epoch, int batch, int batches, float loss, float accuracy, double sps) {
                    now[0] += Math.round(secondsPerBatch[0] * 1e9);
                }

                @Override
                public void epochDone(Trainer.EpochReport report, BpttNetwork n) {
                    epochs.add(report);
                    if (epochs.size() == 1) {
                        afterFirstEpoch.run();
                    }
                }

                @Override
                public void budgetPlanned(Trainer.BudgetPlan plan) {
                    plans.add(plan);
                }

                @Override
                public void budgetStopped(int run, int planned, double elapsed) {
                    stops.add(run);
                }
            });
            t[0].setClock(() -> now[0]);
            t[0].setBudgetOrigin(0);
            t[0].run(0);
            return new Run(epochs, plans, stops, t[0]);
        }
    }

    @Test
    void theFirstEpochSetsTheEpochCountAndTheScheduleFollowsIt() {
        // 24 samples, batch 8: 3 batches of 1 s, so 3 s per epoch; 10.5 s fit 1 + floor(7.5 / 3) = 3 epochs
        Run r = run(20, 10.5, new double[] {1}, () -> { });
        assertThat(r.plans()).hasSize(1);
        Trainer.BudgetPlan p = r.plans().get(0);
        assertThat(p.epochs()).isEqualTo(3);
        assertThat(p.requestedEpochs()).isEqualTo(20);
        assertThat(p.epochSeconds()).isEqualTo(3.0);
        assertThat(p.elapsedSeconds()).isEqualTo(3.0);
        assertThat(r.epochs()).hasSize(3);
        assertThat(r.epochs()).allSatisfy(e -> assertThat(e.epochs()).isEqualTo(3));
        assertThat(r.trainer().epochsRun()).isEqualTo(3);
        assertThat(r.trainer().epochs()).isEqualTo(3);
        assertThat(r.trainer().stoppedByBudget()).isFalse();
        // the schedule of 3 epochs: 0.1, then /10 at round(1.5) = 2, round(2.1) = 2, round(2.7) = 3
        assertThat(r.epochs()).extracting(Trainer.EpochReport::learningRate)
                .containsExactly(0.1f, 0.1f, 0.1f * 0.1f * 0.1f);
        TrainConfig three = TrainConfig.builder().epochs(3).batchSize(8).learningRate(0.1f).seed(5).build();
        for (Trainer.EpochReport e : r.epochs()) {
            assertThat(e.learningRate()).isEqualTo(three.learningRateAt(e.epoch()));
        }
    }

    @Test
    void theBudgetNeverRaisesTheEpochsAndAlwaysRunsTheFirst() {
        Run generous = run(4, 3600, new double[] {1}, () -> { });
        assertThat(generous.plans().get(0).epochs()).isEqualTo(4);
        assertThat(generous.epochs()).hasSize(4);
        Run tight = run(4, 0.5, new double[] {1}, () -> { });
        assertThat(tight.plans().get(0).epochs()).isEqualTo(1);
        assertThat(tight.epochs()).hasSize(1);
        assertThat(tight.epochs().get(0).learningRate()).isEqualTo(0.1f);
    }

    @Test
    void slowerLaterEpochsStopTheRunBeforeItOverrunsTheBudget() {
        // planned from a 3 s first epoch: 1 + floor(13.5 / 3) = 5 epochs in 16.5 s; then epochs take 9 s:
        // after epoch 2 (12 s used, mean 6 s) 18 s > 1.05 x 16.5 s, so the run stops there
        double[] perBatch = {1};
        Run r = run(10, 16.5, perBatch, () -> perBatch[0] = 3);
        assertThat(r.plans().get(0).epochs()).isEqualTo(5);
        assertThat(r.epochs()).hasSize(2);
        assertThat(r.stops()).containsExactly(2);
        assertThat(r.trainer().stoppedByBudget()).isTrue();
        assertThat(r.trainer().epochsRun()).isEqualTo(2);
    }

    @Test
    void withoutABudgetNothingIsPlanned() {
        TrainConfig cfg = TrainConfig.builder().epochs(2).batchSize(8).learningRate(0.1f).seed(5).build();
        assertThat(cfg.timeBudget()).isNull();
        assertThat(cfg.withEpochs(7).epochs()).isEqualTo(7);
        assertThat(cfg.withEpochs(7).learningRate()).isEqualTo(0.1f);
        assertThatThrownBy(() -> cfg.toBuilder().timeBudget(Duration.ZERO).build())
                .hasMessageContaining("time budget must be positive");
    }

    @Test
    void aRealRunRecordsTheEpochsItRan(@TempDir Path tmp) {
        Path out = tmp.resolve("budget.ckpt");
        TrainingOptions o = TrainingRunLearningTest.options(data, out, 5, false);
        TrainingOptions budget = o.toBuilder()
                .train(o.train().toBuilder().epochs(5).batchSize(8).loaderThreads(1).timeBudget(Duration.ofMillis(1)).build())
                .build();
        List<String> log = new ArrayList<>();
        TrainingResult r = TrainingRun.run(budget, new TrainingListener() {
            @Override
            public void message(String line) {
                log.add(line);
            }
        });
        assertThat(r.epochs()).isEqualTo(1);
        assertThat(r.epochsRequested()).isEqualTo(5);
        assertThat(r.framingSeconds()).isPositive().isLessThan(r.seconds());
        BnntModel m = CheckpointCodec.read(out);
        assertThat(m.provenance().epochs()).isEqualTo(1);
        // what an epoch writes already says how many epochs ran (a run cut off there keeps that)
        assertThat(CheckpointCodec.readContents(TrainingRun.resumeFile(out)).model().provenance().epochs()).isEqualTo(1);
        assertThat(log).anyMatch(l -> l.startsWith("time budget 0 s:") && l.contains("-> 1 of at most 5 epochs"));
        assertThat(log).anyMatch(l -> l.startsWith("data read and framed in "));

        TrainingOptions resumed = budget.toBuilder().resume(true).build();
        assertThatThrownBy(() -> TrainingRun.run(resumed, new TrainingListener() { }))
                .hasMessageContaining("time budget cannot be combined with --resume");

        // the budget planned 1 epoch: the resume state says so, and resuming with the configured
        // maximum would restart the learning-rate schedule, so it is refused with the count to use
        assertThat(CheckpointCodec.readContents(TrainingRun.resumeFile(out)).resumeState().orElseThrow()
                .budgetPlannedEpochs())
                .isEqualTo(1);
        TrainingOptions resumedAtMax = TrainingRunLearningTest.options(data, out, 5, true);
        assertThatThrownBy(() -> TrainingRun.run(resumedAtMax, new TrainingListener() { }))
                .hasMessageContaining("--resume").hasMessageContaining("planned 1 epochs")
                .hasMessageContaining("--epochs 1 (not 5)");
        TrainingResult asPlanned = TrainingRun.run(TrainingRunLearningTest.options(data, out, 1, true),
                new TrainingListener() { });
        assertThat(asPlanned.epochs()).isEqualTo(1);
    }

    @Test
    void decayEpochsForTheLog() {
        assertThat(TrainingRun.decayEpochs(40)).isEqualTo("20, 28, 36");
        assertThat(TrainingRun.decayEpochs(1)).isEqualTo("none");
    }
}
