package io.spikestream.trainer;

import io.spikestream.trainer.backend.Backend;
import io.spikestream.trainer.data.BatchAssembler;
import io.spikestream.trainer.data.FramedSet;
import io.spikestream.trainer.eval.Evaluator;
import io.spikestream.trainer.net.BpttNetwork;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The training loop: seeded shuffling, batches assembled ahead on loader threads, BPTT, SGD with
 * the step schedule, validation after every epoch. Deterministic for a seed: shuffles and
 * augmentation derive from (seed, epoch, batch) and never from thread timing. Incomplete last
 * batches are dropped in training (batch statistics over a handful of samples are noise).
 *
 * <p>With a {@linkplain TrainConfig#timeBudget() time budget}, the first epoch of {@link #run}
 * measures how long an epoch takes (training and validation) and the epoch count becomes
 * {@code min(epochs, 1 + floor(remaining budget / that time))}, at least 1; the learning-rate
 * schedule (÷10 at 50, 70, 90 %) then follows that count. The budget counts from
 * {@link #setBudgetOrigin} (by default the start of {@code run}). Should later epochs be slower,
 * the run also stops before an epoch that would end more than 5 % past the budget by the slower of
 * the mean and the latest epoch time so far (checkpoint saving included). Which epochs shuffle and augment how stays a function of (seed, epoch), but how
 * many epochs run, hence the result, then depends on the machine's speed.
 */
public final class Trainer {

    /** Called from the training thread. */
    public interface Listener {
        default void batchDone(int epoch, int batch, int batches, float loss, float accuracy, double samplesPerSecond) {
        }

        /** After validation; {@code net} holds this epoch's parameters (download them to save). */
        default void epochDone(EpochReport report, BpttNetwork net) {
        }

        /** After the first epoch of a run with a time budget, before that epoch's {@link #epochDone}. */
        default void budgetPlanned(BudgetPlan plan) {
        }

        /** When the budget stops the run before the planned epochs (after that epoch's {@link #epochDone}). */
        default void budgetStopped(int epochsRun, int epochsPlanned, double elapsedSeconds) {
        }
    }

    /**
     * How a time budget set the epoch count.
     *
     * @param epochs           the epochs the run will do (total, from epoch 1)
     * @param requestedEpochs  the configured maximum
     * @param epochSeconds     the measured first epoch (training and validation)
     * @param elapsedSeconds   budget used when the plan was made (since the origin)
     * @param budgetSeconds    the budget
     */
    public record BudgetPlan(int epochs, int requestedEpochs, double epochSeconds, double elapsedSeconds,
            double budgetSeconds) {
    }

    /** One epoch's figures; accuracies are fractions. */
    public record EpochReport(int epoch, int epochs, float learningRate, float trainLoss, float trainAccuracy,
            float validationAccuracy, boolean best, double samplesPerSecond, double seconds) {
    }

    private final BpttNetwork net;
    /** Replaced once when a time budget sets the epoch count. */
    private TrainConfig cfg;
    private final FramedSet train;
    private final FramedSet validation;
    private final Listener listener;
    private float bestAccuracy = -1f;
    private double trainSeconds;
    private long trainSamples;
    private long budgetOrigin;
    private boolean budgetOriginSet;
    private int epochsRun;
    private int firstEpochOfRun;
    private double epochSecondsSum;
    private double lastEpochSeconds;
    private boolean stoppedByBudget;
    /** {@link System#nanoTime()}; tests substitute a virtual clock. */
    private LongSupplier clock = System::nanoTime;

    public Trainer(BpttNetwork net, TrainConfig cfg, FramedSet train, FramedSet validation, Listener listener) {
        if (train.size() < cfg.batchSize()) {
            throw new IllegalArgumentException("training set has " + train.size() + " samples, fewer than one batch of "
                    + cfg.batchSize());
        }
        this.net = net;
        this.cfg = cfg;
        this.train = train;
        this.validation = validation;
        this.listener = listener;
    }

    /** Continues from a resumed state: the best validation accuracy so far. */
    public void setBestAccuracy(float best) {
        bestAccuracy = best;
    }

    public float bestAccuracy() {
        return bestAccuracy;
    }

    /**
     * The instant ({@link System#nanoTime()}) the time budget counts from, e.g. the start of a
     * training run before its data are framed; by default the start of {@link #run}.
     */
    public void setBudgetOrigin(long nanoTime) {
        budgetOrigin = nanoTime;
        budgetOriginSet = true;
    }

    /** Replaces the clock (nanoseconds, like {@link System#nanoTime()}) for tests of the time budget. */
    void setClock(LongSupplier nanoTime) {
        clock = nanoTime;
    }

    /** Epochs completed so far, counted from epoch 1 (a resumed run includes the earlier ones). */
    public int epochsRun() {
        return epochsRun;
    }

    /** The epoch count in force: the configured one, or what the time budget set. */
    public int epochs() {
        return cfg.epochs();
    }

    /** Whether the time budget ended the run before the planned epochs. */
    public boolean stoppedByBudget() {
        return stoppedByBudget;
    }

    /** Mean training throughput over the epochs run. */
    public double samplesPerSecond() {
        return trainSeconds > 0 ? trainSamples / trainSeconds : 0;
    }

    /** Runs epochs {@code firstEpoch} .. epochs−1 (0-based); fewer with a time budget (see the class comment). */
    public void run(int firstEpoch) {
        if (!budgetOriginSet) {
            budgetOrigin = clock.getAsLong();
        }
        firstEpochOfRun = firstEpoch;
        epochsRun = firstEpoch;
        ExecutorService loaders = Executors.newFixedThreadPool(cfg.loaderThreads(), r -> {
            Thread t = new Thread(r, "batch-loader");
            t.setDaemon(true);
            return t;
        });
        try {
            for (int e = firstEpoch; e < cfg.epochs(); e++) {
                epoch(e, loaders);
                epochsRun = e + 1;
                if (cfg.timeBudget() != null && e > firstEpoch && e + 1 < cfg.epochs()) {
                    double elapsed = (clock.getAsLong() - budgetOrigin) / 1e9;
                    // the slower of the mean and the latest epoch: epochs that slow down are caught early
                    double next = Math.max(epochSecondsSum / (e + 1 - firstEpoch), lastEpochSeconds);
                    if (elapsed + next > 1.05 * budgetSeconds()) {
                        stoppedByBudget = true;
                        listener.budgetStopped(e + 1, cfg.epochs(), elapsed);
                        break;
                    }
                }
            }
        } finally {
            loaders.shutdownNow();
        }
    }

    private void epoch(int epoch, ExecutorService loaders) {
        long start = clock.getAsLong();
        float lr = cfg.learningRateAt(epoch);
        int[] order = shuffled(train.size(), cfg.seed() * 1_000_003L + epoch);
        int b = cfg.batchSize();
        int batches = train.size() / b;
        Deque<Future<BatchAssembler.Counts>> ahead = new ArrayDeque<>();
        int submitted = 0;
        double lossSum = 0;
        long correct = 0;
        long seen = 0;
        for (int i = 0; i < batches; i++) {
            while (submitted < batches && ahead.size() < cfg.loaderThreads() + 1) {
                int[] idx = new int[b];
                System.arraycopy(order, submitted * b, idx, 0, b);
                long seed = mix(cfg.seed(), epoch, submitted);
                ahead.add(loaders.submit(() -> BatchAssembler.assembleCounts(train, idx, cfg.augmentation(), seed)));
                submitted++;
            }
            BatchAssembler.Counts batch = take(ahead.poll());
            // counts go up as bytes; the loss and the logits are read once the whole step is queued,
            // so the host waits once per batch, at its end, instead of between forward and backward
            // (a diverged step is still reported; the checkpoint on disk is from an earlier epoch)
            net.forward(batch.counts(), batch.size(), true);
            Backend.Loss pending = net.lossAsync(batch.labels());
            net.backward();
            net.step(lr, cfg.momentum(), cfg.weightDecay());
            float loss = pending.value();
            if (!Float.isFinite(loss)) {
                throw new IllegalStateException("training diverged: loss " + loss + " at epoch " + (epoch + 1)
                        + " batch " + (i + 1) + " (try a smaller --lr)");
            }
            int c = correct(net.logits(), batch.labels(), net.spec().numClasses());
            lossSum += loss * batch.size();
            correct += c;
            seen += batch.size();
            double secs = (clock.getAsLong() - start) / 1e9;
            listener.batchDone(epoch, i, batches, (float) (lossSum / seen), (float) correct / seen, seen / secs);
        }
        double trainSecs = (clock.getAsLong() - start) / 1e9;
        trainSeconds += trainSecs;
        trainSamples += seen;
        float valAcc = Float.NaN;
        if (validation != null && validation.size() > 0) {
            float[][][] scores = Evaluator.scores(net, validation, b, n -> { });
            valAcc = Evaluator.accuracyAtT(scores, validation.labels());
        }
        boolean best = !Float.isNaN(valAcc) ? valAcc >= bestAccuracy : true;
        if (best) {
            bestAccuracy = Float.isNaN(valAcc) ? bestAccuracy : valAcc;
        }
        double epochSecs = (clock.getAsLong() - start) / 1e9;
        if (cfg.timeBudget() != null && epoch == firstEpochOfRun) {
            planEpochs(epoch, epochSecs);
        }
        listener.epochDone(new EpochReport(epoch, cfg.epochs(), lr, (float) (lossSum / seen), (float) correct / seen,
                valAcc, best, seen / trainSecs, (clock.getAsLong() - start) / 1e9), net);
        // the safety stop's epoch time includes what epochDone spent saving checkpoints
        lastEpochSeconds = (clock.getAsLong() - start) / 1e9;
        epochSecondsSum += lastEpochSeconds;
    }

    private double budgetSeconds() {
        return cfg.timeBudget().toNanos() / 1e9;
    }

    /** After the run's first epoch: as many epochs as fit in the rest of the budget, at least this one. */
    private void planEpochs(int epoch, double epochSecs) {
        double elapsed = (clock.getAsLong() - budgetOrigin) / 1e9;
        double budget = budgetSeconds();
        int more = epochSecs > 0 ? (int) Math.min(Integer.MAX_VALUE, Math.floor(Math.max(0, budget - elapsed) / epochSecs))
                : Integer.MAX_VALUE;
        int planned = (int) Math.max(epoch + 1, Math.min(cfg.epochs(), (long) epoch + 1 + more));
        int requested = cfg.epochs();
        cfg = cfg.withEpochs(planned);
        listener.budgetPlanned(new BudgetPlan(planned, requested, epochSecs, elapsed, budget));
    }

    private static BatchAssembler.Counts take(Future<BatchAssembler.Counts> f) {
        try {
            return f.get();
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            throw c instanceof RuntimeException r ? r : new IllegalStateException(c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static int correct(float[] logits, int[] labels, int k) {
        int c = 0;
        for (int i = 0; i < labels.length; i++) {
            int best = 0;
            for (int j = 1; j < k; j++) {
                if (logits[i * k + j] > logits[i * k + best]) {
                    best = j;
                }
            }
            c += best == labels[i] ? 1 : 0;
        }
        return c;
    }

    static int[] shuffled(int n, long seed) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }

    static long mix(long seed, int epoch, int batch) {
        long h = seed * 0x9E3779B97F4A7C15L + epoch * 0xC2B2AE3D27D4EB4FL + batch * 0x165667B19E3779F9L;
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        return h ^ (h >>> 33);
    }
}
