package io.spikestream.app.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.spikestream.app.cli.testing.CliRun;
import io.spikestream.app.testing.Cli;
import org.junit.jupiter.api.Test;

/** {@code demo --live}: simulated DV cameras, ingest, the stream app; every recording's decision arrives. */
class LiveDemoTest {

    @Test
    void everyRecordingShownByTheSimulatedCamerasIsClassifiedOnce() throws Exception {
        CliRun r = Cli.run("demo", "--live", "--digits", "12", "--cameras", "2",
                "--speed", "max", "--warmup", "0", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode j = r.json();
        assertThat(j.get("recordings").asLong()).isEqualTo(12);
        assertThat(j.get("classified").asLong()).isEqualTo(12);
        // the bundled model was trained on other digits (seed 1); these are unseen (seed 2026)
        assertThat(j.get("accuracy").asDouble()).isGreaterThanOrEqualTo(0.8);
        assertThat(j.get("latency_ms").has("p99")).isTrue();
        assertThat(j.get("ingest").get("dropped_events").asLong()).isZero();
        assertThat(j.get("ingest").get("events_in").asLong()).isEqualTo(j.get("ingest").get("events_out").asLong());
        assertThat(r.err()).contains("demo --live: 1/12 cam-0");
    }
}
