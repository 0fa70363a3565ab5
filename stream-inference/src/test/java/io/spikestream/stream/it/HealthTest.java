package io.spikestream.stream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.spikestream.broker.EmbeddedKafkaBroker;
import io.spikestream.snn.checkpoint.CheckpointCodec;
import io.spikestream.stream.AppConfig;
import io.spikestream.stream.ClassifierApp;
import io.spikestream.stream.ClassifierServer;
import io.spikestream.stream.config.ServeSettings;
import io.spikestream.stream.health.BrokerProbe;
import io.spikestream.stream.health.HealthCheck;
import io.spikestream.stream.health.HealthStatus;
import io.spikestream.stream.testing.TestModels;
import io.spikestream.topics.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Health answers what Kafka Streams and the broker are doing, not merely that the process runs. */
class HealthTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void anAppThatNeverReachedItsBrokerIsLiveButNotReady(@TempDir Path tmp) throws Exception {
        Path ckpt = tmp.resolve("m.ckpt");
        CheckpointCodec.write(ckpt, TestModels.tiny());
        Map<String, String> flags = Map.of("bootstrap.servers", "127.0.0.1:1", "model", ckpt.toString(),
                "state.dir", tmp.resolve("state").toString(), "metrics.host", "127.0.0.1", "metrics.port", "0");
        ServeSettings settings = ServeSettings.resolve(new Properties(), Map.of(), flags);
        try (ClassifierServer server = ClassifierServer.start(settings, TestModels.tiny())) {
            int port = Integer.parseInt(server.describe().replaceAll(".*127\\.0\\.0\\.1:(\\d+)/metrics.*", "$1"));
            Thread.sleep(3000); // what used to answer UP by now
            HttpResponse<String> ready = get(port, "/health/ready");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("\"status\": \"DOWN\"").contains("the broker has not answered yet")
                    .contains("has not started processing");
            assertThat(get(port, "/health").statusCode()).isEqualTo(503);
            HttpResponse<String> live = get(port, "/health/live");
            assertThat(live.statusCode()).as(live.body()).isEqualTo(200);
            assertThat(live.headers().firstValue("Content-Type")).hasValue("application/json");

            HttpResponse<String> post = http.send(HttpRequest.newBuilder(uri(port, "/health"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);
            assertThat(post.headers().firstValue("Allow")).hasValue("GET");
            assertThat(get(port, "/health/anything").statusCode()).isEqualTo(404);
            assertThat(get(port, "/metricsx").statusCode()).isEqualTo(404);
            // with no broker in reach there is nothing to commit: stopping does not wait 30 s for it
            long t0 = System.nanoTime();
            server.close();
            assertThat((System.nanoTime() - t0) / 1e9).as("seconds to close").isLessThan(15);
        }
    }

    @Test
    void readinessFollowsTheBrokerAndLivenessTheStreamsState(@TempDir Path tmp) throws Exception {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
        try {
            Topics topics = Topics.defaults();
            broker.createTopic(topics.events().name(), 1);
            AppConfig config = AppConfig.defaults(broker.bootstrapServers()).withApplicationId("health")
                    .withStateDir(tmp.resolve("state"));
            try (ClassifierApp app = ClassifierApp.start(config, TestModels.tiny(), new SimpleMeterRegistry());
                 BrokerProbe probe = BrokerProbe.start(config.streamsProperties())) {
                HealthCheck check = new HealthCheck(app, probe::sinceContact, Duration.ofSeconds(3), Duration.ofSeconds(60));
                assertThat(within(Duration.ofSeconds(60), () -> check.status().ready())).as("%s", check.status()).isTrue();
                broker.close();
                assertThat(within(Duration.ofSeconds(20), () -> !check.status().ready())).isTrue();
                HealthStatus down = check.status();
                assertThat(down.live()).isTrue();
                assertThat(down.problems()).anySatisfy(p -> assertThat(p).contains("the broker has not answered for"));
                app.close(Duration.ofSeconds(5));
                assertThat(check.status().live()).isFalse();
            }
        } finally {
            broker.close();
        }
    }

    private static boolean within(Duration d, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + d.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(100);
        }
        return condition.getAsBoolean();
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(port, path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(int port, String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }
}
