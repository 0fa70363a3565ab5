package io.spikestream.trainer.net;

import io.spikestream.snn.BnntParams;
import io.spikestream.snn.Layer;
import io.spikestream.snn.ModelSpec;
import io.spikestream.trainer.backend.Backend;
import io.spikestream.trainer.backend.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * A network's trainable state in backend tensors, per layer: weights, γ and running statistics
 * ({@code [T, C]}, one row per step), their gradients and SGD momentum buffers. Layers without
 * weights (pooling) have none. Moves to and from {@link BnntParams} and the checkpoint's momentum
 * list.
 */
final class NetworkParameters implements AutoCloseable {
    /** One layer's tensors; null where the layer has no such parameter. */
    static final class LayerState implements AutoCloseable {
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

    private final Backend be;
    private final ModelSpec spec;
    private final int timesteps;
    private final List<LayerState> layers = new ArrayList<>();

    NetworkParameters(Backend be, BnntParams params) {
        this.be = be;
        this.spec = params.spec();
        this.timesteps = spec.timesteps();
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

    LayerState layer(int i) {
        return layers.get(i);
    }

    List<LayerState> all() {
        return layers;
    }

    /** γ, running mean or running variance ({@code which} 0, 1, 2) of a layer as one {@code [T, C]} array. */
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

    /** Copies the backend's parameters and running statistics into {@code into} (same spec). */
    void download(BnntParams into) {
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
    List<float[]> momentum() {
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
    void setMomentum(List<float[]> buffers) {
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

    /** One SGD-with-momentum step on every weight and γ. */
    void step(float lr, float momentum, float weightDecay) {
        for (LayerState s : layers) {
            if (s.weight != null) {
                be.sgdStep(s.weight, s.gradWeight, s.velWeight, lr, momentum, weightDecay);
            }
            if (s.gamma != null) {
                be.sgdStep(s.gamma, s.gradGamma, s.velGamma, lr, momentum, weightDecay);
            }
        }
    }

    @Override
    public void close() {
        layers.forEach(LayerState::close);
    }
}
