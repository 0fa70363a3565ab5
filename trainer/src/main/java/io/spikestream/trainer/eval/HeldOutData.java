package io.spikestream.trainer.eval;

import io.spikestream.events.dataset.Dataset;
import io.spikestream.events.dataset.DatasetSplit;
import io.spikestream.events.dataset.Sample;
import io.spikestream.snn.BnntModel;
import io.spikestream.trainer.data.FramedSet;
import java.util.List;

/** A data set seen from a trained model: the same classes, the training run's split re-created, framed as the model frames. */
final class HeldOutData {
    private HeldOutData() {
    }

    static void checkClasses(Dataset ds, BnntModel m) {
        if (!ds.classNames().equals(m.spec().classNames())) {
            throw new IllegalArgumentException("data set classes " + ds.classNames() + " differ from the model's "
                    + m.spec().classNames());
        }
    }

    /** The split a training run with this held-out fraction and seed made. */
    static DatasetSplit split(Dataset ds, double validationSplit, long seed) {
        if (!(validationSplit > 0 && validationSplit < 1)) {
            throw new IllegalArgumentException("--val-split must be in (0, 1), got " + validationSplit);
        }
        return ds.splitRandom(1 - validationSplit, seed);
    }

    /** Frames with the model's framing, on every available processor. */
    static FramedSet frame(Dataset ds, List<Sample> samples, BnntModel m) {
        return FramedSet.frame(samples, ds::read, m.spec().framing(), m.spec().timesteps(),
                Runtime.getRuntime().availableProcessors(), n -> { });
    }
}
