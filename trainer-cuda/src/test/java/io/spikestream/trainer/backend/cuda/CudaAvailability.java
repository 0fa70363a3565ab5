package io.spikestream.trainer.backend.cuda;

import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/** Skips GPU tests, with the reason, on machines without CUDA libraries or a device. */
final class CudaAvailability {
    private CudaAvailability() {
    }

    static Optional<String> unavailableReason() {
        return new CudaBackendProvider().unavailableReason();
    }

    static void assumeCuda() {
        Optional<String> why = unavailableReason();
        Assumptions.assumeTrue(why.isEmpty(), () -> "GPU test skipped: " + why.orElse(""));
    }
}
