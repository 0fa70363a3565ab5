package io.spikestream.trainer.backend.cuda;

import java.util.Locale;

/**
 * Settings of the CUDA backend.
 *
 * @param device CUDA device index
 * @param strictFp32 true: no TF32 tensor-core math in cuDNN or cuBLAS (what the equivalence checks use)
 * @param workspaceLimitBytes the most cuDNN workspace an algorithm may ask for, or {@link
 *     #AUTO_WORKSPACE}: {@link #autoWorkspace} of the device's memory
 */
public record CudaOptions(int device, boolean strictFp32, long workspaceLimitBytes) {
    /** Workspace limit from the device's memory ({@link #autoWorkspace}). */
    public static final long AUTO_WORKSPACE = -1;
    private static final long MAX_AUTO_WORKSPACE = 4L << 30;

    public CudaOptions {
        if (device < 0) {
            throw new IllegalArgumentException("CUDA device index must be >= 0, got " + device);
        }
        if (workspaceLimitBytes < 0 && workspaceLimitBytes != AUTO_WORKSPACE) {
            throw new IllegalArgumentException("cuDNN workspace limit must be >= 0, got " + workspaceLimitBytes);
        }
    }

    public static CudaOptions defaults() {
        return new CudaOptions(0, false, AUTO_WORKSPACE);
    }

    /**
     * The automatic workspace limit: a sixteenth of the device's memory, at most 4 GiB. With T·B
     * images per convolution call (2,560 for VGG9 at T = 20, batch 128) the fastest algorithms can
     * need gigabytes, which a small fixed limit would rule out unseen.
     */
    public static long autoWorkspace(long deviceBytes) {
        return Math.min(MAX_AUTO_WORKSPACE, Math.max(0, deviceBytes) / 16);
    }

    /** The limit in force on a device with {@code deviceBytes} of memory. */
    public long workspaceLimit(long deviceBytes) {
        return workspaceLimitBytes == AUTO_WORKSPACE ? autoWorkspace(deviceBytes) : workspaceLimitBytes;
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
        String ws = setting("spikestream.cuda.workspaceMiB", "SPIKESTREAM_CUDA_WORKSPACE_MIB");
        long workspace = AUTO_WORKSPACE;
        if (ws != null && !ws.isBlank()) {
            try {
                workspace = Math.multiplyExact(Long.parseLong(ws.trim()), 1L << 20);
            } catch (NumberFormatException | ArithmeticException e) {
                workspace = -2; // not a number, or more bytes than a long holds
            }
            if (workspace < 0) {
                throw new IllegalArgumentException("spikestream.cuda.workspaceMiB / SPIKESTREAM_CUDA_WORKSPACE_MIB is '"
                        + ws + "', not a number of MiB >= 0");
            }
        }
        return new CudaOptions(device, strictFp32, workspace);
    }

    private static String setting(String property, String env) {
        String v = System.getProperty(property);
        return v != null ? v : System.getenv(env);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "device %d, %s, cuDNN workspace %s", device,
                strictFp32 ? "strict FP32" : "TF32 allowed",
                workspaceLimitBytes == AUTO_WORKSPACE ? "auto" : (workspaceLimitBytes >> 20) + " MiB");
    }
}
