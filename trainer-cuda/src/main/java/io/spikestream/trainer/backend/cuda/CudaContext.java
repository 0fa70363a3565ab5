package io.spikestream.trainer.backend.cuda;

import static io.spikestream.trainer.backend.cuda.CudaRuntime.check;
import static io.spikestream.trainer.backend.cuda.CudaRuntime.checkCublas;
import static io.spikestream.trainer.backend.cuda.CudaRuntime.checkCudnn;
import static io.spikestream.trainer.backend.cuda.CudaRuntime.checkDriver;
import static org.bytedeco.cuda.global.cublas.CUBLAS_DEFAULT_MATH;
import static org.bytedeco.cuda.global.cublas.CUBLAS_TF32_TENSOR_OP_MATH;
import static org.bytedeco.cuda.global.cublas.cublasCreate_v2;
import static org.bytedeco.cuda.global.cublas.cublasDestroy_v2;
import static org.bytedeco.cuda.global.cublas.cublasSetMathMode;
import static org.bytedeco.cuda.global.cublas.cublasSetStream_v2;
import static org.bytedeco.cuda.global.cudart.cuCtxGetCurrent;
import static org.bytedeco.cuda.global.cudart.cuCtxSetCurrent;
import static org.bytedeco.cuda.global.cudart.cudaDriverGetVersion;
import static org.bytedeco.cuda.global.cudart.cudaFree;
import static org.bytedeco.cuda.global.cudart.cudaFreeHost;
import static org.bytedeco.cuda.global.cudart.cudaGetDeviceProperties;
import static org.bytedeco.cuda.global.cudart.cudaMallocHost;
import static org.bytedeco.cuda.global.cudart.cudaRuntimeGetVersion;
import static org.bytedeco.cuda.global.cudart.cudaSetDevice;
import static org.bytedeco.cuda.global.cudart.cudaStreamCreateWithFlags;
import static org.bytedeco.cuda.global.cudart.cudaStreamDestroy;
import static org.bytedeco.cuda.global.cudart.cudaStreamNonBlocking;
import static org.bytedeco.cuda.global.cudart.cudaStreamSynchronize;
import static org.bytedeco.cuda.global.cudnn.cudnnCreate;
import static org.bytedeco.cuda.global.cudnn.cudnnDestroy;
import static org.bytedeco.cuda.global.cudnn.cudnnGetVersion;
import static org.bytedeco.cuda.global.cudnn.cudnnSetStream;

import java.util.Locale;
import org.bytedeco.cuda.cublas.cublasContext;
import org.bytedeco.cuda.cudart.CUctx_st;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.cudart.cudaDeviceProp;
import org.bytedeco.cuda.cudnn.cudnnContext;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * Everything a {@link CudaBackend} holds on the device and in pinned host memory, made in one place
 * and freed in one place: the device's primary context, one non-blocking stream that the kernels,
 * cuDNN and cuBLAS all use (nothing is ever serialised against the legacy default stream), the
 * cuDNN and cuBLAS handles bound to it, the compiled kernels, the convolution plans, the caching
 * allocator, the pinned staging buffers and the loss read-back ring.
 *
 * <p>Threads: the runtime API (cudart, cuDNN, cuBLAS) and the driver API (module load, kernel
 * launches) share the primary context, which {@code cudaSetDevice} makes current on the
 * constructing thread; {@link #enter} makes it current on any other calling thread first.
 */
final class CudaContext implements AutoCloseable {
    final CudaOptions options;
    final CUstream_st stream = new CUstream_st();
    final cublasContext cublas = new cublasContext();
    final cudnnContext cudnn = new cudnnContext();
    final DeviceAllocator allocator = new DeviceAllocator();
    final ConvPlans convPlans;
    final Kernels kernels;
    final FloatPointer one = new FloatPointer(1).put(1f);
    final FloatPointer zero = new FloatPointer(1).put(0f);
    final PinnedStaging floatStaging;
    final PinnedStaging countStaging;
    final PinnedStaging labelStaging;
    final LossReadback losses;
    final String device;
    final String implementation;
    private final CUctx_st context = new CUctx_st();
    private FloatPointer downloadStaging;
    private long downloadCapacity;
    private Thread contextThread;
    private boolean closed;

    CudaContext(CudaOptions options) {
        this.options = options;
        try {
            check(cudaSetDevice(options.device()), "cudaSetDevice " + options.device());
            check(cudaFree(null), "CUDA context creation");
            checkDriver(cuCtxGetCurrent(context), "cuCtxGetCurrent");
            contextThread = Thread.currentThread();
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
                this.device = String.format(Locale.ROOT, "%s (sm_%d%d, %.1f GiB, %d SMs)", prop.name().getString(), major,
                        minor, prop.totalGlobalMem() / (double) (1L << 30), prop.multiProcessorCount());
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

    private static String version(int v) {
        return (v / 1000) + "." + (v % 1000) / 10;
    }

    /** Frees whatever the constructor created before it failed; later failures are attached to {@code cause}. */
    private void releaseAfterFailedStart(Throwable cause) {
        closed = true;
        Runnable[] steps = {
            () -> closeIfMade(convPlans),
            () -> closeIfMade(kernels),
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
            () -> closeIfMade(losses),
            () -> closeIfMade(floatStaging),
            () -> closeIfMade(countStaging),
            () -> closeIfMade(labelStaging),
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

    private static void closeIfMade(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    boolean closed() {
        return closed;
    }

    /** The driver API needs the context current on the calling thread; the runtime API the device. */
    void enter() {
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

    /** A pinned host buffer of at least {@code floats} floats for device-to-host copies, grown on demand. */
    FloatPointer downloadStaging(long floats) {
        if (downloadCapacity < floats) {
            if (downloadStaging != null) {
                cudaFreeHost(downloadStaging);
            }
            Pointer p = new Pointer();
            check(cudaMallocHost(p, floats * Float.BYTES), "cudaMallocHost of " + floats * Float.BYTES + " bytes");
            downloadStaging = new FloatPointer(p).capacity(floats).limit(floats);
            downloadCapacity = floats;
        }
        return downloadStaging;
    }

    /** Waits for the stream, then frees everything; a second call does nothing. */
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
}
