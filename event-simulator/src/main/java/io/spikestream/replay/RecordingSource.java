package io.spikestream.replay;

import io.spikestream.events.EventBatch;
import io.spikestream.events.dataset.Dataset;
import io.spikestream.events.dataset.DatasetKind;
import io.spikestream.events.dataset.Sample;
import io.spikestream.events.io.Recordings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Samples from disk: a data-set folder in any layout the events module reads (N-MNIST Train/Test,
 * CIFAR10-DVS or plain class folders), or a single recording (one unlabelled sample). Decoded
 * samples are kept in memory up to {@link #CACHE_EVENTS} events, so cameras replaying the same
 * recordings over and over decode each once and loading does not disturb the schedule.
 */
public final class RecordingSource implements SampleSource {
    /** About 140 MB of decoded events (17 bytes each); N-MNIST's 1,000-sample subset needs ~4 M. */
    public static final long CACHE_EVENTS = 8_000_000L;

    private final Path path;
    private final List<SampleRef> refs;
    private final Map<SampleRef, Path> files = new HashMap<>();
    private final Dataset dataset;
    private final List<String> classNames;
    private final Map<SampleRef, EventBatch> cache = new ConcurrentHashMap<>();
    private final AtomicLong cached = new AtomicLong();

    private RecordingSource(Path path, Dataset dataset, List<SampleRef> refs, List<String> classNames) {
        this.path = path;
        this.dataset = dataset;
        this.refs = List.copyOf(refs);
        this.classNames = List.copyOf(classNames);
    }

    /** A data-set folder ({@code kind} AUTO detects the layout) or a single recording file. */
    public static RecordingSource open(Path path, DatasetKind kind) {
        if (Files.isRegularFile(path)) {
            SampleRef ref = new SampleRef(path.getFileName().toString(), SampleRef.NO_LABEL);
            RecordingSource s = new RecordingSource(path, null, List.of(ref), List.of());
            s.files.put(ref, path);
            return s;
        }
        Dataset ds = Dataset.open(path, kind);
        List<SampleRef> refs = ds.samples().stream().map(x -> new SampleRef(x.id(), x.label())).toList();
        RecordingSource s = new RecordingSource(path, ds, refs, ds.classNames());
        for (Sample x : ds.samples()) {
            s.files.put(new SampleRef(x.id(), x.label()), x.path());
        }
        return s;
    }

    public List<String> classNames() {
        return classNames;
    }

    @Override
    public List<SampleRef> samples() {
        return refs;
    }

    @Override
    public EventBatch load(SampleRef sample) {
        EventBatch b = cache.get(sample);
        if (b != null) {
            return b;
        }
        Path file = files.get(sample);
        if (file == null) {
            throw new IllegalArgumentException("sample " + sample.id() + " is not in " + path);
        }
        b = dataset == null ? Recordings.readAll(file)
                : dataset.read(new Sample(sample.id(), file, sample.label(), classNames.get(sample.label())));
        if (cached.addAndGet(b.size()) <= CACHE_EVENTS) {
            cache.put(sample, b);
        } else {
            cached.addAndGet(-b.size());
        }
        return b;
    }

    @Override
    public String describe() {
        return path + " (" + refs.size() + (dataset == null ? " recording)" : " samples, " + dataset.kind() + ")");
    }
}
