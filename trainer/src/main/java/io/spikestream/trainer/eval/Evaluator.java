package io.spikestream.trainer.eval;

import io.spikestream.snn.BnntModel;
import io.spikestream.snn.exit.ExitCalibration;
import io.spikestream.trainer.backend.Backend;
import io.spikestream.trainer.backend.SpikeFunction;
import io.spikestream.trainer.data.Augmentation;
import io.spikestream.trainer.data.BatchAssembler;
import io.spikestream.trainer.data.FramedSet;
import io.spikestream.trainer.net.BpttNetwork;
import java.util.function.IntConsumer;

/** Runs a network in inference mode (running statistics) over a framed set. */
public final class Evaluator {
    private Evaluator() {
    }

    /**
     * The running score after every step for every sample: {@code [sample][step][class]}, the
     * mean readout over steps 0..t (what the streaming engines report after t+1 steps).
     */
    public static float[][][] scores(BpttNetwork net, FramedSet set, int batchSize, IntConsumer progress) {
        int n = set.size();
        int t = net.spec().timesteps();
        int k = net.spec().numClasses();
        float[][][] out = new float[n][t][k];
        for (int start = 0; start < n; start += batchSize) {
            int b = Math.min(batchSize, n - start);
            int[] idx = new int[b];
            for (int i = 0; i < b; i++) {
                idx[i] = start + i;
            }
            BatchAssembler.Counts batch = BatchAssembler.assembleCounts(set, idx, Augmentation.NONE, 0);
            net.forward(batch.counts(), b, false);
            float[] s = net.scoresByStep();
            for (int step = 0; step < t; step++) {
                for (int i = 0; i < b; i++) {
                    System.arraycopy(s, (step * b + i) * k, out[start + i][step], 0, k);
                }
            }
            progress.accept(b);
        }
        return out;
    }

    /** {@link #scores(BpttNetwork, FramedSet, int, IntConsumer)} of a model, on a network made for the purpose. */
    public static float[][][] scores(BnntModel model, FramedSet set, Backend be, int batchSize, IntConsumer progress) {
        try (BpttNetwork net = new BpttNetwork(be, model.params(), SpikeFunction.HEAVISIDE)) {
            return scores(net, set, batchSize, progress);
        }
    }

    /** Fraction of samples whose score after all T steps ranks the label first. */
    public static float accuracyAtT(float[][][] scores, int[] labels) {
        return ExitCalibration.fullAccuracy(scores, labels);
    }
}
