package io.spikestream.trainer.eval;

import io.spikestream.events.dataset.Dataset;
import io.spikestream.events.dataset.Sample;
import io.spikestream.snn.BnntModel;
import io.spikestream.snn.checkpoint.CheckpointCodec;
import io.spikestream.trainer.backend.Backend;
import io.spikestream.trainer.backend.Backends;
import io.spikestream.trainer.data.FramedSet;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/** {@code spikestream eval}: a checkpoint's {@link Evaluation} on a data set or on a training run's split of it. */
public final class ModelEvaluation {
    private ModelEvaluation() {
    }

    /** Which samples: all, or one side of the split a training run made. */
    public enum Subset {
        ALL, VALIDATION, TRAIN;

        /** all, validation (or val), train. */
        public static Subset parse(String s) {
            return switch (s.toLowerCase(Locale.ROOT)) {
                case "all" -> ALL;
                case "validation", "val" -> VALIDATION;
                case "train" -> TRAIN;
                default -> throw new IllegalArgumentException("--subset: expected all, validation or train, got '" + s + "'");
            };
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * @param data            the data set, opened
     * @param validationSplit the training run's held-out fraction (for {@link Subset#VALIDATION} and {@link Subset#TRAIN})
     * @param seed            the split's seed; null: the checkpoint's training seed
     */
    public record Request(Path model, Dataset data, Subset subset, double validationSplit, Long seed, String backend,
            int batch) {
        public Request {
            if (batch < 1) {
                throw new IllegalArgumentException("--batch must be at least 1");
            }
        }
    }

    /** The evaluated model and its figures. */
    public record Outcome(BnntModel model, Evaluation evaluation) {
    }

    /** Reads the checkpoint, picks the samples, frames them as the model does and evaluates; progress lines to {@code log}. */
    public static Outcome evaluate(Request r, Consumer<String> log) {
        BnntModel m = CheckpointCodec.read(r.model());
        Dataset ds = r.data();
        long seed = r.seed() != null ? r.seed() : m.provenance().seed();
        List<Sample> samples = switch (r.subset()) {
            case ALL -> ds.samples();
            case VALIDATION -> HeldOutData.split(ds, r.validationSplit(), seed).test();
            case TRAIN -> HeldOutData.split(ds, r.validationSplit(), seed).train();
        };
        HeldOutData.checkClasses(ds, m);
        Backends.Selection sel = Backends.choose(r.backend());
        log.accept(sel.description() + "; " + samples.size() + " samples of " + ds.root() + " (" + r.subset() + ")");
        try (Backend be = sel.backend()) {
            FramedSet set = HeldOutData.frame(ds, samples, m);
            return new Outcome(m, Evaluation.of(m, set, be, r.batch(), n -> { }));
        }
    }
}
