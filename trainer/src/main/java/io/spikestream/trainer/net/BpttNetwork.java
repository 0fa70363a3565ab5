package io.spikestream.trainer.net;

import io.spikestream.snn.AvgPool2;
import io.spikestream.snn.BnntParams;
import io.spikestream.snn.Conv3x3;
import io.spikestream.snn.Dense;
import io.spikestream.snn.Layer;
import io.spikestream.snn.ModelSpec;
import io.spikestream.trainer.backend.Backend;
import io.spikestream.trainer.backend.BnttLifConfig;
import io.spikestream.trainer.backend.SpikeFunction;
import io.spikestream.trainer.backend.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * A BNTT network on a {@link Backend}: parameters, optimiser state and activations live in backend
 * tensors; forward and backpropagation through time run layer by layer over all T steps at once
 * (weights are shared over time, so each convolution or product runs once on [T·B, ...] and only the
 * fused BNTT+LIF primitive walks the time axis). The model code only calls {@link Backend}, so any
 * backend runs it unchanged.
 */
public final class BpttNetwork implements AutoCloseable {
    private final Backend be;
    private final ModelSpec spec;
    private final BnttLifConfig lif;
    private final int timesteps;
    private final List<LayerState> layers = new ArrayList<>();
    private final int readout;
    private Workspace ws;

    /** Per weighted layer: parameters, gradients, momentum buffers. */
    private static final class LayerState implements AutoCloseable {
        final Layer layer;
        Tensor weight;
        Tensor gradWeight;
        Tensor velWeight;
        Tensor gamma;
        Tensor gradGamma;
        Tensor velGamma;
        Tensor runningMean;
        Tensor runningVar;

        LayerState(Layer layer) {
            this.layer = layer;
        }

        @Override
        public void close() {
            for (Tensor t : new Tensor[] {weight, gradWeight, velWeight, gamma, gradGamma, velGamma, runningMean, runningVar}) {
                if (t != null) {
                    t.close();
                }
            }
        }
    }

    public BpttNetwork(Backend backend, BnntParams params, SpikeFunction spike) {
        this.be = backend;
        this.spec = params.spec();
        this.timesteps = spec.timesteps();
        this.lif = new BnttLifConfig(timesteps, spec.leak(), spec.threshold(), spec.bnEps(), spec.bnMomentum(), spike);
        this.readout = spec.readoutIndex();
        for (int i = 0; i < spec.layers().size(); i++) {
            LayerState s = new LayerState(spec.layers().get(i));
            if (s.layer.weighted()) {
                int[] shape = spec.weightShape(i);
                s.weight = be.upload(params.weight(i), shape);
                s.gradWeight = be.allocate(shape);
                s.velWeight = be.allocate(shape);
                if (spec.spiking(i)) {
                    int c = spec.outputChannels(i);
                    s.gamma = be.upload(perStep(params, i, 0), timesteps, c);
                    s.runningMean = be.upload(perStep(params, i, 1), timesteps, c);
                    s.runningVar = be.upload(perStep(params, i, 2), timesteps, c);
                    s.gradGamma = be.allocate(timesteps, c);
                    s.velGamma = be.allocate(timesteps, c);
                }
            }
            layers.add(s);
        }
    }

    public ModelSpec spec() {
        return spec;
    }

    public Backend backend() {
        return be;
    }

    private static float[] perStep(BnntParams p, int layer, int which) {
        int t = p.spec().timesteps();
        int c = p.spec().outputChannels(layer);
        float[] out = new float[t * c];
        for (int s = 0; s < t; s++) {
            float[] v = which == 0 ? p.gamma(layer, s) : which == 1 ? p.runningMean(layer, s) : p.runningVar(layer, s);
            System.arraycopy(v, 0, out, s * c, c);
        }
        return out;
    }

    /** Activations and their gradients for one batch size, reused across batches. */
    private final class Workspace implements AutoCloseable {
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
        final List<Tensor> all = new ArrayList<>();

        Workspace(int batch) {
            this.batch = batch;
            checkMemory(batch);
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

        @Override
        public void close() {
            all.forEach(Tensor::close);
        }
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

    private void checkMemory(int batch) {
        long need = activationBytes(spec, batch) + be.convScratchBytes(im2colBytes(spec, batch));
        long have = be.availableBytes();
        if (need > have) {
            throw new IllegalStateException(String.format(java.util.Locale.ROOT,
                    "batch %d over T=%d needs about %s for BPTT activations and convolution scratch of %s,"
                            + " but %s has about %s available; use a smaller batch",
                    batch, timesteps, size(need), spec.layerSpec(), be.implementation(), size(have)));
        }
    }

    /** "37.2 GB", "3.1 MB", "12 kB": three significant figures of the unit that fits. */
    static String size(long bytes) {
        if (bytes >= 1_000_000_000L) {
            return String.format(java.util.Locale.ROOT, "%.1f GB", bytes / 1e9);
        }
        if (bytes >= 1_000_000L) {
            return String.format(java.util.Locale.ROOT, "%.1f MB", bytes / 1e6);
        }
        return String.format(java.util.Locale.ROOT, "%d kB", (bytes + 999) / 1000);
    }

    private static int[] shape(int lead, int[] rest) {
        int[] s = new int[rest.length + 1];
        s[0] = lead;
        System.arraycopy(rest, 0, s, 1, rest.length);
        return s;
    }

    private Workspace workspace(int batch) {
        if (ws == null || ws.batch != batch) {
            if (ws != null) {
                ws.close();
            }
            ws = new Workspace(batch);
        }
        return ws;
    }

    /**
     * Runs all T steps for a batch.
     *
     * @param frames time-major input {@code [T][B][C][H][W]} flattened (length T·B·frameSize)
     * @param training batch statistics and running-statistics updates (true) or running statistics (false)
     * @return the batch size
     */
    public int forward(float[] frames, int batch, boolean training) {
        Workspace w = workspace(batch);
        be.upload(frames, w.input);
        return run(w, training);
    }

    /**
     * {@link #forward(float[], int, boolean)} from frame counts, time-major {@code [T][B][C][H][W]}
     * unsigned bytes (the float values 0..255): a quarter of the bytes cross to a device, which
     * expands them ({@link Backend#uploadCounts}). Same result as the floats.
     */
    public int forward(byte[] counts, int batch, boolean training) {
        Workspace w = workspace(batch);
        be.uploadCounts(counts, w.input);
        return run(w, training);
    }

    private int run(Workspace w, boolean training) {
        int batch = w.batch;
        Tensor in = w.input;
        for (int i = 0; i < readout; i++) {
            LayerState s = layers.get(i);
            if (s.layer instanceof Conv3x3) {
                be.conv3x3Forward(in, s.weight, w.z[i]);
                bnttLif(w, i, training);
            } else if (s.layer instanceof AvgPool2) {
                be.avgPool2Forward(in, w.out[i]);
            } else if (s.layer instanceof Dense) {
                try (Tensor flat = flat(in)) {
                    be.matmulNT(flat, s.weight, w.z[i]);
                }
                bnttLif(w, i, training);
            }
            in = w.out[i];
        }
        try (Tensor flat = flat(in)) {
            be.timeMean(flat, timesteps, w.readoutIn);
        }
        be.matmulNT(w.readoutIn, layers.get(readout).weight, w.logits);
        return batch;
    }

    private void bnttLif(Workspace w, int i, boolean training) {
        LayerState s = layers.get(i);
        be.bnttLifForward(lif, training, w.z[i], s.gamma, s.runningMean, s.runningVar, w.z[i], w.invStd[i], w.mem[i],
                w.out[i]);
    }

    private Tensor flat(Tensor t) {
        return be.reshape(t, t.dim(0), (int) (t.size() / t.dim(0)));
    }

    /** Cross-entropy of the last forward's mean readout; fills the logits' gradient (waits for the value). */
    public float loss(int[] labels) {
        return lossAsync(labels).value();
    }

    /**
     * {@link #loss} without waiting: queue {@link #backward} and {@link #step} next and read
     * {@code value()} afterwards, so that a GPU is never idle while the host waits for the loss.
     */
    public Backend.Loss lossAsync(int[] labels) {
        return be.softmaxCrossEntropyAsync(ws.logits, labels, ws.gradLogits);
    }

    /** The last forward's logits (the mean readout over T), {@code [B][K]} flattened. */
    public float[] logits() {
        return be.download(ws.logits);
    }

    /**
     * The running score after each step for the last forward: element {@code (t·B + b)·K + k} is the
     * mean readout of sample b over steps 0..t (what the streaming engines report after t+1 steps).
     */
    public float[] scoresByStep() {
        Workspace w = ws;
        int k = spec.numClasses();
        float[] steps;
        Tensor last = readout == 0 ? w.input : w.out[readout - 1];
        try (Tensor flat = flat(last); Tensor y = be.allocate(timesteps * w.batch, k)) {
            be.matmulNT(flat, layers.get(readout).weight, y);
            steps = be.download(y);
        }
        int per = w.batch * k;
        for (int t = 1; t < timesteps; t++) {
            for (int i = 0; i < per; i++) {
                steps[t * per + i] += steps[(t - 1) * per + i];
            }
        }
        for (int t = 0; t < timesteps; t++) {
            for (int i = 0; i < per; i++) {
                steps[t * per + i] /= (t + 1);
            }
        }
        return steps;
    }

    /** Backpropagation through time of the last training forward, after {@link #loss}. */
    public void backward() {
        Workspace w = ws;
        LayerState ro = layers.get(readout);
        be.matmulTN(w.gradLogits, w.readoutIn, ro.gradWeight);
        be.matmulNN(w.gradLogits, ro.weight, w.gradReadoutIn);
        if (readout == 0) {
            return;
        }
        try (Tensor g = flat(w.gradOut[readout - 1])) {
            be.timeMeanBackward(w.gradReadoutIn, timesteps, g);
        }
        for (int i = readout - 1; i >= 0; i--) {
            LayerState s = layers.get(i);
            Tensor in = i == 0 ? w.input : w.out[i - 1];
            Tensor gin = i == 0 ? null : w.gradOut[i - 1];
            if (s.layer instanceof AvgPool2) {
                be.avgPool2Backward(w.gradOut[i], gin);
                continue;
            }
            be.fill(s.gradGamma, 0f);
            // dL/dz overwrites dL/dS in place
            be.bnttLifBackward(lif, w.gradOut[i], w.mem[i], w.z[i], w.invStd[i], s.gamma, s.gradGamma, w.gradOut[i]);
            if (s.layer instanceof Conv3x3) {
                be.conv3x3Backward(in, s.weight, w.gradOut[i], gin, s.gradWeight);
            } else {
                try (Tensor fin = flat(in)) {
                    be.matmulTN(w.gradOut[i], fin, s.gradWeight);
                    if (gin != null) {
                        try (Tensor fg = flat(gin)) {
                            be.matmulNN(w.gradOut[i], s.weight, fg);
                        }
                    }
                }
            }
        }
    }

    /** One SGD-with-momentum step on every weight and γ. */
    public void step(float lr, float momentum, float weightDecay) {
        for (LayerState s : layers) {
            if (s.weight != null) {
                be.sgdStep(s.weight, s.gradWeight, s.velWeight, lr, momentum, weightDecay);
            }
            if (s.gamma != null) {
                be.sgdStep(s.gamma, s.gradGamma, s.velGamma, lr, momentum, weightDecay);
            }
        }
    }

    /** Copies the backend's parameters and running statistics into {@code into} (same spec). */
    public void download(BnntParams into) {
        for (int i = 0; i < layers.size(); i++) {
            LayerState s = layers.get(i);
            if (s.weight == null) {
                continue;
            }
            be.download(s.weight, into.weight(i));
            if (s.gamma != null) {
                copyPerStep(be.download(s.gamma), into, i, 0);
                copyPerStep(be.download(s.runningMean), into, i, 1);
                copyPerStep(be.download(s.runningVar), into, i, 2);
            }
        }
    }

    private void copyPerStep(float[] src, BnntParams p, int layer, int which) {
        int c = spec.outputChannels(layer);
        for (int t = 0; t < timesteps; t++) {
            float[] dst = which == 0 ? p.gamma(layer, t) : which == 1 ? p.runningMean(layer, t) : p.runningVar(layer, t);
            System.arraycopy(src, t * c, dst, 0, c);
        }
    }

    /** Momentum buffers in checkpoint order (per weighted layer: weight, then γ if spiking). */
    public List<float[]> momentum() {
        List<float[]> out = new ArrayList<>();
        for (LayerState s : layers) {
            if (s.weight != null) {
                out.add(be.download(s.velWeight));
                if (s.gamma != null) {
                    out.add(be.download(s.velGamma));
                }
            }
        }
        return out;
    }

    /** Restores momentum buffers saved by {@link #momentum()}. */
    public void setMomentum(List<float[]> buffers) {
        int k = 0;
        for (LayerState s : layers) {
            if (s.weight != null) {
                k = restore(buffers, k, s.velWeight);
                if (s.gamma != null) {
                    k = restore(buffers, k, s.velGamma);
                }
            }
        }
        if (k != buffers.size()) {
            throw new IllegalArgumentException("momentum state has " + buffers.size() + " buffers, the network " + k);
        }
    }

    private int restore(List<float[]> buffers, int k, Tensor dst) {
        if (k >= buffers.size() || buffers.get(k).length != dst.size()) {
            throw new IllegalArgumentException("momentum buffer " + k + " does not fit " + dst);
        }
        be.upload(buffers.get(k), dst);
        return k + 1;
    }

    /** Gradients of the last backward (for tests): weight gradient of layer i, γ gradient [T·C]. */
    public float[] weightGradient(int layer) {
        return be.download(layers.get(layer).gradWeight);
    }

    public float[] gammaGradient(int layer) {
        return be.download(layers.get(layer).gradGamma);
    }

    /** Replaces one layer's weights (tests, finite differences). */
    public void setWeight(int layer, float[] values) {
        be.upload(values, layers.get(layer).weight);
    }

    public void setGamma(int layer, float[] values) {
        be.upload(values, layers.get(layer).gamma);
    }

    public float[] weight(int layer) {
        return be.download(layers.get(layer).weight);
    }

    public float[] gamma(int layer) {
        return be.download(layers.get(layer).gamma);
    }

    @Override
    public void close() {
        if (ws != null) {
            ws.close();
        }
        layers.forEach(LayerState::close);
    }
}
