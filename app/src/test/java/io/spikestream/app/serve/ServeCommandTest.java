package io.spikestream.app.serve;

import static org.assertj.core.api.Assertions.assertThat;

import io.spikestream.app.SpikestreamCli;
import io.spikestream.broker.EmbeddedKafkaBroker;
import io.spikestream.events.SensorGeometry;
import io.spikestream.snn.BnntModel;
import io.spikestream.snn.BnntParams;
import io.spikestream.snn.ModelSpec;
import io.spikestream.snn.checkpoint.CheckpointCodec;
import io.spikestream.snn.framing.CountMode;
import io.spikestream.snn.framing.FramingSpec;
import io.spikestream.topics.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ServeCommandTest {

    @Test
    void servesAndExposesMetricsAndHealth(@TempDir Path tmp) throws Exception {
        FramingSpec framing = FramingSpec.timeWindow(new SensorGeometry(16, 16), 1000, 8, 8, CountMode.BINARY, 1);
        ModelSpec spec = ModelSpec.of("c4-p2-f16", framing.frameShape(), 4, framing, List.of("a", "b"));
        Path ckpt = tmp.resolve("m.ckpt");
        CheckpointCodec.write(ckpt, BnntModel.of(spec, BnntParams.init(spec, 1)));
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            broker.createTopic(Topics.DEFAULT_EVENTS, 1);
            CommandLine cl = SpikestreamCli.commandLine();
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(err, true));
            CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> cl.execute("serve",
                    "--bootstrap-servers", broker.bootstrapServers(), "--model", ckpt.toString(),
                    "--state-dir", tmp.resolve("state").toString(), "--metrics-host", "127.0.0.1", "--metrics-port", "0",
                    "-X", "commit.interval.ms=200", "--run-for", "15"));
            Pattern p = Pattern.compile("metrics at http://127\\.0\\.0\\.1:(\\d+)/metrics");
            Matcher m = p.matcher("");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < deadline && !(m = p.matcher(err.toString())).find()) {
                Thread.sleep(50);
            }
            assertThat(m.find(0)).as(err.toString()).isTrue();
            int port = Integer.parseInt(m.group(1));
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> health;
            long readyBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            do {
                // ready once Kafka Streams runs and the broker answered
                Thread.sleep(100);
                health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
                        HttpResponse.BodyHandlers.ofString());
            } while (health.statusCode() != 200 && System.nanoTime() < readyBy);
            assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
            assertThat(health.body()).contains("\"status\": \"UP\"").contains("\"state\": \"RUNNING\"");
            HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("spikestream_step_compute_seconds").contains("spikestream_frames_total")
                    .contains("spikestream_dead_letters").contains("spikestream_classifications_total");
            assertThat(run.get(60, TimeUnit.SECONDS)).as(err.toString()).isZero();
            assertThat(err.toString()).contains("serving model");
        }
    }

    @Test
    void missingModelIsAUsageError() {
        CommandLine cl = SpikestreamCli.commandLine();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(new StringWriter()));
        cl.setErr(new PrintWriter(err));
        assertThat(cl.execute("serve", "--bootstrap-servers", "127.0.0.1:1")).isEqualTo(SpikestreamCli.EXIT_USAGE);
        assertThat(err.toString()).contains("model");
    }

    @Test
    void aMinStepsOverrideBelowOneIsAUsageError() {
        CommandLine cl = SpikestreamCli.commandLine();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(new StringWriter()));
        cl.setErr(new PrintWriter(err));
        assertThat(cl.execute("serve", "--bootstrap-servers", "127.0.0.1:1", "--model", "m.ckpt", "--exit-min-steps", "0"))
                .isEqualTo(SpikestreamCli.EXIT_USAGE);
        assertThat(err.toString()).contains("exit.min-steps");
    }
}
