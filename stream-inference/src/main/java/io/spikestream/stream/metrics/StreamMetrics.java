package io.spikestream.stream.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.spikestream.snn.exit.ExitDecision;
import io.spikestream.topics.DeadLetterKind;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The app's own meters (Kafka Streams' metrics are bound separately with KafkaStreamsMetrics).
 * Meters are created once here, so the per-step path only increments.
 */
public final class StreamMetrics {
    /** How a frame came to close. */
    public enum FrameCause {
        /** An event at or past the frame's end arrived. */
        EVENT,
        /** A packet's watermark passed the frame's end. */
        WATERMARK,
        /** The camera was idle past the grace period. */
        IDLE,
        /** The sample ended (end-of-sample marker or the next sample's start). */
        END_OF_SAMPLE
    }

    private final MeterRegistry registry;
    private final Map<FrameCause, Counter> frames = new EnumMap<>(FrameCause.class);
    private final Map<ExitDecision, Counter> exits = new EnumMap<>(ExitDecision.class);
    private final Map<DeadLetterKind, Counter> deadLetters = new EnumMap<>(DeadLetterKind.class);
    private final DistributionSummary stepsUsed;
    private final Timer stepTime;
    private final Timer replayTime;
    private final Counter events;
    private final Counter ignoredEvents;
    private final Counter packets;
    private final Map<String, Counter> unwritable = new ConcurrentHashMap<>();
    private final Counter droppedInputs;
    private final Counter sequenceGaps;
    private final Counter sequenceRepeats;
    private final Counter skippedRecords;

    public StreamMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (FrameCause c : FrameCause.values()) {
            frames.put(c, Counter.builder("spikestream.frames").description("Frames closed (network steps run)")
                    .tag("cause", c.name().toLowerCase(Locale.ROOT)).register(registry));
        }
        for (ExitDecision r : ExitDecision.values()) {
            if (r.stops()) {
                exits.put(r, Counter.builder("spikestream.classifications").description("Classifications emitted")
                        .tag("exit_reason", r.name().toLowerCase(Locale.ROOT)).register(registry));
            }
        }
        stepsUsed = DistributionSummary.builder("spikestream.steps.used").description("Time steps used per decision")
                .publishPercentiles(0.5, 0.9, 0.99).register(registry);
        stepTime = Timer.builder("spikestream.step.compute").description("Compute time of one network step")
                .publishPercentiles(0.5, 0.9, 0.99, 0.999).publishPercentileHistogram().register(registry);
        replayTime = Timer.builder("spikestream.state.replay")
                .description("Recomputing a camera's membrane state from its stored frames (after a restore)")
                .register(registry);
        events = Counter.builder("spikestream.events").description("Events framed").register(registry);
        ignoredEvents = Counter.builder("spikestream.events.ignored")
                .description("Events of a sample after its decision (ignored until the next sample)").register(registry);
        // every kind up front, so that each series exists (at 0) before the first bad record
        for (DeadLetterKind kind : DeadLetterKind.values()) {
            deadLetters.put(kind, Counter.builder("spikestream.dead.letters")
                    .description("Malformed input records sent to the dead-letter topic").tag("kind", kind.wireName())
                    .register(registry));
        }
        packets = Counter.builder("spikestream.packets").description("Valid event packets processed").register(registry);
        droppedInputs = Counter.builder("spikestream.inputs.dropped")
                .description("Input records dropped because not even their dead-letter copy could be written")
                .register(registry);
        sequenceGaps = Counter.builder("spikestream.packets.sequence.gaps")
                .description("Packets missing by their cameras' sequence numbers (lost or not yet arrived)")
                .register(registry);
        sequenceRepeats = Counter.builder("spikestream.packets.sequence.repeats")
                .description("Packets whose sequence number was not above their camera's previous one (duplicates, "
                        + "replays, restarted cameras)").register(registry);
        skippedRecords = Counter.builder("spikestream.records.skipped")
                .description("Input records read again after a restart whose effect the camera's state already holds")
                .register(registry);
    }

    /** Meters into a throw-away registry (tests, tools). */
    public static StreamMetrics noop() {
        return new StreamMetrics(new SimpleMeterRegistry());
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void frameClosed(FrameCause cause) {
        frames.get(cause).increment();
    }

    public void stepComputed(long nanos) {
        stepTime.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void replayed(long nanos) {
        replayTime.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void classified(ExitDecision reason, int steps) {
        Counter c = exits.get(reason);
        if (c != null) {
            c.increment();
        }
        stepsUsed.record(steps);
    }

    public void packet(int eventCount) {
        packets.increment();
        events.increment(eventCount);
    }

    public void ignored(int eventCount) {
        ignoredEvents.increment(eventCount);
    }

    /** An input record skipped because the camera's state already holds it. */
    public void recordSkipped() {
        skippedRecords.increment();
    }

    /** A record sent to the dead-letter topic. */
    public void deadLetter(DeadLetterKind kind) {
        deadLetters.get(kind).increment();
    }

    /** The producer refused a record for {@code topic} (too large); called on a producer thread. */
    public void unwritable(String topic) {
        unwritable.computeIfAbsent(topic, t -> Counter.builder("spikestream.records.unwritable")
                .description("Records the producer refused (too large for the producer or topic); their input goes "
                        + "to the dead-letter topic").tag("topic", t).register(registry)).increment();
    }

    /** An input record dropped because its dead-letter copy was refused too. */
    public void droppedInput() {
        droppedInputs.increment();
    }

    /** A camera's packet sequence skipped {@code missing} numbers. */
    public void sequenceGap(long missing) {
        sequenceGaps.increment(missing);
    }

    /** A camera's packet repeated or went back in sequence. */
    public void sequenceRepeat() {
        sequenceRepeats.increment();
    }

    public Timer stepTimer() {
        return stepTime;
    }
}
