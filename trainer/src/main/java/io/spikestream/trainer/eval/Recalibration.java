package io.spikestream.trainer.eval;

import io.spikestream.events.dataset.Dataset;
import io.spikestream.events.dataset.Sample;
import io.spikestream.snn.BnntModel;
import io.spikestream.snn.checkpoint.CheckpointCodec;
import io.spikestream.trainer.backend.Backend;
import io.spikestream.trainer.backend.Backends;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@code spikestream model calibrate}: a checkpoint's early exit calibrated again ({@link
 * Calibrator}) on its training run's held-out split, re-created from the held-out fraction and the
 * seed and refused when its size differs from the validation count the provenance recorded.
 */
public final class Recalibration {
    /** Samples per inference batch. */
    private static final int BATCH = 32;

    private Recalibration() {
    }

    /**
     * @param data the training data set, opened
     * @param seed the split's seed; null: the checkpoint's training seed
     * @param out  where to write; null: over the checkpoint
     */
    public record Request(Path checkpoint, Dataset data, double validationSplit, Long seed, String backend, Path out) {
        public Path target() {
            return out != null ? out : checkpoint;
        }
    }

    /** Calibrates and writes; returns the model as written. The calibration's lines go to {@code log}. */
    public static BnntModel run(Request r, Consumer<String> log) {
        BnntModel m = CheckpointCodec.read(r.checkpoint());
        Dataset ds = r.data();
        HeldOutData.checkClasses(ds, m);
        long seed = r.seed() != null ? r.seed() : m.provenance().seed();
        List<Sample> heldOut = HeldOutData.split(ds, r.validationSplit(), seed).test();
        int expected = m.provenance().validationSamples();
        if (expected > 0 && expected != heldOut.size()) {
            throw new IllegalArgumentException("the re-created held-out split has " + heldOut.size()
                    + " samples but the model was validated on " + expected + "; check --val-split and --seed");
        }
        BnntModel done;
        try (Backend be = Backends.choose(r.backend()).backend()) {
            done = Calibrator.calibrate(m, HeldOutData.frame(ds, heldOut, m), be, BATCH, log);
        }
        CheckpointCodec.write(r.target(), done);
        return done;
    }
}
