package io.spikestream.trainer.backend.cuda;

import io.spikestream.trainer.backend.Backend;
import io.spikestream.trainer.backend.BackendProvider;
import java.util.Locale;
import java.util.Optional;

/**
 * The CUDA backend's provider. It touches no JavaCPP class until the presets are known to be on the
 * class path, so it is harmless on CPU-only class paths; the probe (native libraries, a device) runs
 * once per process and its answer is kept.
 *
 * <p>Options (system properties, or the environment variables in brackets):
 * {@code spikestream.cuda.strictFp32} [{@code SPIKESTREAM_CUDA_STRICT_FP32}] = true turns TF32 off
 * in cuDNN and cuBLAS; {@code spikestream.cuda.device} [{@code SPIKESTREAM_CUDA_DEVICE}] picks the
 * device index (default 0); {@code spikestream.cuda.workspaceMiB} [{@code SPIKESTREAM_CUDA_WORKSPACE_MIB}]
 * caps the cuDNN workspace (default: a sixteenth of the device's memory, at most 4 GiB).
 */
public final class CudaBackendProvider implements BackendProvider {
    private static volatile Optional<String> probed;

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public int priority() {
        return 20; // above the CPU backend: auto prefers the GPU when there is one
    }

    @Override
    public Optional<String> unavailableReason() {
        Optional<String> p = probed;
        if (p == null) {
            synchronized (CudaBackendProvider.class) {
                if (probed == null) {
                    probed = probe();
                }
                p = probed;
            }
        }
        return p;
    }

    private Optional<String> probe() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            return Optional.of("the CUDA presets in this build are for linux-x86_64, this is " + os + "/" + arch);
        }
        try {
            Class.forName("org.bytedeco.cuda.global.cudart", false, getClass().getClassLoader());
        } catch (ClassNotFoundException e) {
            return Optional.of("the JavaCPP CUDA presets (org.bytedeco:cuda) are not on the class path");
        }
        return CudaRuntime.probe(CudaOptions.fromEnvironment().device());
    }

    @Override
    public Backend create() {
        return open(CudaOptions.fromEnvironment());
    }

    /** The environment's options with TF32 on or off, whatever {@code SPIKESTREAM_CUDA_STRICT_FP32} says. */
    @Override
    public Backend create(boolean strictFp32) {
        return open(CudaOptions.fromEnvironment().withStrictFp32(strictFp32));
    }

    private Backend open(CudaOptions options) {
        Optional<String> why = unavailableReason();
        if (why.isPresent()) {
            throw new IllegalStateException("backend cuda is not available: " + why.get());
        }
        return new CudaBackend(options);
    }
}
