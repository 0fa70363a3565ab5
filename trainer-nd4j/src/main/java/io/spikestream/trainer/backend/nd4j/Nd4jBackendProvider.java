package io.spikestream.trainer.backend.nd4j;

import io.spikestream.trainer.backend.Backend;
import io.spikestream.trainer.backend.BackendProvider;
import java.util.Locale;
import java.util.Optional;

/** The CPU backend: ND4J native (OpenBLAS, oneDNN) on Linux x86-64. */
public final class Nd4jBackendProvider implements BackendProvider {
    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public Optional<String> unavailableReason() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            return Optional.of("the ND4J native binaries in this build are for linux-x86_64, this is " + os + "/" + arch);
        }
        try {
            Class.forName("org.nd4j.linalg.cpu.nativecpu.CpuBackend", false, getClass().getClassLoader());
        } catch (ClassNotFoundException e) {
            return Optional.of("nd4j-native is not on the class path");
        }
        return Optional.empty();
    }

    @Override
    public Backend create() {
        return new Nd4jBackend();
    }
}
