package io.spikestream.trainer.data;

import io.spikestream.events.dataset.Dataset;
import java.util.List;
import java.util.function.Consumer;

/** Inputs of a data set that could not be used (emulated images that do not decode), named so none is lost silently. */
public final class SkippedInputs {
    private static final int NAMED = 10;

    private SkippedInputs() {
    }

    /** A count and the first few names to {@code log}; nothing when every input was usable. */
    public static void report(Dataset dataset, Consumer<String> log) {
        List<String> skipped = dataset.skippedInputs();
        if (skipped.isEmpty()) {
            return;
        }
        log.accept("skipped " + skipped.size() + " unusable input(s) of " + dataset.root() + ":");
        skipped.stream().limit(NAMED).forEach(s -> log.accept("  " + s));
        if (skipped.size() > NAMED) {
            log.accept("  ... and " + (skipped.size() - NAMED) + " more");
        }
    }
}
