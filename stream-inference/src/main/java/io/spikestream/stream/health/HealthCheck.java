package io.spikestream.stream.health;

import io.spikestream.stream.ClassifierApp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The stream app's health from the Kafka Streams state, its stream-thread failures and the broker
 * probe (see {@link HealthStatus} for what live and ready mean).
 *
 * @param brokerBound   the broker must have answered within this
 * @param failureWindow a stream thread failure keeps the app not ready for this long
 */
public record HealthCheck(ClassifierApp app, Supplier<Duration> sinceContact, Duration brokerBound,
                          Duration failureWindow) {
    /** Default bound on broker silence: a few probe intervals plus a request timeout. */
    public static final Duration DEFAULT_BROKER_BOUND = Duration.ofSeconds(15);
    /** Default time a stream thread failure counts against readiness. */
    public static final Duration DEFAULT_FAILURE_WINDOW = Duration.ofSeconds(60);

    public HealthStatus status() {
        KafkaStreams.State s = app.state();
        List<String> problems = new ArrayList<>();
        boolean live = !app.closed() && s != KafkaStreams.State.ERROR && s != KafkaStreams.State.PENDING_ERROR
                && s != KafkaStreams.State.NOT_RUNNING && s != KafkaStreams.State.PENDING_SHUTDOWN;
        if (!live) {
            problems.add("Kafka Streams is " + s + (app.closed() ? " (closed)" : ""));
        } else if (!app.hasRun()) {
            problems.add("Kafka Streams has not started processing yet (" + s + ")");
        } else if (s != KafkaStreams.State.RUNNING && s != KafkaStreams.State.REBALANCING) {
            problems.add("Kafka Streams is " + s);
        }
        Duration since = sinceContact.get();
        if (since == null) {
            problems.add("the broker has not answered yet");
        } else if (since.compareTo(brokerBound) > 0) {
            problems.add("the broker has not answered for " + since.toSeconds() + " s (bound " + brokerBound.toSeconds()
                    + " s)");
        }
        if (app.failedWithin(failureWindow)) {
            problems.add("a stream thread failed within the last " + failureWindow.toSeconds() + " s ("
                    + app.threadFailures() + " since start)");
        }
        return new HealthStatus(live, live && problems.isEmpty(), s.name(), since, app.threadFailures(), problems);
    }
}
