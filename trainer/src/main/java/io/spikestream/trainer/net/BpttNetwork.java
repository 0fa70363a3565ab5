package io.spikestream.trainer.net;

import io.spikestream.snn.AvgPool2;
import io.spikestream.snn.BnntParams;
import io.spikestream.snn.Conv3x3;
import io.spikestream.snn.Dense;
import io.spikestream.snn.ModelSpec;
import io.spikestream.trainer.backend.Backend;
import io.spikestream.trainer.backend.BnttLifConfig;
import io.spikestream.trainer.backend.SpikeFunction;
import io.spikestream.trainer.backend.Tensor;
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
    private final NetworkParameters params;
    private final int readout;
    private Activations ws;

    public BpttNetwork(Backend backend, BnntParams params, SpikeFunction spike) {
        this.be = backend;
        this.spec = params.spec();
        this.timesteps = spec.timesteps();
        this.lif = new BnttLifConfig(timesteps, spec.leak(), spec.threshold(), spec.bnEps(), spec.bnMomentum(), spike);
        this.readout = spec.readoutIndex();
        this.params = new NetworkParameters(backend, params);
    }

    public ModelSpec spec() {
        return spec;
    }

    public Backend backend() {
        return be;
    }

    private Activations workspace(int batch) {
        if (ws == null || ws.batch != batch) {
            if (ws != null) {
                ws.close();
            }
            ws = new Activations(be, spec, batch);
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
        Activations w = workspace(batch);
        be.upload(frames, w.input);
        return run(w, training);
    }

    /**
     * {@link #forward(float[], int, boolean)} from frame counts, time-major {@code [T][B][C][H][W]}
     * unsigned bytes (the float values 0..255): a quarter of the bytes cross to a device, which
     * expands them ({@link Backend#uploadCounts}). Same result as the floats.
     */
    public int forward(byte[] counts, int batch, boolean training) {
        Activations w = workspace(batch);
        be.uploadCounts(counts, w.input);
        return run(w, training);
    }

    private int run(Activations w, boolean training) {
        int batch = w.batch;
        Tensor in = w.input;
        for (int i = 0; i < readout; i++) {
            NetworkParameters.LayerState s = params.layer(i);
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
        be.matmulNT(w.readoutIn, params.layer(readout).weight, w.logits);
        return batch;
    }

    private void bnttLif(Activations w, int i, boolean training) {
        NetworkParameters.LayerState s = params.layer(i);
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
        Activations w = ws;
        int k = spec.numClasses();
        float[] steps;
        Tensor last = readout == 0 ? w.input : w.out[readout - 1];
        try (Tensor flat = flat(last); Tensor y = be.allocate(timesteps * w.batch, k)) {
            be.matmulNT(flat, params.layer(readout).weight, y);
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
        Activations w = ws;
        NetworkParameters.LayerState ro = params.layer(readout);
        be.matmulTN(w.gradLogits, w.readoutIn, ro.gradWeight);
        be.matmulNN(w.gradLogits, ro.weight, w.gradReadoutIn);
        if (readout == 0) {
            return;
        }
        try (Tensor g = flat(w.gradOut[readout - 1])) {
            be.timeMeanBackward(w.gradReadoutIn, timesteps, g);
        }
        for (int i = readout - 1; i >= 0; i--) {
            NetworkParameters.LayerState s = params.layer(i);
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
        params.step(lr, momentum, weightDecay);
    }

    /** Copies the backend's parameters and running statistics into {@code into} (same spec). */
    public void download(BnntParams into) {
        params.download(into);
    }

    /** Momentum buffers in checkpoint order (per weighted layer: weight, then γ if spiking). */
    public List<float[]> momentum() {
        return params.momentum();
    }

    /** Restores momentum buffers saved by {@link #momentum()}. */
    public void setMomentum(List<float[]> buffers) {
        params.setMomentum(buffers);
    }

    /** Gradients of the last backward (for tests): weight gradient of layer i, γ gradient [T·C]. */
    public float[] weightGradient(int layer) {
        return be.download(params.layer(layer).gradWeight);
    }

    public float[] gammaGradient(int layer) {
        return be.download(params.layer(layer).gradGamma);
    }

    /** Replaces one layer's weights (tests, finite differences). */
    public void setWeight(int layer, float[] values) {
        be.upload(values, params.layer(layer).weight);
    }

    public void setGamma(int layer, float[] values) {
        be.upload(values, params.layer(layer).gamma);
    }

    public float[] weight(int layer) {
        return be.download(params.layer(layer).weight);
    }

    public float[] gamma(int layer) {
        return be.download(params.layer(layer).gamma);
    }

    @Override
    public void close() {
        if (ws != null) {
            ws.close();
        }
        params.close();
    }
}
