package io.spikestream.app.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.spikestream.app.SpikestreamCli;
import io.spikestream.app.cli.testing.CliRun;
import io.spikestream.app.testing.Cli;
import io.spikestream.events.EventBuffer;
import io.spikestream.events.SensorGeometry;
import io.spikestream.events.io.Aedat2Writer;
import io.spikestream.topics.Topics;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ingest} and {@code camera} through the real command line (the ingest module tests the rest). */
class IngestCommandTest {

    private static CliRun run(String... args) {
        return Cli.run(args);
    }

    static Path recording(Path file, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        EventBuffer b = new EventBuffer(SensorGeometry.DVS128, n);
        long t = 0;
        for (int i = 0; i < n; i++) {
            t += r.nextInt(50);
            b.add(r.nextInt(128), r.nextInt(128), r.nextBoolean(), t);
        }
        Aedat2Writer.write(file, b.toBatch());
        return file;
    }

    @Test
    void aSimulatedCameraStreamsThroughIngestIntoAnEmbeddedBroker(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        for (int i = 0; i < 3; i++) {
            recording(Files.createDirectories(data.resolve("class" + i)).resolve("r" + i + ".aedat"), 5_000, i);
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String uri = "dv-tcp://127.0.0.1:" + port;
        CompletableFuture<CliRun> camera = CompletableFuture.supplyAsync(() -> run("camera", "--data", data.toString(),
                "--serve", uri, "--speed", "max", "--gap-ms", "50", "--json"));
        CliRun ingest = run("ingest", "--embedded", uri, "--camera", "front", "--heartbeat-ms", "0", "--metrics-port", "0",
                "--duration", "4s", "--json");
        CliRun cam = camera.get(60, TimeUnit.SECONDS);
        assertThat(cam.exit()).as(cam.err()).isZero();
        assertThat(ingest.exit()).as(ingest.err()).isZero();
        JsonNode c = cam.json();
        JsonNode j = ingest.json();
        assertThat(c.get("events").asLong()).isEqualTo(15_000);
        assertThat(j.get("events_in").asLong()).isEqualTo(15_000);
        assertThat(j.get("events_out").asLong()).isEqualTo(15_000);
        JsonNode src = j.get("sources").get(0);
        assertThat(src.get("camera").asText()).isEqualTo("front");
        assertThat(src.get("source").asText()).isEqualTo(uri);
        assertThat(src.get("connections").asLong()).isEqualTo(1);
        assertThat(ingest.err()).contains("ingest: " + uri + " -> camera front on " + Topics.DEFAULT_EVENTS).contains("/metrics")
                .contains("(connection 1): connected, 128x128 sensor");
        assertThat(cam.err()).contains("camera: showing class0/r0.aedat (label 0)");
    }

    @Test
    void aFileSourceEndsByItselfAndAMalformedOneFailsWithItsByteOffset(@TempDir Path dir) throws Exception {
        Path good = recording(dir.resolve("good.aedat"), 20_000, 7);
        Path bad = dir.resolve("bad.raw");
        // a 33-byte header, one word, then 2 bytes of a cut word at byte 37
        Files.writeString(bad, "% evt 2.0\n% geometry 64x64\n% end\nabcdef");
        CliRun ok = run("ingest", "--embedded", "file:" + good, "--metrics-port", "-1", "--json");
        assertThat(ok.exit()).as(ok.err()).isZero();
        JsonNode j = ok.json();
        assertThat(j.get("events_out").asLong()).isEqualTo(20_000);
        assertThat(j.get("sources").get(0).get("state").asText()).isEqualTo("ended");
        assertThat(j.get("sources").get(0).get("camera").asText()).isEqualTo("good.aedat");

        CliRun failed = run("ingest", "--embedded", "file:" + good + "?camera=good", "file:" + bad + "?format=evt2",
                "--metrics-port", "-1");
        assertThat(failed.exit()).isEqualTo(SpikestreamCli.EXIT_FAILURE);
        assertThat(failed.err()).contains("file:" + bad + " at byte 37: stream ends inside a 4-byte EVT 2.0 word");
        assertThat(failed.out()).contains("20000 events in, 20000 out").contains("failed");
    }

    @Test
    void unworkableCommandLinesAreUsageErrors() {
        assertThat(run("ingest", "--embedded").exit()).isEqualTo(SpikestreamCli.EXIT_USAGE);
        assertThat(run("ingest", "tcp://h:1", "--embedded").exit()).isEqualTo(SpikestreamCli.EXIT_USAGE);
        assertThat(run("ingest", "-", "--embedded").exit()).as("stdin needs --format").isEqualTo(SpikestreamCli.EXIT_USAGE);
        assertThat(run("ingest", "dv-tcp://h:1").exit()).as("no broker").isEqualTo(SpikestreamCli.EXIT_USAGE);
        assertThat(run("ingest", "dv-tcp://h:1", "--embedded", "--bootstrap-servers", "h:2").exit()).isEqualTo(SpikestreamCli.EXIT_USAGE);
        assertThat(run("ingest", "dv-tcp://h:1", "--embedded", "--camera", "a", "--camera", "b").exit()).isEqualTo(SpikestreamCli.EXIT_USAGE);
        assertThat(run("ingest", "udp://h:1?format=aestream", "--embedded").err()).contains("give --geometry WxH");
        assertThat(run("camera", "--data", "x", "--serve", "tcp://h:1").exit()).isEqualTo(SpikestreamCli.EXIT_USAGE);
    }
}
