package io.spikestream.ingest;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The ingest's meters, read from each source's {@link SourceStats} (tags {@code camera}, {@code source}):
 * in Prometheus, {@code spikestream_ingest_events_in_total}, {@code _events_out_total} and the other
 * counters below, and the gauges {@code spikestream_ingest_queue_depth} and {@code spikestream_ingest_up}.
 */
final class IngestMetrics {
    private IngestMetrics() {
    }

    static void bind(MeterRegistry registry, List<SourceStats> sources) {
        for (SourceStats s : sources) {
            Tags tags = Tags.of("camera", s.config().camera(), "source", s.config().spec().uri());
            counter(registry, "events.in", "Events read from the camera", s, x -> x.eventsIn(), tags);
            counter(registry, "events.out", "Events acknowledged by the broker", s, x -> x.eventsOut(), tags);
            counter(registry, "packets.out", "EventPackets acknowledged by the broker (heartbeats included)", s, x -> x.packetsOut(), tags);
            counter(registry, "heartbeats", "Empty packets sent to move a quiet camera's watermark", s, x -> x.heartbeatsOut.sum(), tags);
            counter(registry, "dropped.events", "Events dropped because the queue to Kafka was full (drop-oldest)", s, x -> x.droppedEvents(), tags);
            counter(registry, "dropped.packets", "Packets dropped because the queue to Kafka was full (drop-oldest)", s, x -> x.droppedPackets(), tags);
            counter(registry, "failed.events", "Events whose send failed after the producer's retries", s, x -> x.failedEvents(), tags);
            counter(registry, "late.events", "Events earlier than a watermark already sent, dropped", s, x -> x.lateEvents(), tags);
            counter(registry, "reconnects", "TCP reconnections", s, x -> x.reconnects(), tags);
            counter(registry, "sequence.gaps", "Datagrams missing from jAER's sequence numbers", s, x -> x.sequenceGaps(), tags);
            counter(registry, "malformed", "Malformed datagrams or streams", s, x -> x.malformed(), tags);
            counter(registry, "errors", "Errors of any kind (see the log)", s, x -> x.errors(), tags);
            Gauge.builder("spikestream.ingest.queue.depth", s, x -> x.queueDepth())
                    .description("Packets waiting for the sender").tags(tags).register(registry);
            Gauge.builder("spikestream.ingest.up", s, x -> x.state() == SourceStats.State.RUNNING ? 1 : 0)
                    .description("1 while the source is connected or listening").tags(tags).register(registry);
        }
    }

    private static void counter(MeterRegistry r, String name, String description, SourceStats s,
                                ToDoubleFunction<SourceStats> f, Tags tags) {
        FunctionCounter.builder("spikestream.ingest." + name, s, f).description(description).tags(tags).register(r);
    }
}
