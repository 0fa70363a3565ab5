package io.spikestream.trainer.backend.cuda;

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
import static org.bytedeco.cuda.global.nvrtc.nvrtcGetPTX;
import static org.bytedeco.cuda.global.nvrtc.nvrtcGetPTXSize;
import static org.bytedeco.cuda.global.nvrtc.nvrtcGetProgramLog;
import static org.bytedeco.cuda.global.nvrtc.nvrtcGetProgramLogSize;
import static org.bytedeco.cuda.global.nvrtc.nvrtcGetSupportedArchs;

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
 * The backend's kernels: compiled from {@link KernelSource} with NVRTC for the device's
 * architecture (PTX, loaded with {@code cuModuleLoadData}) and launched with {@code cuLaunchKernel}
 * on the backend's stream.
 *
 * <p>Kernel arguments go through {@link KernelArgs} (an explicitly built pointer array, checked
 * against each kernel's signature).
 */
final class Kernels implements AutoCloseable {
    static final int BLOCK = ReferenceKernels.BLOCK;

    private final CUmod_st module = new CUmod_st();
    private final Map<String, CUfunc_st> functions = new HashMap<>();
    private final KernelArgs args = new KernelArgs();
    private final int maxBlocks;
    private final String arch;
    private CUfunc_st current;

    Kernels(int ccMajor, int ccMinor, int multiprocessors) {
        this.arch = "compute_" + chooseArch(ccMajor * 10 + ccMinor);
        byte[] ptx = compile(KernelSource.text(), arch);
        try (BytePointer image = new BytePointer(ptx.length + 1)) {
            image.put(ptx).put(ptx.length, (byte) 0);
            checkDriver(cuModuleLoadData(module, image), "cuModuleLoadData (kernels for " + arch + ")");
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

    /** The newest architecture NVRTC supports that the device can run (PTX is forward compatible). */
    private static int chooseArch(int deviceCc) {
        int[] n = new int[1];
        checkNvrtc(nvrtcGetNumSupportedArchs(n), "nvrtcGetNumSupportedArchs");
        int[] archs = new int[n[0]];
        checkNvrtc(nvrtcGetSupportedArchs(archs), "nvrtcGetSupportedArchs");
        int best = -1;
        for (int a : archs) {
            if (a <= deviceCc && a > best) {
                best = a;
            }
        }
        if (best < 0) {
            throw new IllegalStateException("NVRTC supports no architecture at or below the device's sm_" + deviceCc);
        }
        return best;
    }

    /** Source to PTX; a compile error carries NVRTC's log. */
    static byte[] compile(String source, String arch) {
        _nvrtcProgram prog = new _nvrtcProgram();
        checkNvrtc(nvrtcCreateProgram(prog, new BytePointer(source), new BytePointer("kernels.cu"), 0,
                (PointerPointer<?>) null, (PointerPointer<?>) null), "nvrtcCreateProgram");
        try {
            List<String> opts = new ArrayList<>(KernelSource.NVRTC_OPTIONS);
            opts.add("--gpu-architecture=" + arch);
            List<BytePointer> keep = new ArrayList<>();
            PointerPointer<?> options = new PointerPointer<>(opts.size());
            for (int i = 0; i < opts.size(); i++) {
                BytePointer s = new BytePointer(opts.get(i));
                keep.add(s);
                options.put(i, s);
            }
            int rc = nvrtcCompileProgram(prog, opts.size(), options);
            if (rc != 0) {
                SizeTPointer logSize = new SizeTPointer(1);
                nvrtcGetProgramLogSize(prog, logSize);
                BytePointer log = new BytePointer(Math.max(1, logSize.get()));
                nvrtcGetProgramLog(prog, log);
                throw new CudaRuntime.CudaException("NVRTC could not compile the kernels for " + arch + ":\n" + log.getString());
            }
            SizeTPointer size = new SizeTPointer(1);
            checkNvrtc(nvrtcGetPTXSize(prog, size), "nvrtcGetPTXSize");
            BytePointer ptx = new BytePointer(size.get());
            checkNvrtc(nvrtcGetPTX(prog, ptx), "nvrtcGetPTX");
            byte[] out = new byte[(int) size.get()];
            ptx.get(out);
            int len = out.length;
            while (len > 0 && out[len - 1] == 0) {
                len--;
            }
            return java.util.Arrays.copyOf(out, len);
        } finally {
            nvrtcDestroyProgram(prog);
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
