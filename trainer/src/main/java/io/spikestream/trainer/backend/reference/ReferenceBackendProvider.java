package io.spikestream.trainer.backend.reference;

import io.spikestream.trainer.backend.Backend;
import io.spikestream.trainer.backend.BackendProvider;
import java.util.Optional;

/**
 * {@code --backend reference}: the CUDA kernels' pure-Java twins ({@link ReferenceBackend}), single
 * threaded and slow (direct convolution loops), but with no native library at all. It exists so that
 * the bare-GPU package, which has no ND4J, can rehearse its whole GPU session on a CPU machine
 * ({@code gpu-session --backend reference}, gpu-package/dry-run.sh) with tiny
 * networks. Its negative priority keeps {@code --backend auto} from ever choosing it: on a machine
 * without CUDA and ND4J, {@code auto} still fails with the reasons instead of training for days.
 */
public final class ReferenceBackendProvider implements BackendProvider {
    /** Below every real backend; {@code auto} skips negative priorities. */
    public static final int PRIORITY = -100;

    @Override
    public String name() {
        return "reference";
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    @Override
    public Optional<String> unavailableReason() {
        return Optional.empty();
    }

    @Override
    public Backend create() {
        return new ReferenceBackend();
    }
}
