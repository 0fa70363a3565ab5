package io.spikestream.trainer.backend;

import java.util.Optional;

/**
 * Makes a {@link Backend}; found with {@link java.util.ServiceLoader} (register in
 * {@code META-INF/services/io.spikestream.trainer.backend.BackendProvider}). Providers must be
 * cheap to construct and must not touch native libraries before {@link #unavailableReason()}.
 */
public interface BackendProvider {
    /** The {@code --backend} name: "cpu", "cuda". */
    String name();

    /**
     * Preference of {@code --backend auto}: the available provider with the highest wins; a negative
     * priority means "only when named" (auto skips it).
     */
    int priority();

    /** Empty when this machine can run the backend, else why not (missing library, no device). */
    Optional<String> unavailableReason();

    Backend create();

    /**
     * A backend whose convolutions and matrix products round as plain FP32 ({@code strictFp32}), or
     * may use the device's faster reduced-precision arithmetic (TF32 tensor cores); what the GPU
     * check compares with the reference in both modes. Backends without such arithmetic ignore it.
     */
    default Backend create(boolean strictFp32) {
        return create();
    }
}
