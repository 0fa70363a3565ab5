package io.spikestream.trainer.diagnostics;

import io.spikestream.trainer.backend.Backend;
import io.spikestream.trainer.backend.BnttLifConfig;
import io.spikestream.trainer.backend.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A backend that passes every call through and, while {@link #profiling} is on, waits for the
 * device after each call and adds its wall time to a row per operation and shape: where a training
 * step's milliseconds go (convolutions per direction and shape, the fused BNTT kernels, the loss,
 * the optimiser). Waiting after every call removes the overlap a real step has, so the rows add up
 * to a little more than the step time; the ranking is what matters. Off, it costs a branch per call.
 */
final class ProfilingBackend implements Backend {
    /** One profiled operation: calls and total milliseconds. */
    record Row(String op, long calls, double totalMs) {
        double meanMs() {
            return totalMs / calls;
        }
    }

    private final Backend be;
    private final Map<String, double[]> rows = new LinkedHashMap<>();
    private boolean on;

    ProfilingBackend(Backend delegate) {
        this.be = delegate;
    }

    /** Starts or stops profiling (starting waits for queued work first, so it is not counted). */
    void profiling(boolean enabled) {
        if (enabled && !on) {
            be.synchronize();
        }
        on = enabled;
    }

    /** Rows by total time, largest first. */
    List<Row> rows() {
        List<Row> out = new ArrayList<>();
        rows.forEach((k, v) -> out.add(new Row(k, (long) v[0], v[1])));
        out.sort(Comparator.comparingDouble(Row::totalMs).reversed());
        return out;
    }

    String report(int limit) {
        StringBuilder sb = new StringBuilder();
        double total = rows.values().stream().mapToDouble(v -> v[1]).sum();
        for (Row r : rows().subList(0, Math.min(limit, rows.size()))) {
            sb.append(String.format(Locale.ROOT, "  %8.3f ms %5.1f %%  %4d × %8.3f ms  %s%n", r.totalMs(),
                    100 * r.totalMs() / total, r.calls(), r.meanMs(), r.op()));
        }
        sb.append(String.format(Locale.ROOT, "  %8.3f ms in all profiled calls%n", total));
        return sb.toString();
    }

    private long start() {
        return on ? System.nanoTime() : 0;
    }

    private void stop(long t0, String op, Tensor shapeOf) {
        if (!on) {
            return;
        }
        be.synchronize();
        double ms = (System.nanoTime() - t0) / 1e6;
        double[] r = rows.computeIfAbsent(shapeOf == null ? op : op + " " + Arrays.toString(shapeOf.shape()), k -> new double[2]);
        r[0]++;
        r[1] += ms;
    }

    @Override
    public String name() {
        return be.name();
    }

    @Override
    public String implementation() {
        return be.implementation();
    }

    @Override
    public String device() {
        return be.device();
    }

    /** The wrapped backend (for its memory report). */
    Backend delegate() {
        return be;
    }

    @Override
    public Tensor allocate(int... shape) {
        return be.allocate(shape);
    }

    @Override
    public void upload(float[] values, Tensor dst) {
        long t = start();
        be.upload(values, dst);
        stop(t, "upload", dst);
    }

    @Override
    public void uploadCounts(byte[] counts, Tensor dst) {
        long t = start();
        be.uploadCounts(counts, dst);
        stop(t, "uploadCounts", dst);
    }

    @Override
    public void download(Tensor src, float[] dst) {
        long t = start();
        be.download(src, dst);
        stop(t, "download", src);
    }

    @Override
    public Tensor reshape(Tensor t, int... shape) {
        return be.reshape(t, shape);
    }

    @Override
    public void fill(Tensor t, float value) {
        long t0 = start();
        be.fill(t, value);
        stop(t0, "fill", t);
    }

    @Override
    public void axpy(float alpha, Tensor x, Tensor y) {
        long t = start();
        be.axpy(alpha, x, y);
        stop(t, "axpy", x);
    }

    private static String conv(Tensor x, Tensor w) {
        return Arrays.toString(x.shape()) + " " + w.dim(1) + "->" + w.dim(0);
    }

    @Override
    public void conv3x3Forward(Tensor x, Tensor w, Tensor y) {
        long t = start();
        be.conv3x3Forward(x, w, y);
        stop(t, "conv3x3Forward " + conv(x, w), null);
    }

    @Override
    public void conv3x3BackwardData(Tensor dy, Tensor w, Tensor dx) {
        long t = start();
        be.conv3x3BackwardData(dy, w, dx);
        stop(t, "conv3x3BackwardData " + conv(dx, w), null);
    }

    @Override
    public void conv3x3BackwardFilter(Tensor x, Tensor dy, Tensor dw) {
        long t = start();
        be.conv3x3BackwardFilter(x, dy, dw);
        stop(t, "conv3x3BackwardFilter " + conv(x, dw), null);
    }

    @Override
    public void conv3x3Backward(Tensor x, Tensor w, Tensor dy, Tensor dx, Tensor dw) {
        // through this class's own two methods, so each direction gets its row
        if (dx != null) {
            conv3x3BackwardData(dy, w, dx);
        }
        conv3x3BackwardFilter(x, dy, dw);
    }

    @Override
    public void matmulNT(Tensor a, Tensor b, Tensor c) {
        long t = start();
        be.matmulNT(a, b, c);
        stop(t, "matmulNT " + Arrays.toString(a.shape()) + "x" + Arrays.toString(b.shape()), null);
    }

    @Override
    public void matmulNN(Tensor a, Tensor b, Tensor c) {
        long t = start();
        be.matmulNN(a, b, c);
        stop(t, "matmulNN " + Arrays.toString(a.shape()) + "x" + Arrays.toString(b.shape()), null);
    }

    @Override
    public void matmulTN(Tensor a, Tensor b, Tensor c) {
        long t = start();
        be.matmulTN(a, b, c);
        stop(t, "matmulTN " + Arrays.toString(a.shape()) + "x" + Arrays.toString(b.shape()), null);
    }

    @Override
    public void bnttLifForward(BnttLifConfig cfg, boolean training, Tensor z, Tensor gamma, Tensor runningMean,
            Tensor runningVar, Tensor xhatOut, Tensor invStdOut, Tensor memOut, Tensor spikesOut) {
        long t = start();
        be.bnttLifForward(cfg, training, z, gamma, runningMean, runningVar, xhatOut, invStdOut, memOut, spikesOut);
        stop(t, "bnttLifForward", z);
    }

    @Override
    public void bnttLifBackward(BnttLifConfig cfg, Tensor gradSpikes, Tensor mem, Tensor xhat, Tensor invStd,
            Tensor gamma, Tensor gradGamma, Tensor gradZOut) {
        long t = start();
        be.bnttLifBackward(cfg, gradSpikes, mem, xhat, invStd, gamma, gradGamma, gradZOut);
        stop(t, "bnttLifBackward", gradSpikes);
    }

    @Override
    public void avgPool2Forward(Tensor x, Tensor y) {
        long t = start();
        be.avgPool2Forward(x, y);
        stop(t, "avgPool2Forward", x);
    }

    @Override
    public void avgPool2Backward(Tensor dy, Tensor dx) {
        long t = start();
        be.avgPool2Backward(dy, dx);
        stop(t, "avgPool2Backward", dx);
    }

    @Override
    public void timeMean(Tensor x, int timesteps, Tensor out) {
        long t = start();
        be.timeMean(x, timesteps, out);
        stop(t, "timeMean", x);
    }

    @Override
    public void timeMeanBackward(Tensor dy, int timesteps, Tensor dx) {
        long t = start();
        be.timeMeanBackward(dy, timesteps, dx);
        stop(t, "timeMeanBackward", dx);
    }

    @Override
    public float softmaxCrossEntropy(Tensor logits, int[] labels, Tensor gradLogits) {
        long t = start();
        float loss = be.softmaxCrossEntropy(logits, labels, gradLogits);
        stop(t, "softmaxCrossEntropy", logits);
        return loss;
    }

    @Override
    public Loss softmaxCrossEntropyAsync(Tensor logits, int[] labels, Tensor gradLogits) {
        long t = start();
        Loss loss = be.softmaxCrossEntropyAsync(logits, labels, gradLogits);
        stop(t, "softmaxCrossEntropyAsync", logits);
        return loss;
    }

    @Override
    public void sgdStep(Tensor param, Tensor grad, Tensor velocity, float lr, float momentum, float weightDecay) {
        long t = start();
        be.sgdStep(param, grad, velocity, lr, momentum, weightDecay);
        stop(t, "sgdStep (all parameters)", null);
    }

    @Override
    public long availableBytes() {
        return be.availableBytes();
    }

    @Override
    public long convScratchBytes(long im2colBytes) {
        return be.convScratchBytes(im2colBytes);
    }

    @Override
    public void synchronize() {
        be.synchronize();
    }

    @Override
    public void close() {
        be.close();
    }
}
