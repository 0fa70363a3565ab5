package io.spikestream.snn.checkpoint;

import io.spikestream.proto.v1.FloatTensor;
import io.spikestream.proto.v1.LayerParams;
import io.spikestream.snn.BnntParams;
import io.spikestream.snn.ModelSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@link BnntParams} ↔ {@code neuro.v1.LayerParams}, and float arrays ↔ {@code FloatTensor}. Reading
 * checks every shape against the config before it allocates anything, so the values in a file bound
 * the memory a hostile file can make us use; then every value must be finite (variances also ≥ 0).
 */
final class ParamsMapper {
    private ParamsMapper() {
    }

    private interface StepArray {
        float[] at(int t);
    }

    /** One LayerParams per weighted layer, in layer order. */
    static List<LayerParams> toProto(ModelSpec spec, BnntParams p) {
        List<LayerParams> out = new ArrayList<>();
        for (int l : spec.weightedLayers()) {
            LayerParams.Builder lp = LayerParams.newBuilder()
                    .setLayerIndex(l)
                    .setWeight(tensor(spec.weightShape(l), p.weight(l)));
            if (spec.spiking(l)) {
                int[] shape = {spec.timesteps(), spec.outputChannels(l)};
                lp.setGamma(perStep(shape, t -> p.gamma(l, t)));
                lp.setRunningMean(perStep(shape, t -> p.runningMean(l, t)));
                lp.setRunningVar(perStep(shape, t -> p.runningVar(l, t)));
            }
            out.add(lp.build());
        }
        return out;
    }

    /** @throws CheckpointFormatException naming {@code source}, the params index and the field */
    static BnntParams fromProto(ModelSpec spec, List<LayerParams> stored, String source) {
        LayerParams[] byLayer = new LayerParams[spec.layers().size()];
        for (int i = 0; i < stored.size(); i++) {
            LayerParams lp = stored.get(i);
            int l = lp.getLayerIndex();
            String where = where(source, i, l);
            if (l < 0 || l >= byLayer.length || !spec.layers().get(l).weighted()) {
                throw new CheckpointFormatException(where + ": not a weighted layer of " + spec.layerSpec());
            }
            if (byLayer[l] != null) {
                throw new CheckpointFormatException(where + ": a second parameter set for the same layer");
            }
            byLayer[l] = lp;
            checkShape(lp.hasWeight() ? lp.getWeight() : null, spec.weightShape(l), where + ".weight");
            if (spec.spiking(l)) {
                int[] shape = {spec.timesteps(), spec.outputChannels(l)};
                checkShape(lp.hasGamma() ? lp.getGamma() : null, shape, where + ".gamma");
                checkShape(lp.hasRunningMean() ? lp.getRunningMean() : null, shape, where + ".running_mean");
                checkShape(lp.hasRunningVar() ? lp.getRunningVar() : null, shape, where + ".running_var");
            } else if (lp.hasGamma() || lp.hasRunningMean() || lp.hasRunningVar()) {
                throw new CheckpointFormatException(where + ": the readout has no BNTT parameters, but some are stored");
            }
        }
        for (int l : spec.weightedLayers()) {
            if (byLayer[l] == null) {
                throw new CheckpointFormatException(source + ": no parameters for layer " + l + " ("
                        + spec.layers().get(l).token() + ")");
            }
        }
        BnntParams params = new BnntParams(spec);
        for (int i = 0; i < stored.size(); i++) {
            LayerParams lp = stored.get(i);
            int l = lp.getLayerIndex();
            String where = where(source, i, l);
            copy(lp.getWeight(), params.weight(l), where + ".weight");
            if (spec.spiking(l)) {
                int[] shape = {spec.timesteps(), spec.outputChannels(l)};
                copySteps(lp.getGamma(), shape, t -> params.gamma(l, t), where + ".gamma", false);
                copySteps(lp.getRunningMean(), shape, t -> params.runningMean(l, t), where + ".running_mean", false);
                copySteps(lp.getRunningVar(), shape, t -> params.runningVar(l, t), where + ".running_var", true);
            }
        }
        return params;
    }

    /** A one-dimensional tensor of {@code values}. */
    static FloatTensor vector(float[] values) {
        return tensor(new int[] {values.length}, values);
    }

    /** The values of a tensor, whatever its shape. */
    static float[] values(FloatTensor t) {
        float[] v = new float[t.getValuesCount()];
        for (int i = 0; i < v.length; i++) {
            v[i] = t.getValues(i);
        }
        return v;
    }

    private static String where(String source, int i, int layer) {
        return source + ": params[" + i + "] (layer " + Integer.toUnsignedString(layer) + ")";
    }

    private static FloatTensor tensor(int[] shape, float[] values) {
        FloatTensor.Builder t = FloatTensor.newBuilder();
        for (int s : shape) {
            t.addShape(s);
        }
        for (float v : values) {
            t.addValues(v);
        }
        return t.build();
    }

    private static FloatTensor perStep(int[] shape, StepArray src) {
        FloatTensor.Builder t = FloatTensor.newBuilder().addShape(shape[0]).addShape(shape[1]);
        for (int s = 0; s < shape[0]; s++) {
            for (float v : src.at(s)) {
                t.addValues(v);
            }
        }
        return t.build();
    }

    private static void checkShape(FloatTensor t, int[] shape, String where) {
        if (t == null) {
            throw new CheckpointFormatException(where + " is missing (expected shape " + Arrays.toString(shape) + ")");
        }
        boolean same = t.getShapeCount() == shape.length;
        for (int i = 0; same && i < shape.length; i++) {
            same = t.getShape(i) == shape[i];
        }
        if (!same) {
            throw new CheckpointFormatException(where + ": shape " + t.getShapeList() + " does not match the config's "
                    + Arrays.toString(shape));
        }
        long expected = 1;
        for (int s : shape) {
            expected *= s;
        }
        if (t.getValuesCount() != expected) {
            throw new CheckpointFormatException(where + ": " + t.getValuesCount() + " values for shape "
                    + Arrays.toString(shape) + " (expected " + expected + ")");
        }
    }

    private static void copy(FloatTensor t, float[] dst, String where) {
        for (int i = 0; i < dst.length; i++) {
            float v = t.getValues(i);
            if (!Float.isFinite(v)) {
                throw new CheckpointFormatException(where + ": value " + i + " is " + v);
            }
            dst[i] = v;
        }
    }

    private static void copySteps(FloatTensor t, int[] shape, StepArray dst, String where, boolean nonNegative) {
        int k = 0;
        for (int s = 0; s < shape[0]; s++) {
            float[] row = dst.at(s);
            for (int c = 0; c < shape[1]; c++, k++) {
                float v = t.getValues(k);
                if (!Float.isFinite(v) || (nonNegative && v < 0f)) {
                    throw new CheckpointFormatException(where + ": value [" + s + ", " + c + "] is " + v);
                }
                row[c] = v;
            }
        }
    }
}
