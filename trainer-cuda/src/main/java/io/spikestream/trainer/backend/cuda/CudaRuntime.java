package io.spikestream.trainer.backend.cuda;

import static org.bytedeco.cuda.global.cudart.cudaGetDeviceCount;
import static org.bytedeco.cuda.global.cudart.cudaGetErrorString;

import java.util.Optional;
import org.bytedeco.cuda.global.cublas;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.cuda.global.cudnn;
import org.bytedeco.cuda.global.nvrtc;
import org.bytedeco.javacpp.Loader;

/** Loading of the native libraries and error checking for every CUDA library call. */
final class CudaRuntime {
    private CudaRuntime() {
    }

    /** Empty when the four libraries load and the device exists; else one line saying what is missing. */
    static Optional<String> probe(int device) {
        try {
            Loader.load(cudart.class);
        } catch (Throwable e) { // UnsatisfiedLinkError, or the presets' class initialiser wrapping it
            return Optional.of("the CUDA runtime or driver library could not be loaded (" + rootMessage(e)
                    + "); a GPU machine needs libcuda.so.1 (driver) and libcudart.so.13 on LD_LIBRARY_PATH");
        }
        int[] count = new int[1];
        int rc = cudaGetDeviceCount(count);
        if (rc != cudart.cudaSuccess) {
            return Optional.of("no usable CUDA device: cudaGetDeviceCount says " + cudaErrorName(rc));
        }
        if (count[0] <= device) {
            return Optional.of("CUDA device " + device + " requested, " + count[0] + " present");
        }
        for (Class<?> lib : new Class<?>[] {cublas.class, cudnn.class, nvrtc.class}) {
            try {
                Loader.load(lib);
            } catch (Throwable e) {
                return Optional.of("the CUDA library " + lib.getSimpleName() + " could not be loaded (" + rootMessage(e)
                        + "); install cuBLAS 13, cuDNN 9 and NVRTC 13 next to the CUDA runtime");
            }
        }
        return Optional.empty();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m.lines().findFirst().orElse(""));
    }

    static void check(int rc, String what) {
        if (rc != cudart.cudaSuccess) {
            throw new CudaException(what + " failed: " + cudaErrorName(rc));
        }
    }

    /** "cudaErrorNoDevice: no CUDA-capable device is detected (cuda error 100)". */
    static String cudaErrorName(int rc) {
        return cudart.cudaGetErrorName(rc).getString() + ": " + cudaGetErrorString(rc).getString() + " (cuda error " + rc + ")";
    }

    static void checkDriver(int rc, String what) {
        if (rc != 0) {
            throw new CudaException(what + " failed: " + driverErrorName(rc));
        }
    }

    /** "CUDA_ERROR_UNSUPPORTED_PTX_VERSION: the provided PTX was compiled with an unsupported toolchain (CUresult 222)". */
    static String driverErrorName(int rc) {
        return driverString(rc, true) + ": " + driverString(rc, false) + " (CUresult " + rc + ")";
    }

    private static String driverString(int rc, boolean name) {
        try (org.bytedeco.javacpp.PointerPointer<?> p = new org.bytedeco.javacpp.PointerPointer<>(1)) {
            int r = name ? cudart.cuGetErrorName(rc, p) : cudart.cuGetErrorString(rc, p);
            return r == 0 && p.get(0) != null ? new org.bytedeco.javacpp.BytePointer(p.get(0)).getString() : "?";
        }
    }

    static void checkCublas(int rc, String what) {
        if (rc != 0) {
            throw new CudaException(what + " failed: " + cublas.cublasGetStatusName(rc).getString() + ": "
                    + cublas.cublasGetStatusString(rc).getString() + " (cublas status " + rc + ")");
        }
    }

    static void checkCudnn(int rc, String what) {
        if (rc != cudnn.CUDNN_STATUS_SUCCESS) {
            throw new CudaException(what + " failed: " + cudnn.cudnnGetErrorString(rc).getString() + " (cudnn status " + rc + ")");
        }
    }

    static void checkNvrtc(int rc, String what) {
        if (rc != 0) {
            throw new CudaException(what + " failed: " + nvrtc.nvrtcGetErrorString(rc).getString() + " (nvrtc result " + rc + ")");
        }
    }

    /** A failed CUDA, cuDNN, cuBLAS or NVRTC call. */
    static final class CudaException extends RuntimeException {
        CudaException(String message) {
            super(message);
        }
    }
}
