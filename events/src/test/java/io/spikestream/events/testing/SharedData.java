package io.spikestream.events.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates ../shared (real recordings and images kept outside the project). Tests that need it call
 * {@link #require(String)}, which skips the test with a clear message when the file is absent.
 */
public final class SharedData {
    private SharedData() {
    }

    /** The shared directory: system property spikestream.shared, else ../shared of the repository. */
    public static Path root() {
        String prop = System.getProperty("spikestream.shared");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        // fall back to walking up from the working directory to the repository root
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve(".ci/run"))) {
            dir = dir.getParent();
        }
        return (dir == null ? Path.of("..") : dir.resolve("..")).resolve("shared").toAbsolutePath().normalize();
    }

    /** {@code root().resolve(relative)}, or skips the calling test when it does not exist. */
    public static Path require(String relative) {
        Path p = root().resolve(relative);
        assumeTrue(Files.exists(p), () -> "skipped: shared data " + p + " is absent (tests read ../shared when present)");
        return p;
    }
}
