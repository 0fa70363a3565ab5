package io.spikestream.trainer.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spikestream.snn.BnntParams;
import io.spikestream.snn.ModelSpec;
import io.spikestream.trainer.backend.Backend;
import io.spikestream.trainer.backend.Backends;
import io.spikestream.trainer.backend.SpikeFunction;
import io.spikestream.trainer.backend.reference.ReferenceBackend;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Frame counts as bytes and the loss read after the step is queued: the same training steps as
 * float frames and the synchronous loss, bit for bit, on the ND4J backend (the interface's default
 * paths) and on the reference (the CUDA kernels' twins). Neither backend really defers the loss;
 * the CUDA read-back ring (slot reuse with more losses pending than slots) is checked against the
 * reference by {@code Equivalence} on a GPU.
 */
class BpttNetworkInputTest {

    @Test
    void countsAndTheDeferredLossTrainExactlyAsFloatsAndTheSynchronousLoss() {
        ModelSpec spec = BpttNetworkGradientTest.tinySpec("c3-p2-f5", 4, 3);
        int batch = 3;
        Random rnd = new Random(7);
        byte[] counts = new byte[spec.timesteps() * batch * spec.input().size()];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = (byte) (rnd.nextFloat() < 0.4f ? rnd.nextInt(256) : 0);
        }
        int[] labels = {0, 2, 1};
        try (Backend cpu = Backends.select("cpu")) {
            for (Backend be : new Backend[] {cpu, new ReferenceBackend()}) {
                float[] bytes = runBytes(be, spec, counts, batch, labels);
                float[] floats = runFloats(be, spec, counts, batch, labels);
                assertThat(bytes).as(be.name()).containsExactly(floats);
                assertThat(bytes[2]).isNotEqualTo(bytes[0]); // it trains
            }
        }
    }

    private static float[] runBytes(Backend be, ModelSpec spec, byte[] counts, int batch, int[] labels) {
        return trainAndEvaluate(be, spec, counts, batch, labels, true);
    }

    private static float[] runFloats(Backend be, ModelSpec spec, byte[] counts, int batch, int[] labels) {
        return trainAndEvaluate(be, spec, counts, batch, labels, false);
    }

    private static float[] trainAndEvaluate(Backend be, ModelSpec spec, byte[] counts, int batch, int[] labels, boolean asBytes) {
        float[] frames = new float[counts.length];
        for (int i = 0; i < counts.length; i++) {
            frames[i] = counts[i] & 0xFF;
        }
        float[] out = new float[3 + batch * spec.numClasses()];
        try (BpttNetwork net = new BpttNetwork(be, BnntParams.init(spec, 3), SpikeFunction.HEAVISIDE)) {
            for (int s = 0; s < 3; s++) {
                if (asBytes) {
                    net.forward(counts, batch, true);
                    Backend.Loss loss = net.lossAsync(labels);
                    net.backward();
                    net.step(0.05f, 0.9f, 1e-4f);
                    out[s] = loss.value();
                } else {
                    net.forward(frames, batch, true);
                    out[s] = net.loss(labels);
                    net.backward();
                    net.step(0.05f, 0.9f, 1e-4f);
                }
            }
            if (asBytes) {
                net.forward(counts, batch, false);
            } else {
                net.forward(frames, batch, false);
            }
            System.arraycopy(net.logits(), 0, out, 3, batch * spec.numClasses());
        }
        return out;
    }

    @Test
    void countsOfTheWrongLengthAreRefused() {
        ModelSpec spec = BpttNetworkGradientTest.tinySpec("c3-p2-f5", 4, 3);
        try (BpttNetwork net = new BpttNetwork(new ReferenceBackend(), BnntParams.init(spec, 3), SpikeFunction.HEAVISIDE)) {
            assertThatThrownBy(() -> net.forward(new byte[5], 2, true)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("upload of 5 counts");
        }
    }
}
