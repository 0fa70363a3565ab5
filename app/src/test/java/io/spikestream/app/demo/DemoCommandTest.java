package io.spikestream.app.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spikestream.app.cli.testing.CliRun;
import io.spikestream.app.testing.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one-command demo end to end (embedded broker, stream app, bundled model, generated digits). */
class DemoCommandTest {

    @Test
    void classifiesEveryGeneratedDigitOnceWithTheBundledModel(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("report");
        CliRun r = Cli.run("demo", "--digits", "30", "--cameras", "2", "--speed", "max",
                "--warmup", "0", "--report", report.toString(), "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        for (String key : List.of("classified", "expected", "accuracy", "mean_steps", "latency_ms",
                "offered_events_per_s", "achieved_events_per_s")) {
            assertThat(j.has(key)).as(key).isTrue();
        }
        assertThat(j.get("expected").asLong()).isEqualTo(30);
        assertThat(j.get("classified").asLong()).isEqualTo(30);
        // the bundled model was trained on other digits (seed 1); these are unseen (seed 2026)
        assertThat(j.get("accuracy").asDouble()).isGreaterThanOrEqualTo(0.8);
        assertThat(j.get("configuration").get("demo").asBoolean()).isTrue();
        assertThat(Files.readString(report.resolve("report.html"))).contains("<svg");
        assertThat(r.err()).contains("demo: 2 cameras | classified");
    }

    @Test
    void refusesNonsenseCounts() {
        assertThat(Cli.run("demo", "--cameras", "0").exit()).isEqualTo(2);
        assertThat(Cli.run("demo", "--digits", "x").exit()).isEqualTo(2);
    }
}
