package io.spikestream.ingest.camera;

import io.spikestream.events.EventBatch;
import io.spikestream.events.dataset.Dataset;
import io.spikestream.events.dataset.DatasetKind;
import io.spikestream.events.dataset.Sample;
import io.spikestream.events.io.Recordings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A recording a simulated camera shows: its events (times as recorded) and what it shows.
 *
 * @param label the class index, or -1 when unknown
 */
public record Recording(String id, int label, EventBatch events) {

    /** A recording file (label unknown), or the samples of a data-set folder in its order (at most {@code limit}, 0 = all). */
    public static List<Recording> load(Path path, int limit) {
        List<Recording> out = new ArrayList<>();
        if (Files.isRegularFile(path)) {
            out.add(new Recording(String.valueOf(path.getFileName()), -1, Recordings.readAll(path)));
            return out;
        }
        Dataset ds = Dataset.open(path, DatasetKind.AUTO);
        for (Sample s : ds.samples()) {
            if (limit > 0 && out.size() >= limit) {
                break;
            }
            out.add(new Recording(s.id(), s.label(), Recordings.readAll(s.path())));
        }
        return out;
    }
}
