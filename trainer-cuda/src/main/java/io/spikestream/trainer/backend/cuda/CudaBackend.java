package io.spikestream.trainer.backend.cuda;

import static io.spikestream.trainer.backend.cuda.CudaRuntime.check;
import static io.spikestream.trainer.backend.cuda.CudaRuntime.checkCublas;
import static org.bytedeco.cuda.global.cublas.CUBLAS_OP_N;
import static org.bytedeco.cuda.global.cublas.CUBLAS_OP_T;
import static org.bytedeco.cuda.global.cublas.cublasSgemm_v2;
import static org.bytedeco.cuda.global.cudart.cudaMemGetInfo;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyAsync;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyDeviceToHost;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyHostToDevice;
import static org.bytedeco.cuda.global.cudart.cudaMemsetAsync;
import static org.bytedeco.cuda.global.cudart.cudaStreamSynchronize;

import io.spikestream.trainer.backend.Backend;
import io.spikestream.trainer.backend.BnttLifConfig;
import io.spikestream.trainer.backend.Shapes;
import io.spikestream.trainer.backend.SpikeFunction;
import io.spikestream.trainer.backend.Tensor;
import io.spikestream.trainer.diagnostics.DeviceReport;
import java.util.Locale;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.SizeTPointer;

/**
 * The GPU backend: cuDNN for the 3×3 convolutions, cuBLAS for the matrix products, NVRTC-compiled
 * kernels ({@code kernels.cu}) for the fused BNTT + LIF step over all T, pooling, the time mean,
 * the loss and the optimiser. Everything is queued on the {@link CudaContext}'s one stream, so
 * nothing inside a training step waits for the device ({@link #softmaxCrossEntropyAsync} leaves the
 * loss on its way back; only {@link #download}, the synchronous {@link #softmaxCrossEntropy} and
 * {@link #synchronize} wait). Uploads go through pinned staging buffers; frame counts travel as
 * bytes and are expanded on the device. Device memory comes from a caching allocator, so batches
 * of the same shapes reuse the same blocks; the per-call scratch buffers of the fused kernels come
 * from it too, and go back to it right after their launches: a later reuse is ordered after those
 * kernels because everything runs on the same stream.
 *
 * <p>Not thread-safe; it may be used from different threads one after another.
 */
public final class CudaBackend implements Backend, DeviceReport {
    private final CudaContext c;
    private final CudnnConvolutions convolutions;

    public CudaBackend(CudaOptions options) {
        this.c = new CudaContext(options);
        this.convolutions = new CudnnConvolutions(c);
    }

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public String implementation() {
        return c.implementation;
    }

    @Override
    public String device() {
        return c.device;
    }

    public CudaOptions options() {
        return c.options;
    }

    // ---- memory -------------------------------------------------------------------------------

    @Override
    public Tensor allocate(int... shape) {
        c.enter();
        long size = Tensor.sizeOf(shape);
        DeviceAllocator.Block b = c.allocator.allocate(size * Float.BYTES);
        check(cudaMemsetAsync(b.ptr(), 0, size * Float.BYTES, c.stream), "cudaMemsetAsync");
        return new CudaTensor(this, b, shape, false);
    }

    void release(DeviceAllocator.Block b) {
        if (!c.closed()) {
            c.allocator.release(b);
        }
    }

    @Override
    public void upload(float[] values, Tensor dst) {
        c.enter();
        CudaTensor d = t(dst);
        if (values.length != d.size()) {
            throw new IllegalArgumentException("upload of " + values.length + " values into " + d);
        }
        long bytes = (long) values.length * Float.BYTES;
        Pointer host = c.floatStaging.acquire(bytes);
        new FloatPointer(host).put(values, 0, values.length);
        check(cudaMemcpyAsync(d.ptr, host, bytes, cudaMemcpyHostToDevice, c.stream), "cudaMemcpyAsync host to device");
        c.floatStaging.queued(c.stream);
    }

    /** Bytes over PCIe, floats made on the device by {@code u8_to_f32}. */
    @Override
    public void uploadCounts(byte[] counts, Tensor dst) {
        c.enter();
        CudaTensor d = t(dst);
        if (counts.length != d.size()) {
            throw new IllegalArgumentException("upload of " + counts.length + " counts into " + d);
        }
        int n = counts.length;
        if (n == 0) {
            return;
        }
        Pointer host = c.countStaging.acquire(n);
        new BytePointer(host).put(counts, 0, n);
        DeviceAllocator.Block raw = c.allocator.allocate(n);
        try {
            check(cudaMemcpyAsync(raw.ptr(), host, n, cudaMemcpyHostToDevice, c.stream), "cudaMemcpyAsync counts to device");
            c.countStaging.queued(c.stream);
            c.kernels.args("u8_to_f32").ptr(raw).ptr(d).i(n).launch1d(n, c.stream);
        } finally {
            c.allocator.release(raw);
        }
    }

    @Override
    public void download(Tensor src, float[] dst) {
        c.enter();
        CudaTensor s = t(src);
        if (dst.length < s.size()) {
            throw new IllegalArgumentException("download of " + s + " into " + dst.length + " floats");
        }
        int n = Math.toIntExact(s.size());
        FloatPointer staging = c.downloadStaging(n);
        check(cudaMemcpyAsync(staging, s.ptr, (long) n * Float.BYTES, cudaMemcpyDeviceToHost, c.stream),
                "cudaMemcpyAsync device to host");
        check(cudaStreamSynchronize(c.stream), "cudaStreamSynchronize");
        staging.get(dst, 0, n);
    }

    @Override
    public Tensor reshape(Tensor tensor, int... shape) {
        CudaTensor s = t(tensor);
        Shapes.reshape(s, shape);
        return new CudaTensor(this, s.block, shape, true);
    }

    @Override
    public void fill(Tensor tensor, float value) {
        c.enter();
        CudaTensor d = t(tensor);
        if (Float.floatToRawIntBits(value) == 0) {
            check(cudaMemsetAsync(d.ptr, 0, d.size() * Float.BYTES, c.stream), "cudaMemsetAsync");
            return;
        }
        int n = Shapes.intSize(d);
        c.kernels.args("fill_f32").ptr(d).f(value).i(n).launch1d(n, c.stream);
    }

    @Override
    public void axpy(float alpha, Tensor x, Tensor y) {
        c.enter();
        Shapes.sameSize(x, y, "axpy");
        int n = Shapes.intSize(x);
        c.kernels.args("axpy_f32").f(alpha).ptr(t(x)).ptr(t(y)).i(n).launch1d(n, c.stream);
    }

    // ---- convolution (cuDNN, CudnnConvolutions) -------------------------------------------------

    @Override
    public void conv3x3Forward(Tensor x, Tensor w, Tensor y) {
        c.enter();
        Shapes.conv(x, w, y);
        convolutions.forward(t(x).ptr, x, t(w).ptr, w, t(y).ptr);
    }

    @Override
    public void conv3x3BackwardData(Tensor dy, Tensor w, Tensor dx) {
        c.enter();
        Shapes.conv(dx, w, dy);
        convolutions.backwardData(t(dy).ptr, t(w).ptr, w, t(dx).ptr, dx);
    }

    @Override
    public void conv3x3BackwardFilter(Tensor x, Tensor dy, Tensor dw) {
        c.enter();
        Shapes.conv(x, dw, dy);
        convolutions.backwardFilter(t(x).ptr, x, t(dy).ptr, t(dw).ptr, dw);
    }

    // ---- matrix products (cuBLAS, column-major: a row-major M×N buffer is its transpose) --------

    @Override
    public void matmulNT(Tensor a, Tensor b, Tensor out) {
        c.enter();
        Shapes.matmulNT(a, b, out);
        gemm(Gemm.nt(a.dim(0), a.dim(1), b.dim(0)), a, b, out, "matmulNT");
    }

    @Override
    public void matmulNN(Tensor a, Tensor b, Tensor out) {
        c.enter();
        Shapes.matmulNN(a, b, out);
        gemm(Gemm.nn(a.dim(0), a.dim(1), b.dim(1)), a, b, out, "matmulNN");
    }

    @Override
    public void matmulTN(Tensor a, Tensor b, Tensor out) {
        c.enter();
        Shapes.matmulTN(a, b, out);
        gemm(Gemm.tn(a.dim(0), a.dim(1), b.dim(1)), a, b, out, "matmulTN");
    }

    /** Row-major {@code out = op(a)·op(b)} as the column-major {@code outᵀ = op(b's buffer)·op(a's buffer)} ({@link Gemm}). */
    private void gemm(Gemm g, Tensor a, Tensor b, Tensor out, String op) {
        checkCublas(cublasSgemm_v2(c.cublas, g.transX() ? CUBLAS_OP_T : CUBLAS_OP_N, g.transY() ? CUBLAS_OP_T : CUBLAS_OP_N,
                g.m(), g.n(), g.k(), c.one, t(b).ptr, g.ldx(), t(a).ptr, g.ldy(), c.zero, t(out).ptr, g.ldc()),
                "cublasSgemm (" + op + " " + a + ", " + b + ")");
    }

    // ---- BNTT + LIF (NVRTC kernels) -----------------------------------------------------------

    @Override
    public void bnttLifForward(BnttLifConfig cfg, boolean training, Tensor z, Tensor gamma, Tensor runningMean,
            Tensor runningVar, Tensor xhatOut, Tensor invStdOut, Tensor memOut, Tensor spikesOut) {
        c.enter();
        Shapes.Layout l = Shapes.bnttForward(cfg, z, gamma, runningMean, runningVar, xhatOut, invStdOut, memOut, spikesOut);
        Shapes.intSize(z);
        DeviceAllocator.Block mean = c.allocator.allocate((long) l.timesteps() * l.channels() * Float.BYTES);
        try {
            c.kernels.args("bntt_stats").ptr(t(z)).ptr(t(runningMean)).ptr(t(runningVar)).ptr(mean).ptr(t(invStdOut))
                    .i(l.batch()).i(l.channels()).i(l.spatial()).f(cfg.eps()).f(cfg.momentum()).i(training ? 1 : 0)
                    .launch(l.channels(), l.timesteps(), Kernels.BLOCK, c.stream);
            int per = l.batch() * l.channels() * l.spatial();
            c.kernels.args("bntt_lif_forward").ptr(t(z)).ptr(t(gamma)).ptr(mean).ptr(t(invStdOut)).ptr(t(xhatOut))
                    .ptr(t(memOut)).ptr(t(spikesOut)).i(l.timesteps()).i(l.batch()).i(l.channels()).i(l.spatial())
                    .f(cfg.leak()).f(cfg.threshold()).i(cfg.spike() == SpikeFunction.SIGMOID ? 1 : 0)
                    .launch1d(per, c.stream);
        } finally {
            c.allocator.release(mean);
        }
    }

    @Override
    public void bnttLifBackward(BnttLifConfig cfg, Tensor gradSpikes, Tensor mem, Tensor xhat, Tensor invStd,
            Tensor gamma, Tensor gradGamma, Tensor gradZOut) {
        c.enter();
        Shapes.Layout l = Shapes.bnttBackward(cfg, gradSpikes, mem, xhat, invStd, gamma, gradGamma, gradZOut);
        Shapes.intSize(gradSpikes);
        int per = l.batch() * l.channels() * l.spatial();
        long perStepBytes = (long) l.timesteps() * l.channels() * Float.BYTES;
        DeviceAllocator.Block sumG = c.allocator.allocate(perStepBytes);
        DeviceAllocator.Block sumGx = c.allocator.allocate(perStepBytes);
        try {
            c.kernels.args("bntt_lif_backward_mem").ptr(t(gradSpikes)).ptr(t(mem)).ptr(t(gradZOut)).i(l.timesteps())
                    .i(l.batch()).i(l.channels()).i(l.spatial()).f(cfg.leak()).f(cfg.threshold())
                    .i(cfg.spike() == SpikeFunction.SIGMOID ? 1 : 0)
                    .launch1d(per, c.stream);
            c.kernels.args("bntt_backward_sums").ptr(t(gradZOut)).ptr(t(xhat)).ptr(sumG).ptr(sumGx).ptr(t(gradGamma))
                    .i(l.batch()).i(l.channels()).i(l.spatial())
                    .launch(l.channels(), l.timesteps(), Kernels.BLOCK, c.stream);
            c.kernels.args("bntt_backward_finish").ptr(t(gradZOut)).ptr(t(xhat)).ptr(t(gamma)).ptr(t(invStd)).ptr(sumG)
                    .ptr(sumGx).i(l.total()).i(l.batch()).i(l.channels()).i(l.spatial())
                    .launch1d(l.total(), c.stream);
        } finally {
            c.allocator.release(sumG);
            c.allocator.release(sumGx);
        }
    }

    // ---- pooling, readout, loss, optimiser ----------------------------------------------------

    @Override
    public void avgPool2Forward(Tensor x, Tensor y) {
        c.enter();
        Shapes.pool(x, y);
        Shapes.intSize(x);
        int planes = x.dim(0) * x.dim(1);
        c.kernels.args("avgpool2_forward").ptr(t(x)).ptr(t(y)).i(planes).i(x.dim(2)).i(x.dim(3)).i(y.dim(2)).i(y.dim(3))
                .launch1d(y.size(), c.stream);
    }

    @Override
    public void avgPool2Backward(Tensor dy, Tensor dx) {
        c.enter();
        Shapes.pool(dx, dy);
        Shapes.intSize(dx);
        int planes = dx.dim(0) * dx.dim(1);
        c.kernels.args("avgpool2_backward").ptr(t(dy)).ptr(t(dx)).i(planes).i(dx.dim(2)).i(dx.dim(3)).i(dy.dim(2))
                .i(dy.dim(3)).launch1d(dx.size(), c.stream);
    }

    @Override
    public void timeMean(Tensor x, int timesteps, Tensor out) {
        c.enter();
        Shapes.timeMean(x, timesteps, out);
        Shapes.intSize(x);
        int n = (int) out.size();
        c.kernels.args("time_mean").ptr(t(x)).ptr(t(out)).i(n).i(timesteps).launch1d(n, c.stream);
    }

    @Override
    public void timeMeanBackward(Tensor dy, int timesteps, Tensor dx) {
        c.enter();
        Shapes.timeMeanBackward(dy, timesteps, dx);
        Shapes.intSize(dx);
        int n = (int) dy.size();
        c.kernels.args("time_mean_backward").ptr(t(dy)).ptr(t(dx)).i(n).i(timesteps).launch1d(dx.size(), c.stream);
    }

    @Override
    public float softmaxCrossEntropy(Tensor logits, int[] labels, Tensor gradLogits) {
        return softmaxCrossEntropyAsync(logits, labels, gradLogits).value();
    }

    /** Labels up through pinned memory, per-sample losses back the same way; no wait until {@code value()}. */
    @Override
    public Loss softmaxCrossEntropyAsync(Tensor logits, int[] labels, Tensor gradLogits) {
        c.enter();
        Shapes.loss(logits, labels, gradLogits);
        int batch = logits.dim(0);
        int classes = logits.dim(1);
        Pointer host = c.labelStaging.acquire((long) batch * Integer.BYTES);
        new IntPointer(host).put(labels, 0, batch);
        DeviceAllocator.Block devLabels = c.allocator.allocate((long) batch * Integer.BYTES);
        DeviceAllocator.Block rowLoss = c.allocator.allocate((long) batch * Double.BYTES);
        try {
            check(cudaMemcpyAsync(devLabels.ptr(), host, (long) batch * Integer.BYTES, cudaMemcpyHostToDevice, c.stream),
                    "cudaMemcpyAsync labels");
            c.labelStaging.queued(c.stream);
            c.kernels.args("softmax_xent").ptr(t(logits)).ptr(devLabels).ptr(t(gradLogits)).ptr(rowLoss).i(batch)
                    .i(classes).launch1d(batch, c.stream);
            return c.losses.queue(rowLoss.ptr(), batch, c.stream);
        } finally {
            c.allocator.release(devLabels);
            c.allocator.release(rowLoss);
        }
    }

    @Override
    public void sgdStep(Tensor param, Tensor grad, Tensor velocity, float lr, float momentum, float weightDecay) {
        c.enter();
        Shapes.sgd(param, grad, velocity);
        int n = Shapes.intSize(param);
        c.kernels.args("sgd_momentum").ptr(t(param)).ptr(t(grad)).ptr(t(velocity)).f(lr).f(momentum).f(weightDecay).i(n)
                .launch1d(n, c.stream);
    }

    @Override
    public void synchronize() {
        c.enter();
        check(cudaStreamSynchronize(c.stream), "cudaStreamSynchronize");
    }

    /** Free device memory plus what the caching allocator holds for reuse. */
    @Override
    public long availableBytes() {
        c.enter();
        try (SizeTPointer free = new SizeTPointer(1); SizeTPointer total = new SizeTPointer(1)) {
            check(cudaMemGetInfo(free, total), "cudaMemGetInfo");
            return free.get() + c.allocator.bytesCached();
        }
    }

    /** cuDNN's workspace, never more than its limit (the algorithm search rules out larger ones). */
    @Override
    public long convScratchBytes(long im2colBytes) {
        return Math.min(im2colBytes, c.convPlans.workspaceLimit());
    }

    /** Device memory held by live tensors, cached for reuse, and the peak, in bytes; real cudaMalloc calls. */
    @Override
    public String memoryReport() {
        DeviceAllocator a = c.allocator;
        return String.format(Locale.ROOT, "in use %.1f MiB, cached %.1f MiB, peak %.1f MiB, %d cudaMalloc calls, %d conv shapes",
                a.bytesInUse() / 1048576.0, a.bytesCached() / 1048576.0, a.peakBytes() / 1048576.0, a.mallocCount(),
                c.convPlans.size());
    }

    /** The cuDNN algorithm chosen per convolution shape and direction. */
    @Override
    public String convolutionReport() {
        return c.convPlans.describe();
    }

    /** Real {@code cudaMalloc} calls so far: constant once every shape has been seen. */
    public long mallocCount() {
        return c.allocator.mallocCount();
    }

    @Override
    public void close() {
        c.close();
    }

    private CudaTensor t(Tensor tensor) {
        if (tensor instanceof CudaTensor ct && ct.owner() == this) {
            return ct;
        }
        throw new IllegalArgumentException("tensor " + tensor + " does not belong to this CUDA backend");
    }
}
