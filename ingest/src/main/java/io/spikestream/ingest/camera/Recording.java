package io.spikestream.ingest.camera;

import io.spikestream.events.EventBatch;

/**
 * A recording a simulated camera shows: its events (times as recorded) and what it shows.
 *
 * @param label the class index, or -1 when unknown
 */
public record Recording(String id, int label, EventBatch events) {
}
