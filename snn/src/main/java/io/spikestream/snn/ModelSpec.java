package io.spikestream.snn;

import io.spikestream.snn.framing.FramingSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The shape and hyper-parameters of a BNTT network, following the authors'
 * reference model: per spiking layer {@code U = leak·U + BNTT_t(W*S)}, spike when
 * {@code U/threshold − 1 > 0}, reset by subtraction, 2×2 average pooling of spikes, and a
 * non-spiking readout (the last {@link Dense}) averaged over the steps run.
 *
 * @param architecture the preset name or spec string the model was built from (informational)
 * @param input        the input frame shape (equals {@code framing.frameShape()})
 * @param layers       the layers, input to readout; the last is the {@code Dense(numClasses)} readout
 * @param timesteps    T: the number of time steps and of BNTT parameter sets per layer
 * @param leak         membrane leak λ (reference default 0.95)
 * @param threshold    firing threshold θ (1)
 * @param bnEps        batch-norm epsilon (1e-4)
 * @param bnMomentum   batch-norm running-statistics momentum (0.1)
 * @param framing      events → frames policy
 * @param classNames   class names in label order
 */
public record ModelSpec(String architecture, InputShape input, List<Layer> layers, int timesteps, float leak,
                        float threshold, float bnEps, float bnMomentum, FramingSpec framing, List<String> classNames) {

    /** Leak of the authors' reference model ({@code leak_mem=0.95}). */
    public static final float DEFAULT_LEAK = 0.95f;
    public static final float DEFAULT_THRESHOLD = 1.0f;
    public static final float DEFAULT_BN_EPS = 1e-4f;
    public static final float DEFAULT_BN_MOMENTUM = 0.1f;
    /** Largest T accepted: each step carries its own BN parameters. */
    public static final int MAX_TIMESTEPS = 4096;

    /** Preset architectures (hidden layers; the readout is appended). */
    public static final Map<String, String> PRESETS = Map.of(
            // VGG9 of the BNTT paper: 7 conv layers, 3 poolings, fc1024, readout
            "vgg9", "c64-c64-p2-c128-c128-p2-c256-c256-c256-p2-f1024",
            // a small net for 34×34 N-MNIST frames
            "nmnist", "c32-p2-c64-p2-f256");

    public ModelSpec {
        if (architecture == null || input == null || layers == null || framing == null || classNames == null) {
            throw new IllegalArgumentException("model spec: architecture, input, layers, framing and classes are required");
        }
        layers = List.copyOf(layers);
        classNames = List.copyOf(classNames);
        if (classNames.size() < 2) {
            throw new IllegalArgumentException("model spec: needs at least 2 classes, got " + classNames.size());
        }
        if (timesteps < 1 || timesteps > MAX_TIMESTEPS) {
            throw new IllegalArgumentException("model spec: timesteps " + timesteps + " outside 1.." + MAX_TIMESTEPS);
        }
        if (!(leak >= 0f && leak <= 1f)) {
            throw new IllegalArgumentException("model spec: leak " + leak + " outside 0..1");
        }
        if (!(threshold > 0f) || Float.isInfinite(threshold)) {
            throw new IllegalArgumentException("model spec: threshold " + threshold + " must be positive and finite");
        }
        if (!(bnEps > 0f) || Float.isInfinite(bnEps)) {
            throw new IllegalArgumentException("model spec: bn_eps " + bnEps + " must be positive and finite");
        }
        if (!(bnMomentum >= 0f && bnMomentum <= 1f)) {
            throw new IllegalArgumentException("model spec: bn_momentum " + bnMomentum + " outside 0..1");
        }
        if (!input.equals(framing.frameShape())) {
            throw new IllegalArgumentException("model spec: input " + input + " differs from the framing's frame shape "
                    + framing.frameShape());
        }
        checkLayers(input, layers, classNames.size());
    }

    /**
     * A model with the reference defaults (leak 0.95, threshold 1, eps 1e-4, momentum 0.1).
     *
     * @param architecture a preset name ({@code vgg9}, {@code nmnist}) or a spec such as
     *                     {@code c32-p2-c64-p2-f256}; the readout {@code Dense(classNames.size())} is appended
     */
    public static ModelSpec of(String architecture, InputShape input, int timesteps, FramingSpec framing,
                               List<String> classNames) {
        if (classNames == null || classNames.size() < 2) {
            throw new IllegalArgumentException("model spec: needs at least 2 classes, got "
                    + (classNames == null ? 0 : classNames.size()));
        }
        List<Layer> layers = new ArrayList<>(parseArchitecture(architecture));
        layers.add(new Dense(classNames.size()));
        return new ModelSpec(architecture, input, layers, timesteps, DEFAULT_LEAK, DEFAULT_THRESHOLD, DEFAULT_BN_EPS,
                DEFAULT_BN_MOMENTUM, framing, classNames);
    }

    /**
     * The hidden layers of a preset name or spec string: tokens {@code c<n>} (3×3 conv), {@code p2}
     * (2×2 average pool), {@code f<n>} (fully connected), separated by '-' (the readout is not part of it).
     *
     * @throws IllegalArgumentException naming the bad token and its position
     */
    public static List<Layer> parseArchitecture(String architecture) {
        if (architecture == null || architecture.isBlank()) {
            throw new IllegalArgumentException("architecture is empty");
        }
        String spec = PRESETS.getOrDefault(architecture.trim().toLowerCase(Locale.ROOT), architecture.trim());
        List<Layer> layers = new ArrayList<>();
        String[] tokens = spec.split("-", -1);
        for (int i = 0; i < tokens.length; i++) {
            String tok = tokens[i].trim().toLowerCase(Locale.ROOT);
            String where = "architecture '" + architecture + "' token " + (i + 1) + " ('" + tokens[i] + "')";
            if (tok.equals("p2")) {
                layers.add(new AvgPool2());
                continue;
            }
            if (tok.length() < 2 || (tok.charAt(0) != 'c' && tok.charAt(0) != 'f')) {
                throw new IllegalArgumentException(where + ": expected c<channels>, p2 or f<units>; presets: "
                        + String.join(", ", PRESETS.keySet()));
            }
            int n;
            try {
                n = Integer.parseInt(tok.substring(1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where + ": not a number after '" + tok.charAt(0) + "'");
            }
            if (n < 1 || n > 65536) {
                throw new IllegalArgumentException(where + ": size " + n + " outside 1..65536");
            }
            layers.add(tok.charAt(0) == 'c' ? new Conv3x3(n) : new Dense(n));
        }
        return layers;
    }

    private static void checkLayers(InputShape input, List<Layer> layers, int numClasses) {
        if (layers.isEmpty() || !(layers.get(layers.size() - 1) instanceof Dense readout)) {
            throw new IllegalArgumentException("model spec: the last layer must be the fully connected readout");
        }
        if (readout.units() != numClasses) {
            throw new IllegalArgumentException("model spec: readout has " + readout.units() + " units but there are "
                    + numClasses + " classes");
        }
        int c = input.channels();
        int h = input.height();
        int w = input.width();
        boolean flat = false;
        long neurons = 0;
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            if (l == null) {
                throw new IllegalArgumentException("model spec: layer " + i + " is null");
            }
            if (flat && !(l instanceof Dense)) {
                throw new IllegalArgumentException("model spec: layer " + i + " (" + l.token()
                        + ") follows a fully connected layer; only fully connected layers may");
            }
            if (l instanceof Conv3x3 conv) {
                long weights = (long) conv.outChannels() * c * 9;
                if (weights > Integer.MAX_VALUE - 8) {
                    throw new IllegalArgumentException("model spec: layer " + i + " (" + conv.token() + ") has "
                            + weights + " weights, too many");
                }
                c = conv.outChannels();
            } else if (l instanceof AvgPool2) {
                if (h < 2 || w < 2) {
                    throw new IllegalArgumentException("model spec: layer " + i + " (p2) needs at least 2x2 input, got "
                            + h + "x" + w);
                }
                h /= 2;
                w /= 2;
            } else if (l instanceof Dense d) {
                long weights = (long) c * h * w * d.units();
                if (weights > Integer.MAX_VALUE - 8) {
                    throw new IllegalArgumentException("model spec: layer " + i + " (" + d.token() + ") has "
                            + weights + " weights, too many");
                }
                flat = true;
                c = d.units();
                h = 1;
                w = 1;
            }
            neurons += (long) c * h * w;
            if ((long) c * h * w > Integer.MAX_VALUE / 16 || neurons > Integer.MAX_VALUE / 4) {
                throw new IllegalArgumentException("model spec: layer " + i + " output is too large");
            }
        }
    }

    /** Output shape of layer {@code layerIndex}: {@code {C, H, W}} for conv/pool, {@code {units}} for dense. */
    public int[] outputShape(int layerIndex) {
        if (layerIndex < 0 || layerIndex >= layers.size()) {
            throw new IndexOutOfBoundsException("layer " + layerIndex + " of " + layers.size());
        }
        int c = input.channels();
        int h = input.height();
        int w = input.width();
        for (int i = 0; i <= layerIndex; i++) {
            Layer l = layers.get(i);
            if (l instanceof Conv3x3 conv) {
                c = conv.outChannels();
            } else if (l instanceof AvgPool2) {
                h /= 2;
                w /= 2;
            } else if (l instanceof Dense d) {
                if (i == layerIndex) {
                    return new int[] {d.units()};
                }
                c = d.units();
                h = 1;
                w = 1;
            }
        }
        return new int[] {c, h, w};
    }

    /** Input shape of layer {@code layerIndex}: the input frame's or the previous layer's output shape. */
    public int[] inputShape(int layerIndex) {
        if (layerIndex == 0) {
            return new int[] {input.channels(), input.height(), input.width()};
        }
        return outputShape(layerIndex - 1);
    }

    /** Number of values layer {@code layerIndex} reads (its flattened input). */
    public int inputSize(int layerIndex) {
        return product(inputShape(layerIndex));
    }

    /** Number of values layer {@code layerIndex} produces. */
    public int outputSize(int layerIndex) {
        return product(outputShape(layerIndex));
    }

    /** Output channels (conv) or units (dense) of a weighted layer: the length of its BN vectors. */
    public int outputChannels(int layerIndex) {
        Layer l = layers.get(layerIndex);
        if (l instanceof Conv3x3 conv) {
            return conv.outChannels();
        }
        if (l instanceof Dense d) {
            return d.units();
        }
        throw new IllegalArgumentException("layer " + layerIndex + " (p2) has no weights");
    }

    /** Weight tensor shape of a weighted layer: conv {@code [out, in, 3, 3]}, dense {@code [out, in]}. */
    public int[] weightShape(int layerIndex) {
        Layer l = layers.get(layerIndex);
        if (l instanceof Conv3x3 conv) {
            return new int[] {conv.outChannels(), inputShape(layerIndex)[0], 3, 3};
        }
        if (l instanceof Dense d) {
            return new int[] {d.units(), inputSize(layerIndex)};
        }
        throw new IllegalArgumentException("layer " + layerIndex + " (p2) has no weights");
    }

    public int numClasses() {
        return classNames.size();
    }

    /** Indices (into {@link #layers()}) of the conv and fully connected layers, input to readout. */
    public List<Integer> weightedLayers() {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i).weighted()) {
                out.add(i);
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** Index of the readout layer (the last one). */
    public int readoutIndex() {
        return layers.size() - 1;
    }

    /** True for a weighted layer with BNTT and spiking neurons (every weighted layer except the readout). */
    public boolean spiking(int layerIndex) {
        return layers.get(layerIndex).weighted() && layerIndex != readoutIndex();
    }

    /** The full layer list as a spec string, readout included, e.g. {@code c32-p2-c64-p2-f256-f10}. */
    public String layerSpec() {
        StringBuilder sb = new StringBuilder();
        for (Layer l : layers) {
            if (sb.length() > 0) {
                sb.append('-');
            }
            sb.append(l.token());
        }
        return sb.toString();
    }

    /** Multiply-accumulates of one dense time step (all inputs active), for reporting. */
    public long denseMacsPerStep() {
        long macs = 0;
        for (int i : weightedLayers()) {
            int[] ws = weightShape(i);
            macs += layers.get(i) instanceof Conv3x3 ? (long) product(ws) * outputShape(i)[1] * outputShape(i)[2]
                    : (long) product(ws);
        }
        return macs;
    }

    /** A copy with another T. */
    public ModelSpec withTimesteps(int t) {
        return new ModelSpec(architecture, input, layers, t, leak, threshold, bnEps, bnMomentum, framing, classNames);
    }

    /** A copy with another leak. */
    public ModelSpec withLeak(float newLeak) {
        return new ModelSpec(architecture, input, layers, timesteps, newLeak, threshold, bnEps, bnMomentum, framing,
                classNames);
    }

    /** A copy with another threshold. */
    public ModelSpec withThreshold(float newThreshold) {
        return new ModelSpec(architecture, input, layers, timesteps, leak, newThreshold, bnEps, bnMomentum, framing,
                classNames);
    }

    static int product(int[] shape) {
        int p = 1;
        for (int s : shape) {
            p *= s;
        }
        return p;
    }
}
