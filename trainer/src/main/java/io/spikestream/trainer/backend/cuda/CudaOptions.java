package io.spikestream.trainer.backend.cuda;

import java.util.Locale;

/**
 * Settings of the CUDA backend.
 *
 * @param device CUDA device index
 * @param strictFp32 true: no TF32 tensor-core math in cuDNN or cuBLAS (what the equivalence checks use)
 * @param workspaceLimitBytes the most cuDNN workspace an algorithm may ask for
 */
public record CudaOptions(int device, boolean strictFp32, long workspaceLimitBytes) {
    public static final long DEFAULT_WORKSPACE_LIMIT = 512L << 20;

    public CudaOptions {
        if (device < 0) {
            throw new IllegalArgumentException("CUDA device index must be >= 0, got " + device);
        }
        if (workspaceLimitBytes < 0) {
            throw new IllegalArgumentException("cuDNN workspace limit must be >= 0, got " + workspaceLimitBytes);
        }
    }

    public static CudaOptions defaults() {
        return new CudaOptions(0, false, DEFAULT_WORKSPACE_LIMIT);
    }

    public CudaOptions withStrictFp32(boolean strict) {
        return new CudaOptions(device, strict, workspaceLimitBytes);
    }

    /** From system properties, else environment variables (see {@link CudaBackendProvider}). */
    public static CudaOptions fromEnvironment() {
        String strict = setting("spikestream.cuda.strictFp32", "SPIKESTREAM_CUDA_STRICT_FP32");
        String dev = setting("spikestream.cuda.device", "SPIKESTREAM_CUDA_DEVICE");
        int device = 0;
        if (dev != null && !dev.isBlank()) {
            try {
                device = Integer.parseInt(dev.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("spikestream.cuda.device / SPIKESTREAM_CUDA_DEVICE is '" + dev
                        + "', not a device index");
            }
        }
        boolean strictFp32 = strict != null && (strict.trim().equalsIgnoreCase("true") || strict.trim().equals("1"));
        return new CudaOptions(device, strictFp32, DEFAULT_WORKSPACE_LIMIT);
    }

    private static String setting(String property, String env) {
        String v = System.getProperty(property);
        return v != null ? v : System.getenv(env);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "device %d, %s", device, strictFp32 ? "strict FP32" : "TF32 allowed");
    }
}
