package io.spikestream.trainer.backend.cuda;

import static io.spikestream.trainer.backend.cuda.CudaRuntime.check;
import static io.spikestream.trainer.backend.cuda.CudaRuntime.checkCublas;
import static io.spikestream.trainer.backend.cuda.CudaRuntime.checkCudnn;
import static io.spikestream.trainer.backend.cuda.CudaRuntime.checkDriver;
import static org.bytedeco.cuda.global.cublas.CUBLAS_DEFAULT_MATH;
import static org.bytedeco.cuda.global.cublas.CUBLAS_OP_N;
import static org.bytedeco.cuda.global.cublas.CUBLAS_OP_T;
import static org.bytedeco.cuda.global.cublas.CUBLAS_TF32_TENSOR_OP_MATH;
import static org.bytedeco.cuda.global.cublas.cublasCreate_v2;
import static org.bytedeco.cuda.global.cublas.cublasDestroy_v2;
import static org.bytedeco.cuda.global.cublas.cublasSetMathMode;
import static org.bytedeco.cuda.global.cublas.cublasSetStream_v2;
import static org.bytedeco.cuda.global.cublas.cublasSgemm_v2;
import static org.bytedeco.cuda.global.cudart.cuCtxGetCurrent;
import static org.bytedeco.cuda.global.cudart.cuCtxSetCurrent;
import static org.bytedeco.cuda.global.cudart.cudaDriverGetVersion;
import static org.bytedeco.cuda.global.cudart.cudaFree;
import static org.bytedeco.cuda.global.cudart.cudaFreeHost;
import static org.bytedeco.cuda.global.cudart.cudaGetDeviceProperties;
import static org.bytedeco.cuda.global.cudart.cudaMallocHost;
import static org.bytedeco.cuda.global.cudart.cudaMemGetInfo;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyAsync;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyDeviceToHost;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyHostToDevice;
import static org.bytedeco.cuda.global.cudart.cudaMemsetAsync;
import static org.bytedeco.cuda.global.cudart.cudaRuntimeGetVersion;
import static org.bytedeco.cuda.global.cudart.cudaSetDevice;
import static org.bytedeco.cuda.global.cudart.cudaStreamCreateWithFlags;
import static org.bytedeco.cuda.global.cudart.cudaStreamNonBlocking;
import static org.bytedeco.cuda.global.cudart.cudaStreamDestroy;
import static org.bytedeco.cuda.global.cudart.cudaStreamSynchronize;
import static org.bytedeco.cuda.global.cudnn.cudnnConvolutionBackwardData;
import static org.bytedeco.cuda.global.cudnn.cudnnConvolutionBackwardFilter;
import static org.bytedeco.cuda.global.cudnn.cudnnConvolutionForward;
import static org.bytedeco.cuda.global.cudnn.cudnnCreate;
import static org.bytedeco.cuda.global.cudnn.cudnnDestroy;
import static org.bytedeco.cuda.global.cudnn.cudnnGetVersion;
import static org.bytedeco.cuda.global.cudnn.cudnnSetStream;

import io.spikestream.trainer.backend.Backend;
import io.spikestream.trainer.backend.BnttLifConfig;
import io.spikestream.trainer.backend.SpikeFunction;
import io.spikestream.trainer.backend.Tensor;
import java.util.Locale;
import org.bytedeco.cuda.cublas.cublasContext;
import org.bytedeco.cuda.cudart.CUctx_st;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.cudart.cudaDeviceProp;
import org.bytedeco.cuda.cudnn.cudnnContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.SizeTPointer;

/**
 * The GPU backend: cuDNN for the 3×3 convolutions, cuBLAS for the matrix products, NVRTC-compiled
 * kernels ({@code kernels.cu}) for the fused BNTT + LIF step over all T, pooling, the time mean,
 * the loss and the optimiser. Everything is queued on one non-blocking CUDA stream, which cuDNN
 * and cuBLAS are bound to as well: nothing inside a training step waits for the device
 * ({@link #softmaxCrossEntropyAsync} leaves the loss on its way back; only {@link #download}, the
 * synchronous {@link #softmaxCrossEntropy} and {@link #synchronize} wait). Uploads go through
 * pinned staging buffers; frame counts travel as bytes and are expanded on the device. Device
 * memory comes from a caching allocator, so batches of the same shapes reuse the same blocks; the
 * per-call scratch buffers of the fused kernels come from it too.
 *
 * <p>Threads: the runtime API (cudart, cuDNN, cuBLAS) and the driver API (module load, kernel
 * launches) share the device's primary context, which {@code cudaSetDevice} makes current on the
 * constructing thread; a call from another thread makes it current there first ({@link #enter}).
 * Not thread-safe; it may be used from different threads one after another.
 */
public final class CudaBackend implements Backend {
    private final CudaOptions options;
    private final CUstream_st stream = new CUstream_st();
    private final CUctx_st context = new CUctx_st();
    private final cublasContext cublas = new cublasContext();
    private final cudnnContext cudnn = new cudnnContext();
    private final DeviceAllocator allocator = new DeviceAllocator();
    private final ConvPlans convPlans;
    private final Kernels kernels;
    private final String device;
    private final String implementation;
    private final FloatPointer one = new FloatPointer(1).put(1f);
    private final FloatPointer zero = new FloatPointer(1).put(0f);
    private final PinnedStaging floatStaging;
    private final PinnedStaging countStaging;
    private final PinnedStaging labelStaging;
    private final LossReadback losses;
    private FloatPointer downloadStaging; // pinned
    private long downloadCapacity;
    private DeviceAllocator.Block workspace;
    private Thread contextThread;
    private boolean closed;

    public CudaBackend(CudaOptions options) {
        this.options = options;
        try {
            check(cudaSetDevice(options.device()), "cudaSetDevice " + options.device());
            check(cudaFree(null), "CUDA context creation");
            checkDriver(cuCtxGetCurrent(context), "cuCtxGetCurrent");
            contextThread = Thread.currentThread();
            // non-blocking: never serialised against work on the legacy default stream
            check(cudaStreamCreateWithFlags(stream, cudaStreamNonBlocking), "cudaStreamCreateWithFlags");
            floatStaging = new PinnedStaging("float upload");
            countStaging = new PinnedStaging("count upload");
            labelStaging = new PinnedStaging("label upload");
            losses = new LossReadback();
            checkCublas(cublasCreate_v2(cublas), "cublasCreate");
            checkCublas(cublasSetStream_v2(cublas, stream), "cublasSetStream");
            checkCublas(cublasSetMathMode(cublas, options.strictFp32() ? CUBLAS_DEFAULT_MATH : CUBLAS_TF32_TENSOR_OP_MATH),
                    "cublasSetMathMode");
            checkCudnn(cudnnCreate(cudnn), "cudnnCreate");
            checkCudnn(cudnnSetStream(cudnn, stream), "cudnnSetStream");
            try (cudaDeviceProp prop = new cudaDeviceProp()) {
                check(cudaGetDeviceProperties(prop, options.device()), "cudaGetDeviceProperties");
                convPlans = new ConvPlans(cudnn, options.strictFp32(), options.workspaceLimit(prop.totalGlobalMem()));
                int major = prop.major();
                int minor = prop.minor();
                this.device = String.format(Locale.ROOT, "%s (sm_%d%d, %.1f GiB, %d SMs)", prop.name().getString(), major, minor,
                        prop.totalGlobalMem() / (double) (1L << 30), prop.multiProcessorCount());
                this.kernels = new Kernels(major, minor, prop.multiProcessorCount());
            }
            int[] drv = new int[1];
            int[] rt = new int[1];
            check(cudaDriverGetVersion(drv), "cudaDriverGetVersion");
            check(cudaRuntimeGetVersion(rt), "cudaRuntimeGetVersion");
            this.implementation = String.format(Locale.ROOT, "cuda-javacpp (driver %s, runtime %s, cuDNN %d, kernels %s, %s)",
                    version(drv[0]), version(rt[0]), cudnnGetVersion(), kernels.arch(),
                    options.strictFp32() ? "strict FP32" : "TF32");
        } catch (RuntimeException | Error e) {
            // e.g. NVRTC or the module load failed: `auto` then goes on with the CPU, so give back
            // what was created so far instead of leaking pinned memory, events and handles
            releaseAfterFailedStart(e);
            throw e;
        }
    }

    /** Frees whatever the constructor created before it failed; later failures are attached to {@code cause}. */
    private void releaseAfterFailedStart(Throwable cause) {
        closed = true;
        Runnable[] steps = {
            () -> {
                if (convPlans != null) {
                    convPlans.close();
                }
            },
            () -> {
                if (kernels != null) {
                    kernels.close();
                }
            },
            () -> {
                if (!cudnn.isNull()) {
                    cudnnDestroy(cudnn);
                }
            },
            () -> {
                if (!cublas.isNull()) {
                    cublasDestroy_v2(cublas);
                }
            },
            allocator::close,
            () -> {
                if (losses != null) {
                    losses.close();
                }
            },
            () -> {
                for (PinnedStaging p : new PinnedStaging[] {floatStaging, countStaging, labelStaging}) {
                    if (p != null) {
                        p.close();
                    }
                }
            },
            () -> {
                if (!stream.isNull()) {
                    cudaStreamDestroy(stream);
                }
            },
            one::close,
            zero::close,
        };
        for (Runnable step : steps) {
            try {
                step.run();
            } catch (RuntimeException | Error e) {
                cause.addSuppressed(e);
            }
        }
    }

    private static String version(int v) {
        return (v / 1000) + "." + (v % 1000) / 10;
    }

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public String implementation() {
        return implementation;
    }

    @Override
    public String device() {
        return device;
    }

    public CudaOptions options() {
        return options;
    }

    /** The driver API needs the context current on the calling thread; the runtime API the device. */
    private void enter() {
        if (closed) {
            throw new IllegalStateException("the CUDA backend is closed");
        }
        Thread now = Thread.currentThread();
        if (now != contextThread) {
            check(cudaSetDevice(options.device()), "cudaSetDevice " + options.device());
            checkDriver(cuCtxSetCurrent(context), "cuCtxSetCurrent");
            contextThread = now;
        }
    }

    // ---- memory -------------------------------------------------------------------------------

    @Override
    public Tensor allocate(int... shape) {
        enter();
        long size = Tensor.sizeOf(shape);
        DeviceAllocator.Block b = allocator.allocate(size * Float.BYTES);
        check(cudaMemsetAsync(b.ptr(), 0, size * Float.BYTES, stream), "cudaMemsetAsync");
        return new CudaTensor(this, b, shape, false);
    }

    void release(DeviceAllocator.Block b) {
        if (!closed) {
            allocator.release(b);
        }
    }

    @Override
    public void upload(float[] values, Tensor dst) {
        enter();
        CudaTensor d = t(dst);
        if (values.length != d.size()) {
            throw new IllegalArgumentException("upload of " + values.length + " values into " + d);
        }
        long bytes = (long) values.length * Float.BYTES;
        Pointer host = floatStaging.acquire(bytes);
        new FloatPointer(host).put(values, 0, values.length);
        check(cudaMemcpyAsync(d.ptr, host, bytes, cudaMemcpyHostToDevice, stream), "cudaMemcpyAsync host to device");
        floatStaging.queued(stream);
    }

    /** Bytes over PCIe, floats made on the device by {@code u8_to_f32}. */
    @Override
    public void uploadCounts(byte[] counts, Tensor dst) {
        enter();
        CudaTensor d = t(dst);
        if (counts.length != d.size()) {
            throw new IllegalArgumentException("upload of " + counts.length + " counts into " + d);
        }
        int n = counts.length;
        if (n == 0) {
            return;
        }
        Pointer host = countStaging.acquire(n);
        new BytePointer(host).put(counts, 0, n);
        DeviceAllocator.Block raw = allocator.allocate(n);
        try {
            check(cudaMemcpyAsync(raw.ptr(), host, n, cudaMemcpyHostToDevice, stream), "cudaMemcpyAsync counts to device");
            countStaging.queued(stream);
            kernels.args("u8_to_f32").ptr(raw).ptr(d).i(n).launch1d(n, stream);
        } finally {
            allocator.release(raw); // reuse is ordered after the kernel: same stream
        }
    }

    private static FloatPointer pinned(long floats) {
        Pointer p = new Pointer();
        check(cudaMallocHost(p, floats * Float.BYTES), "cudaMallocHost of " + floats * Float.BYTES + " bytes");
        return new FloatPointer(p).capacity(floats).limit(floats);
    }

    @Override
    public void download(Tensor src, float[] dst) {
        enter();
        CudaTensor s = t(src);
        if (dst.length < s.size()) {
            throw new IllegalArgumentException("download of " + s + " into " + dst.length + " floats");
        }
        int n = Math.toIntExact(s.size());
        if (downloadCapacity < n) {
            if (downloadStaging != null) {
                cudaFreeHost(downloadStaging);
            }
            downloadStaging = pinned(n);
            downloadCapacity = n;
        }
        check(cudaMemcpyAsync(downloadStaging, s.ptr, (long) n * Float.BYTES, cudaMemcpyDeviceToHost, stream),
                "cudaMemcpyAsync device to host");
        check(cudaStreamSynchronize(stream), "cudaStreamSynchronize");
        downloadStaging.get(dst, 0, n);
    }

    @Override
    public Tensor reshape(Tensor tensor, int... shape) {
        CudaTensor s = t(tensor);
        Shapes.reshape(s, shape);
        return new CudaTensor(this, s.block, shape, true);
    }

    @Override
    public void fill(Tensor tensor, float value) {
        enter();
        CudaTensor d = t(tensor);
        if (Float.floatToRawIntBits(value) == 0) {
            check(cudaMemsetAsync(d.ptr, 0, d.size() * Float.BYTES, stream), "cudaMemsetAsync");
            return;
        }
        int n = Shapes.intSize(d);
        kernels.args("fill_f32").ptr(d).f(value).i(n).launch1d(n, stream);
    }

    @Override
    public void axpy(float alpha, Tensor x, Tensor y) {
        enter();
        Shapes.sameSize(x, y, "axpy");
        int n = Shapes.intSize(x);
        kernels.args("axpy_f32").f(alpha).ptr(t(x)).ptr(t(y)).i(n).launch1d(n, stream);
    }

    // ---- convolution (cuDNN) ------------------------------------------------------------------

    private static ConvPlans.Key key(Tensor x, Tensor w) {
        return new ConvPlans.Key(x.dim(0), x.dim(1), w.dim(0), x.dim(2), x.dim(3));
    }

    private Pointer workspace(long bytes) {
        if (bytes == 0) {
            return null;
        }
        if (workspace == null || workspace.bytes() < bytes) {
            if (workspace != null) {
                allocator.release(workspace);
            }
            workspace = allocator.allocate(bytes);
        }
        return workspace.ptr();
    }

    @Override
    public void conv3x3Forward(Tensor x, Tensor w, Tensor y) {
        enter();
        Shapes.conv(x, w, y);
        ConvPlans.Key k = key(x, w);
        ConvPlans.Plan p = convPlans.plan(k);
        ConvPlans.Algo a = convPlans.forward(p, k);
        convPlans.useMath(p, a);
        checkCudnn(cudnnConvolutionForward(cudnn, one, p.x, t(x).ptr, p.w, t(w).ptr, p.conv, a.algo(),
                workspace(a.workspace()), a.workspace(), zero, p.y, t(y).ptr), "cudnnConvolutionForward " + k);
    }

    @Override
    public void conv3x3BackwardData(Tensor dy, Tensor w, Tensor dx) {
        enter();
        Shapes.conv(dx, w, dy);
        ConvPlans.Key k = key(dx, w);
        ConvPlans.Plan p = convPlans.plan(k);
        ConvPlans.Algo a = convPlans.backwardData(p, k);
        convPlans.useMath(p, a);
        checkCudnn(cudnnConvolutionBackwardData(cudnn, one, p.w, t(w).ptr, p.y, t(dy).ptr, p.conv, a.algo(),
                workspace(a.workspace()), a.workspace(), zero, p.x, t(dx).ptr), "cudnnConvolutionBackwardData " + k);
    }

    @Override
    public void conv3x3BackwardFilter(Tensor x, Tensor dy, Tensor dw) {
        enter();
        Shapes.conv(x, dw, dy);
        ConvPlans.Key k = key(x, dw);
        ConvPlans.Plan p = convPlans.plan(k);
        ConvPlans.Algo a = convPlans.backwardFilter(p, k);
        convPlans.useMath(p, a);
        checkCudnn(cudnnConvolutionBackwardFilter(cudnn, one, p.x, t(x).ptr, p.y, t(dy).ptr, p.conv, a.algo(),
                workspace(a.workspace()), a.workspace(), zero, p.w, t(dw).ptr), "cudnnConvolutionBackwardFilter " + k);
    }

    // ---- matrix products (cuBLAS, column-major: a row-major M×N buffer is its transpose) --------

    @Override
    public void matmulNT(Tensor a, Tensor b, Tensor c) {
        enter();
        Shapes.matrices(a, b, c, a.dim(1) == b.dim(1) && c.dim(0) == a.dim(0) && c.dim(1) == b.dim(0), "matmulNT");
        gemm(Gemm.nt(a.dim(0), a.dim(1), b.dim(0)), a, b, c, "matmulNT");
    }

    @Override
    public void matmulNN(Tensor a, Tensor b, Tensor c) {
        enter();
        Shapes.matrices(a, b, c, a.dim(1) == b.dim(0) && c.dim(0) == a.dim(0) && c.dim(1) == b.dim(1), "matmulNN");
        gemm(Gemm.nn(a.dim(0), a.dim(1), b.dim(1)), a, b, c, "matmulNN");
    }

    @Override
    public void matmulTN(Tensor a, Tensor b, Tensor c) {
        enter();
        Shapes.matrices(a, b, c, a.dim(0) == b.dim(0) && c.dim(0) == a.dim(1) && c.dim(1) == b.dim(1), "matmulTN");
        gemm(Gemm.tn(a.dim(0), a.dim(1), b.dim(1)), a, b, c, "matmulTN");
    }

    /** Row-major {@code c = op(a)·op(b)} as the column-major {@code cᵀ = op(b's buffer)·op(a's buffer)} ({@link Gemm}). */
    private void gemm(Gemm g, Tensor a, Tensor b, Tensor c, String op) {
        checkCublas(cublasSgemm_v2(cublas, g.transX() ? CUBLAS_OP_T : CUBLAS_OP_N, g.transY() ? CUBLAS_OP_T : CUBLAS_OP_N,
                g.m(), g.n(), g.k(), one, t(b).ptr, g.ldx(), t(a).ptr, g.ldy(), zero, t(c).ptr, g.ldc()),
                "cublasSgemm (" + op + " " + a + ", " + b + ")");
    }

    // ---- BNTT + LIF (NVRTC kernels) -----------------------------------------------------------

    @Override
    public void bnttLifForward(BnttLifConfig cfg, boolean training, Tensor z, Tensor gamma, Tensor runningMean,
            Tensor runningVar, Tensor xhatOut, Tensor invStdOut, Tensor memOut, Tensor spikesOut) {
        enter();
        Shapes.Layout l = Shapes.Layout.of(cfg, z);
        l.checkPerStep(gamma, "gamma");
        l.checkPerStep(runningMean, "running mean");
        l.checkPerStep(runningVar, "running var");
        l.checkPerStep(invStdOut, "inv std");
        Shapes.sameSize(z, xhatOut, "bntt xhat");
        Shapes.sameSize(z, memOut, "bntt mem");
        Shapes.sameSize(z, spikesOut, "bntt spikes");
        DeviceAllocator.Block mean = allocator.allocate((long) l.timesteps() * l.channels() * Float.BYTES);
        try {
            kernels.args("bntt_stats").ptr(t(z)).ptr(t(runningMean)).ptr(t(runningVar)).ptr(mean).ptr(t(invStdOut))
                    .i(l.batch()).i(l.channels()).i(l.spatial()).f(cfg.eps()).f(cfg.momentum()).i(training ? 1 : 0)
                    .launch(l.channels(), l.timesteps(), Kernels.BLOCK, stream);
            int per = l.batch() * l.channels() * l.spatial();
            kernels.args("bntt_lif_forward").ptr(t(z)).ptr(t(gamma)).ptr(mean).ptr(t(invStdOut)).ptr(t(xhatOut)).ptr(t(memOut))
                    .ptr(t(spikesOut)).i(l.timesteps()).i(l.batch()).i(l.channels()).i(l.spatial()).f(cfg.leak())
                    .f(cfg.threshold()).i(cfg.spike() == SpikeFunction.SIGMOID ? 1 : 0)
                    .launch1d(per, stream);
        } finally {
            allocator.release(mean); // reuse is ordered after these kernels: same stream
        }
    }

    @Override
    public void bnttLifBackward(BnttLifConfig cfg, Tensor gradSpikes, Tensor mem, Tensor xhat, Tensor invStd,
            Tensor gamma, Tensor gradGamma, Tensor gradZOut) {
        enter();
        Shapes.Layout l = Shapes.Layout.of(cfg, gradSpikes);
        l.checkPerStep(gamma, "gamma");
        l.checkPerStep(gradGamma, "gamma gradient");
        l.checkPerStep(invStd, "inv std");
        Shapes.sameSize(gradSpikes, mem, "bntt backward mem");
        Shapes.sameSize(gradSpikes, xhat, "bntt backward xhat");
        Shapes.sameSize(gradSpikes, gradZOut, "bntt backward dz");
        int per = l.batch() * l.channels() * l.spatial();
        long perStepBytes = (long) l.timesteps() * l.channels() * Float.BYTES;
        DeviceAllocator.Block sumG = allocator.allocate(perStepBytes);
        DeviceAllocator.Block sumGx = allocator.allocate(perStepBytes);
        try {
            kernels.args("bntt_lif_backward_mem").ptr(t(gradSpikes)).ptr(t(mem)).ptr(t(gradZOut)).i(l.timesteps()).i(l.batch())
                    .i(l.channels()).i(l.spatial()).f(cfg.leak()).f(cfg.threshold())
                    .i(cfg.spike() == SpikeFunction.SIGMOID ? 1 : 0)
                    .launch1d(per, stream);
            kernels.args("bntt_backward_sums").ptr(t(gradZOut)).ptr(t(xhat)).ptr(sumG).ptr(sumGx).ptr(t(gradGamma)).i(l.batch())
                    .i(l.channels()).i(l.spatial())
                    .launch(l.channels(), l.timesteps(), Kernels.BLOCK, stream);
            kernels.args("bntt_backward_finish").ptr(t(gradZOut)).ptr(t(xhat)).ptr(t(gamma)).ptr(t(invStd)).ptr(sumG).ptr(sumGx)
                    .i(l.total()).i(l.batch()).i(l.channels()).i(l.spatial())
                    .launch1d(l.total(), stream);
        } finally {
            allocator.release(sumG);
            allocator.release(sumGx);
        }
    }

    // ---- pooling, readout, loss, optimiser ----------------------------------------------------

    @Override
    public void avgPool2Forward(Tensor x, Tensor y) {
        enter();
        Shapes.pool(x, y);
        Shapes.intSize(x);
        int planes = x.dim(0) * x.dim(1);
        kernels.args("avgpool2_forward").ptr(t(x)).ptr(t(y)).i(planes).i(x.dim(2)).i(x.dim(3)).i(y.dim(2)).i(y.dim(3))
                .launch1d(y.size(), stream);
    }

    @Override
    public void avgPool2Backward(Tensor dy, Tensor dx) {
        enter();
        Shapes.pool(dx, dy);
        Shapes.intSize(dx);
        int planes = dx.dim(0) * dx.dim(1);
        kernels.args("avgpool2_backward").ptr(t(dy)).ptr(t(dx)).i(planes).i(dx.dim(2)).i(dx.dim(3)).i(dy.dim(2)).i(dy.dim(3))
                .launch1d(dx.size(), stream);
    }

    @Override
    public void timeMean(Tensor x, int timesteps, Tensor out) {
        enter();
        if (x.size() != out.size() * timesteps) {
            throw new IllegalArgumentException("time mean of " + x + " over " + timesteps + " steps into " + out);
        }
        Shapes.intSize(x);
        int n = (int) out.size();
        kernels.args("time_mean").ptr(t(x)).ptr(t(out)).i(n).i(timesteps).launch1d(n, stream);
    }

    @Override
    public void timeMeanBackward(Tensor dy, int timesteps, Tensor dx) {
        enter();
        if (dx.size() != dy.size() * timesteps) {
            throw new IllegalArgumentException("time mean backward of " + dy + " over " + timesteps + " steps into " + dx);
        }
        Shapes.intSize(dx);
        int n = (int) dy.size();
        kernels.args("time_mean_backward").ptr(t(dy)).ptr(t(dx)).i(n).i(timesteps).launch1d(dx.size(), stream);
    }

    @Override
    public float softmaxCrossEntropy(Tensor logits, int[] labels, Tensor gradLogits) {
        return softmaxCrossEntropyAsync(logits, labels, gradLogits).value();
    }

    /** Labels up through pinned memory, per-sample losses back the same way; no wait until {@code value()}. */
    @Override
    public Loss softmaxCrossEntropyAsync(Tensor logits, int[] labels, Tensor gradLogits) {
        enter();
        if (logits.shape().length != 2 || logits.dim(0) != labels.length) {
            throw new IllegalArgumentException("loss: logits " + logits + " for " + labels.length + " labels");
        }
        Shapes.sameSize(logits, gradLogits, "loss gradient");
        int batch = logits.dim(0);
        int classes = logits.dim(1);
        Shapes.labels(labels, batch, classes);
        Pointer host = labelStaging.acquire((long) batch * Integer.BYTES);
        new IntPointer(host).put(labels, 0, batch);
        DeviceAllocator.Block devLabels = allocator.allocate((long) batch * Integer.BYTES);
        DeviceAllocator.Block rowLoss = allocator.allocate((long) batch * Double.BYTES);
        try {
            check(cudaMemcpyAsync(devLabels.ptr(), host, (long) batch * Integer.BYTES, cudaMemcpyHostToDevice, stream),
                    "cudaMemcpyAsync labels");
            labelStaging.queued(stream);
            kernels.args("softmax_xent").ptr(t(logits)).ptr(devLabels).ptr(t(gradLogits)).ptr(rowLoss).i(batch).i(classes)
                    .launch1d(batch, stream);
            return losses.queue(rowLoss.ptr(), batch, stream);
        } finally {
            allocator.release(devLabels);
            allocator.release(rowLoss);
        }
    }

    @Override
    public void sgdStep(Tensor param, Tensor grad, Tensor velocity, float lr, float momentum, float weightDecay) {
        enter();
        Shapes.sameSize(param, grad, "sgd gradient");
        Shapes.sameSize(param, velocity, "sgd velocity");
        int n = Shapes.intSize(param);
        kernels.args("sgd_momentum").ptr(t(param)).ptr(t(grad)).ptr(t(velocity)).f(lr).f(momentum).f(weightDecay).i(n)
                .launch1d(n, stream);
    }

    @Override
    public void synchronize() {
        enter();
        check(cudaStreamSynchronize(stream), "cudaStreamSynchronize");
    }

    /** Free device memory plus what the caching allocator holds for reuse. */
    @Override
    public long availableBytes() {
        enter();
        try (SizeTPointer free = new SizeTPointer(1); SizeTPointer total = new SizeTPointer(1)) {
            check(cudaMemGetInfo(free, total), "cudaMemGetInfo");
            return free.get() + allocator.bytesCached();
        }
    }

    /** cuDNN's workspace, never more than its limit (the algorithm search rules out larger ones). */
    @Override
    public long convScratchBytes(long im2colBytes) {
        return Math.min(im2colBytes, convPlans.workspaceLimit());
    }

    /** Device memory held by live tensors, cached for reuse, and the peak, in bytes; real cudaMalloc calls. */
    public String memoryReport() {
        return String.format(Locale.ROOT, "in use %.1f MiB, cached %.1f MiB, peak %.1f MiB, %d cudaMalloc calls, %d conv shapes",
                allocator.bytesInUse() / 1048576.0, allocator.bytesCached() / 1048576.0, allocator.peakBytes() / 1048576.0,
                allocator.mallocCount(), convPlans.size());
    }

    /** The cuDNN algorithm chosen per convolution shape and direction. */
    public String convReport() {
        return convPlans.describe();
    }

    /** Real {@code cudaMalloc} calls so far: constant once every shape has been seen. */
    public long mallocCount() {
        return allocator.mallocCount();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        enter();
        cudaStreamSynchronize(stream);
        closed = true;
        convPlans.close();
        kernels.close();
        cudnnDestroy(cudnn);
        cublasDestroy_v2(cublas);
        allocator.close();
        losses.close();
        floatStaging.close();
        countStaging.close();
        labelStaging.close();
        if (downloadStaging != null) {
            cudaFreeHost(downloadStaging);
        }
        cudaStreamDestroy(stream);
        one.close();
        zero.close();
    }

    private CudaTensor t(Tensor tensor) {
        if (tensor instanceof CudaTensor c && c.owner() == this) {
            return c;
        }
        throw new IllegalArgumentException("tensor " + tensor + " does not belong to this CUDA backend");
    }
}
