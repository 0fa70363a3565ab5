package io.spikestream.trainer;

import io.spikestream.events.SensorGeometry;
import io.spikestream.events.dataset.Dataset;
import io.spikestream.events.dataset.DatasetSplit;
import io.spikestream.events.dataset.Sample;
import io.spikestream.snn.ModelSpec;
import io.spikestream.snn.framing.FramingSpec;
import io.spikestream.trainer.data.FramedSet;
import io.spikestream.trainer.data.SkippedInputs;
import java.util.List;
import java.util.Locale;
import java.util.function.IntConsumer;

/**
 * A training run's data: the data set opened, split per class by the seed, the framing and the
 * model's shape derived from its sensor; then, once the backend is known to start, both splits
 * framed. Framing comes second so that a backend that cannot run fails before the (long) framing.
 */
final class TrainingData {
    /** Both splits framed; {@code seconds} counts from the run's start (opening and reading included). */
    record Framed(FramedSet train, FramedSet validation, double seconds) {
    }

    final Dataset dataset;
    final DatasetSplit split;
    final FramingSpec framing;
    final ModelSpec spec;

    private TrainingData(Dataset dataset, DatasetSplit split, FramingSpec framing, ModelSpec spec) {
        this.dataset = dataset;
        this.split = split;
        this.framing = framing;
        this.spec = spec;
    }

    static TrainingData open(TrainingOptions o, TrainingListener listener) {
        Dataset dataset = Dataset.open(o.data(), o.datasetKind());
        SkippedInputs.report(dataset, listener::message);
        List<Sample> all = dataset.samples();
        if (all.isEmpty()) {
            throw new IllegalArgumentException("data set " + o.data() + " has no samples");
        }
        DatasetSplit split = o.validationSplit() > 0 ? dataset.splitRandom(1 - o.validationSplit(), o.train().seed())
                : new DatasetSplit(all, List.of());
        SensorGeometry sensor = dataset.read(all.get(0)).geometry();
        FramingSpec framing = o.framing().toSpec(sensor);
        ModelSpec spec = ModelSpec.of(o.architecture(), framing.frameShape(), o.timesteps(), framing, dataset.classNames());
        listener.message(String.format(Locale.ROOT, "data: %s, %d classes, %d train / %d validation samples (%s)",
                o.data(), spec.numClasses(), split.train().size(), split.test().size(), o.splitDescription()));
        listener.message("model: " + spec.layerSpec() + ", T=" + spec.timesteps() + ", input " + spec.input()
                + ", framing " + framing.describe());
        return new TrainingData(dataset, split, framing, spec);
    }

    /** Reads and frames both splits on {@code threads} threads; {@code runStart} is the run's {@link System#nanoTime()}. */
    Framed frame(int threads, TrainingListener listener, long runStart) {
        int n = Math.max(1, threads);
        int total = split.train().size() + split.test().size();
        int[] base = {0};
        IntConsumer prog = done -> listener.framingProgress(base[0] + done, total);
        FramedSet train = FramedSet.frame(split.train(), dataset::read, framing, spec.timesteps(), n, prog);
        base[0] = split.train().size();
        FramedSet val = FramedSet.frame(split.test(), dataset::read, framing, spec.timesteps(), n, prog);
        double seconds = (System.nanoTime() - runStart) / 1e9;
        listener.message(String.format(Locale.ROOT, "data read%s and framed in %.1f s (%.1f ms per sample on %d threads)",
                dataset.emulationSeed().isPresent() ? ", emulated" : "", seconds, 1000 * seconds / Math.max(1, total), n));
        return new Framed(train, val, seconds);
    }
}
