package io.spikestream.trainer.net;

import io.spikestream.snn.Conv3x3;
import io.spikestream.snn.ModelSpec;
import io.spikestream.trainer.backend.Backend;
import io.spikestream.trainer.backend.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Activations and their gradients for all T steps of one batch size, kept between batches: per
 * hidden layer its output and gradient, plus the pre-activation (later the normalised input),
 * membrane and 1/σ of spiking layers; the readout's time-averaged input, the logits and their
 * gradients. Refuses a batch whose activations and convolution scratch cannot fit in what the
 * backend has left, with the sizes, instead of letting the operating system or the device kill
 * the run.
 */
final class Activations implements AutoCloseable {
    final int batch;
    final Tensor input;
    final Tensor[] out;
    final Tensor[] gradOut;
    final Tensor[] z;
    final Tensor[] mem;
    final Tensor[] invStd;
    final Tensor readoutIn;
    final Tensor gradReadoutIn;
    final Tensor logits;
    final Tensor gradLogits;
    private final List<Tensor> all = new ArrayList<>();

    Activations(Backend be, ModelSpec spec, int batch) {
        this.batch = batch;
        checkMemory(be, spec, batch);
        int timesteps = spec.timesteps();
        int readout = spec.readoutIndex();
        int n = spec.layers().size();
        int tb = timesteps * batch;
        input = keep(be.allocate(shape(tb, spec.inputShape(0))));
        out = new Tensor[n];
        gradOut = new Tensor[n];
        z = new Tensor[n];
        mem = new Tensor[n];
        invStd = new Tensor[n];
        for (int i = 0; i < readout; i++) {
            int[] s = shape(tb, spec.outputShape(i));
            out[i] = keep(be.allocate(s));
            gradOut[i] = keep(be.allocate(s));
            if (spec.spiking(i)) {
                z[i] = keep(be.allocate(s));
                mem[i] = keep(be.allocate(s));
                invStd[i] = keep(be.allocate(timesteps, spec.outputChannels(i)));
            }
        }
        int f = spec.inputSize(readout);
        readoutIn = keep(be.allocate(batch, f));
        gradReadoutIn = keep(be.allocate(batch, f));
        logits = keep(be.allocate(batch, spec.numClasses()));
        gradLogits = keep(be.allocate(batch, spec.numClasses()));
    }

    private Tensor keep(Tensor t) {
        all.add(t);
        return t;
    }

    private static int[] shape(int lead, int[] rest) {
        int[] s = new int[rest.length + 1];
        s[0] = lead;
        System.arraycopy(rest, 0, s, 1, rest.length);
        return s;
    }

    /**
     * Per hidden layer its output and gradient, plus membrane and normalised input of spiking
     * layers, for all T steps.
     */
    static long activationBytes(ModelSpec spec, int batch) {
        long tb = (long) spec.timesteps() * batch;
        long floats = tb * spec.input().size();
        for (int i = 0; i < spec.readoutIndex(); i++) {
            floats += (spec.spiking(i) ? 4 : 2) * tb * spec.outputSize(i);
        }
        return 4 * floats;
    }

    /** The largest convolution's im2col buffer: 9× the larger of its input and output. */
    static long im2colBytes(ModelSpec spec, int batch) {
        long tb = (long) spec.timesteps() * batch;
        long scratch = 0;
        for (int i = 0; i < spec.readoutIndex(); i++) {
            if (spec.layers().get(i) instanceof Conv3x3) {
                scratch = Math.max(scratch, 9 * Math.max(tb * spec.inputSize(i), tb * spec.outputSize(i)));
            }
        }
        return 4 * scratch;
    }

    private static void checkMemory(Backend be, ModelSpec spec, int batch) {
        long need = activationBytes(spec, batch) + be.convScratchBytes(im2colBytes(spec, batch));
        long have = be.availableBytes();
        if (need > have) {
            throw new IllegalStateException(String.format(Locale.ROOT,
                    "batch %d over T=%d needs about %s for BPTT activations and convolution scratch of %s,"
                            + " but %s has about %s available; use a smaller batch",
                    batch, spec.timesteps(), size(need), spec.layerSpec(), be.implementation(), size(have)));
        }
    }

    /** "37.2 GB", "3.1 MB", "12 kB": three significant figures of the unit that fits. */
    static String size(long bytes) {
        if (bytes >= 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.1f GB", bytes / 1e9);
        }
        if (bytes >= 1_000_000L) {
            return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
        }
        return String.format(Locale.ROOT, "%d kB", (bytes + 999) / 1000);
    }

    @Override
    public void close() {
        all.forEach(Tensor::close);
    }
}
