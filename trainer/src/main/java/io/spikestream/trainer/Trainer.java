package io.spikestream.trainer;

import io.spikestream.trainer.data.BatchAssembler;
import io.spikestream.trainer.data.FramedSet;
import io.spikestream.trainer.net.BpttNetwork;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The training loop: seeded shuffling, batches assembled ahead on loader threads, BPTT, SGD with
 * the step schedule, validation after every epoch. Deterministic for a seed: shuffles and
 * augmentation derive from (seed, epoch, batch) and never from thread timing. Incomplete last
 * batches are dropped in training (batch statistics over a handful of samples are noise).
 */
public final class Trainer {

    /** Called from the training thread. */
    public interface Listener {
        default void batchDone(int epoch, int batch, int batches, float loss, float accuracy, double samplesPerSecond) {
        }

        /** After validation; {@code net} holds this epoch's parameters (download them to save). */
        default void epochDone(EpochReport report, BpttNetwork net) {
        }
    }

    /** One epoch's figures; accuracies are fractions. */
    public record EpochReport(int epoch, int epochs, float learningRate, float trainLoss, float trainAccuracy,
            float validationAccuracy, boolean best, double samplesPerSecond, double seconds) {
    }

    private final BpttNetwork net;
    private final TrainConfig cfg;
    private final FramedSet train;
    private final FramedSet validation;
    private final Listener listener;
    private float bestAccuracy = -1f;
    private double trainSeconds;
    private long trainSamples;

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

    /** Mean training throughput over the epochs run. */
    public double samplesPerSecond() {
        return trainSeconds > 0 ? trainSamples / trainSeconds : 0;
    }

    /** Runs epochs {@code firstEpoch} .. epochs−1 (0-based). */
    public void run(int firstEpoch) {
        ExecutorService loaders = Executors.newFixedThreadPool(cfg.loaderThreads(), r -> {
            Thread t = new Thread(r, "batch-loader");
            t.setDaemon(true);
            return t;
        });
        try {
            for (int e = firstEpoch; e < cfg.epochs(); e++) {
                epoch(e, loaders);
            }
        } finally {
            loaders.shutdownNow();
        }
    }

    private void epoch(int epoch, ExecutorService loaders) {
        long start = System.nanoTime();
        float lr = cfg.learningRateAt(epoch);
        int[] order = shuffled(train.size(), cfg.seed() * 1_000_003L + epoch);
        int b = cfg.batchSize();
        int batches = train.size() / b;
        Deque<Future<BatchAssembler.Batch>> ahead = new ArrayDeque<>();
        int submitted = 0;
        double lossSum = 0;
        long correct = 0;
        long seen = 0;
        for (int i = 0; i < batches; i++) {
            while (submitted < batches && ahead.size() < cfg.loaderThreads() + 1) {
                int[] idx = new int[b];
                System.arraycopy(order, submitted * b, idx, 0, b);
                long seed = mix(cfg.seed(), epoch, submitted);
                ahead.add(loaders.submit(() -> BatchAssembler.assemble(train, idx, cfg.augmentation(), seed)));
                submitted++;
            }
            BatchAssembler.Batch batch = take(ahead.poll());
            net.forward(batch.frames(), batch.size(), true);
            float loss = net.loss(batch.labels());
            if (!Float.isFinite(loss)) {
                throw new IllegalStateException("training diverged: loss " + loss + " at epoch " + (epoch + 1)
                        + " batch " + (i + 1) + " (try a smaller --lr)");
            }
            int c = correct(net.logits(), batch.labels(), net.spec().numClasses());
            net.backward();
            net.step(lr, cfg.momentum(), cfg.weightDecay());
            lossSum += loss * batch.size();
            correct += c;
            seen += batch.size();
            double secs = (System.nanoTime() - start) / 1e9;
            listener.batchDone(epoch, i, batches, (float) (lossSum / seen), (float) correct / seen, seen / secs);
        }
        double trainSecs = (System.nanoTime() - start) / 1e9;
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
        listener.epochDone(new EpochReport(epoch, cfg.epochs(), lr, (float) (lossSum / seen), (float) correct / seen,
                valAcc, best, seen / trainSecs, (System.nanoTime() - start) / 1e9), net);
    }

    private static BatchAssembler.Batch take(Future<BatchAssembler.Batch> f) {
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
