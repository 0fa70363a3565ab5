package io.spikestream.trainer.backend.cuda;

import io.spikestream.trainer.backend.reference.ReferenceKernels;
import static io.spikestream.trainer.backend.cuda.CudaRuntime.checkDriver;
import static io.spikestream.trainer.backend.cuda.CudaRuntime.checkNvrtc;
import static org.bytedeco.cuda.global.cudart.cuLaunchKernel;
import static org.bytedeco.cuda.global.cudart.cuModuleGetFunction;
import static org.bytedeco.cuda.global.cudart.cuModuleLoadData;
import static org.bytedeco.cuda.global.cudart.cuModuleUnload;
import static org.bytedeco.cuda.global.nvrtc.nvrtcCompileProgram;
import static org.bytedeco.cuda.global.nvrtc.nvrtcCreateProgram;
import static org.bytedeco.cuda.global.nvrtc.nvrtcDestroyProgram;
import static org.bytedeco.cuda.global.nvrtc.nvrtcGetNumSupportedArchs;
import static org.bytedeco.cuda.global.nvrtc.nvrtcGetCUBIN;
import static org.bytedeco.cuda.global.nvrtc.nvrtcGetCUBINSize;
import static org.bytedeco.cuda.global.nvrtc.nvrtcGetErrorString;
import static org.bytedeco.cuda.global.nvrtc.nvrtcGetPTX;
import static org.bytedeco.cuda.global.nvrtc.nvrtcGetPTXSize;
import static org.bytedeco.cuda.global.nvrtc.nvrtcGetProgramLog;
import static org.bytedeco.cuda.global.nvrtc.nvrtcGetProgramLogSize;
import static org.bytedeco.cuda.global.nvrtc.nvrtcGetSupportedArchs;

import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.cuda.cudart.CUfunc_st;
import org.bytedeco.cuda.cudart.CUmod_st;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.nvrtc._nvrtcProgram;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.SizeTPointer;

/**
 * The backend's kernels: compiled from {@link KernelSource} with NVRTC for the device's own
 * architecture (CUBIN, see {@link #target}), loaded with {@code cuModuleLoadData} into the context
 * current on the constructing thread, and launched with {@code cuLaunchKernel} on the backend's
 * stream.
 *
 * <p>Kernel arguments go through {@link KernelArgs} (an explicitly built pointer array, checked
 * against each kernel's signature).
 */
final class Kernels implements AutoCloseable {
    static final int BLOCK = ReferenceKernels.BLOCK;
    private static final Map<String, Image> COMPILED = new java.util.concurrent.ConcurrentHashMap<>();

    private final CUmod_st module = new CUmod_st();
    private final Map<String, CUfunc_st> functions = new HashMap<>();
    private final KernelArgs args = new KernelArgs();
    private final int maxBlocks;
    private final String arch;
    private CUfunc_st current;

    Kernels(int ccMajor, int ccMinor, int multiprocessors) {
        int cc = ccMajor * 10 + ccMinor;
        this.arch = target(cc, supportedArchs());
        // one compile per process and target: every backend opened after the first loads the same image
        Image image = COMPILED.computeIfAbsent(arch, a -> compile(KernelSource.text(), a));
        if (!image.log().isBlank()) {
            System.err.println("NVRTC (" + arch + "): " + image.log().strip());
        }
        try (BytePointer bytes = new BytePointer(image.bytes().length + 1)) {
            bytes.put(image.bytes()).put(image.bytes().length, (byte) 0);
            checkDriver(cuModuleLoadData(module, bytes), "cuModuleLoadData (kernels for " + arch + ", "
                    + image.bytes().length + " bytes" + (image.cubin() ? " of CUBIN" : " of PTX: a driver older than"
                    + " the NVRTC that made it cannot load its PTX version") + ")");
        }
        for (String name : KernelSource.KERNELS) {
            CUfunc_st f = new CUfunc_st();
            checkDriver(cuModuleGetFunction(f, module, name), "cuModuleGetFunction " + name);
            functions.put(name, f);
        }
        this.maxBlocks = Math.max(1, multiprocessors) * 16;
    }

    String arch() {
        return arch;
    }

    /** The architectures this NVRTC compiles for, as compute capabilities ×10 (e.g. 90). */
    static int[] supportedArchs() {
        int[] n = new int[1];
        checkNvrtc(nvrtcGetNumSupportedArchs(n), "nvrtcGetNumSupportedArchs");
        int[] archs = new int[n[0]];
        checkNvrtc(nvrtcGetSupportedArchs(archs), "nvrtcGetSupportedArchs");
        return archs;
    }

    /**
     * What to compile for a device of compute capability {@code deviceCc} (×10): machine code for
     * exactly its architecture ({@code sm_90} on an H100) when NVRTC supports it. CUBIN needs no JIT
     * in the driver, so it loads on any driver of the same major version; PTX from an NVRTC newer
     * than the driver does not (NVRTC 13.1 writes PTX ISA 9.1, which a 13.0 driver rejects with
     * CUDA_ERROR_UNSUPPORTED_PTX_VERSION). Otherwise (a device newer than this NVRTC knows) PTX for
     * the newest architecture below it, which the driver compiles forward.
     */
    static String target(int deviceCc, int[] supported) {
        int best = -1;
        for (int a : supported) {
            if (a == deviceCc) {
                return "sm_" + a;
            }
            if (a < deviceCc && a > best) {
                best = a;
            }
        }
        if (best < 0) {
            throw new IllegalStateException("NVRTC supports no architecture at or below the device's sm_" + deviceCc
                    + " (supported: " + java.util.Arrays.toString(supported) + ")");
        }
        return "compute_" + best;
    }

    /** NVRTC's options for {@code arch}: the kernels' own ({@link KernelSource#NVRTC_OPTIONS}) and the target. */
    static List<String> options(String arch) {
        List<String> opts = new ArrayList<>(KernelSource.NVRTC_OPTIONS);
        opts.add("--gpu-architecture=" + arch);
        return opts;
    }

    /**
     * Compiled kernels: CUBIN for an {@code sm_XX} target, PTX (NUL stripped) for {@code compute_XX};
     * {@code log} is NVRTC's log (warnings), empty when clean.
     */
    record Image(byte[] bytes, boolean cubin, String log) {
    }

    /** Source to CUBIN or PTX; a compile error carries NVRTC's log. */
    static Image compile(String source, String arch) {
        boolean cubin = arch.startsWith("sm_");
        _nvrtcProgram prog = new _nvrtcProgram();
        checkNvrtc(nvrtcCreateProgram(prog, new BytePointer(source), new BytePointer(KernelSource.RESOURCE), 0,
                (PointerPointer<?>) null, (PointerPointer<?>) null), "nvrtcCreateProgram");
        List<String> opts = options(arch);
        BytePointer[] strings = new BytePointer[opts.size()];
        try (PointerPointer<?> options = new PointerPointer<>(opts.size())) {
            for (int i = 0; i < strings.length; i++) {
                strings[i] = new BytePointer(opts.get(i));
                options.put(i, strings[i]);
            }
            int rc = nvrtcCompileProgram(prog, opts.size(), options);
            // the array holds only addresses: keep the strings themselves from the collector until NVRTC is done
            Reference.reachabilityFence(strings);
            String log = log(prog);
            if (rc != 0) {
                throw new CudaRuntime.CudaException("NVRTC could not compile the kernels for " + arch + " with " + opts
                        + " (" + nvrtcGetErrorString(rc).getString() + "):\n" + log);
            }
            SizeTPointer size = new SizeTPointer(1);
            BytePointer out;
            if (cubin) {
                checkNvrtc(nvrtcGetCUBINSize(prog, size), "nvrtcGetCUBINSize");
                out = new BytePointer(Math.max(1, size.get()));
                checkNvrtc(nvrtcGetCUBIN(prog, out), "nvrtcGetCUBIN");
            } else {
                checkNvrtc(nvrtcGetPTXSize(prog, size), "nvrtcGetPTXSize");
                out = new BytePointer(Math.max(1, size.get()));
                checkNvrtc(nvrtcGetPTX(prog, out), "nvrtcGetPTX");
            }
            byte[] bytes = new byte[Math.toIntExact(size.get())];
            out.get(bytes);
            out.close();
            int len = bytes.length;
            while (!cubin && len > 0 && bytes[len - 1] == 0) {
                len--;
            }
            return new Image(java.util.Arrays.copyOf(bytes, len), cubin, log);
        } finally {
            nvrtcDestroyProgram(prog);
        }
    }

    private static String log(_nvrtcProgram prog) {
        SizeTPointer logSize = new SizeTPointer(1);
        if (nvrtcGetProgramLogSize(prog, logSize) != 0 || logSize.get() <= 1) {
            return "";
        }
        try (BytePointer log = new BytePointer(logSize.get())) {
            nvrtcGetProgramLog(prog, log);
            return log.getString();
        }
    }

    // ---- argument building (one launch at a time) ---------------------------------------------

    /** Starts the argument list of a launch of kernel {@code name}. */
    Kernels args(String name) {
        CUfunc_st f = functions.get(name);
        if (f == null) {
            throw new IllegalArgumentException("no kernel " + name);
        }
        current = f;
        args.begin(name, KernelSource.SIGNATURES.get(name));
        return this;
    }

    Kernels ptr(CudaTensor t) {
        args.ptr(t.address());
        return this;
    }

    Kernels ptr(DeviceAllocator.Block b) {
        args.ptr(b.address());
        return this;
    }

    Kernels f(float v) {
        args.f(v);
        return this;
    }

    Kernels i(int v) {
        args.i(v);
        return this;
    }

    /** Launches over {@code n} work items with a grid-stride loop (the 1-D kernels). */
    void launch1d(long n, CUstream_st stream) {
        if (n <= 0) {
            args.params(); // still checks the argument list
            return;
        }
        int blocks = (int) Math.min(maxBlocks, (n + BLOCK - 1) / BLOCK);
        launch(blocks, 1, BLOCK, stream);
    }

    /** Launches a {@code gridX × gridY} grid of {@code block}-thread blocks. */
    void launch(int gridX, int gridY, int block, CUstream_st stream) {
        PointerPointer<?> params = args.params();
        checkDriver(cuLaunchKernel(current, gridX, gridY, 1, block, 1, 1, 0, stream, params, (PointerPointer<?>) null),
                "cuLaunchKernel " + args.kernel());
    }

    @Override
    public void close() {
        cuModuleUnload(module);
        args.close();
    }
}
