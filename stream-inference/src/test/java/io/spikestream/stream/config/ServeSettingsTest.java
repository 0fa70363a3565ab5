package io.spikestream.stream.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spikestream.stream.AppConfig;
import io.spikestream.topics.Guarantee;
import io.spikestream.topics.Topics;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class ServeSettingsTest {

    @Test
    void flagsBeatEnvironmentBeatsFile() {
        Properties file = new Properties();
        file.setProperty("bootstrap.servers", "file:9092");
        file.setProperty("model", "/m/file.ckpt");
        file.setProperty("threads", "2");
        file.setProperty("topic.input", "cams");
        file.setProperty("kafka.security.protocol", "SASL_SSL");
        file.setProperty("kafka.sasl.jaas.config", "secret-from-file");
        Map<String, String> env = Map.of("SPIKESTREAM_BOOTSTRAP_SERVERS", "env:9092", "SPIKESTREAM_THREADS", "3",
                "SPIKESTREAM_EXIT_GAMMA_STEP", "4", "SPIKESTREAM_KAFKA_SASL_JAAS_CONFIG", "secret-from-env",
                "HOME", "/root");
        ServeSettings s = ServeSettings.resolve(file, env, Map.of("bootstrap.servers", "flag:9092",
                "exit.confidence", "0.9", "metrics.port", "0"));
        AppConfig a = s.app();
        assertThat(a.bootstrapServers()).isEqualTo("flag:9092");
        assertThat(a.threads()).isEqualTo(3);
        assertThat(a.topics().events().name()).isEqualTo("cams");
        assertThat(a.topics().classifications().name()).isEqualTo(Topics.DEFAULT_CLASSIFICATIONS);
        assertThat(a.exit()).isEqualTo(new AppConfig.ExitOverrides(0.9f, null, 4, false));
        assertThat(a.kafkaProperties()).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.jaas.config", "secret-from-env");
        assertThat(a.streamsProperties()).containsEntry("sasl.jaas.config", "secret-from-env")
                .containsEntry("processing.guarantee", "exactly_once_v2");
        assertThat(s.model()).isEqualTo(Path.of("/m/file.ckpt"));
        assertThat(s.metricsPort()).isZero();
        // secrets never reach the log line
        assertThat(a.toString()).contains("sasl.jaas.config").doesNotContain("secret");
    }

    @Test
    void badSettingsNameTheKeyAndWhereItCameFrom() {
        Map<String, String> base = Map.of("bootstrap.servers", "b:1", "model", "m");
        assertThatThrownBy(() -> ServeSettings.resolve(new Properties(), Map.of("SPIKESTREAM_THREADS", "many"), base))
                .hasMessageContaining("threads").hasMessageContaining("SPIKESTREAM_THREADS");
        assertThatThrownBy(() -> ServeSettings.resolve(new Properties(), Map.of(), Map.of("model", "m")))
                .hasMessageContaining("bootstrap.servers");
        Properties typo = new Properties();
        typo.setProperty("bootstrap.server", "x");
        assertThatThrownBy(() -> ServeSettings.resolve(typo, Map.of(), base)).hasMessageContaining("unknown setting 'bootstrap.server'");
        assertThatThrownBy(() -> ServeSettings.resolve(new Properties(), Map.of(), Map.of("bootstrap.servers", "b", "model", "m",
                "exit.confidence", "2"))).hasMessageContaining("outside 0..1");
        assertThatThrownBy(() -> ServeSettings.resolve(new Properties(), Map.of(), Map.of("bootstrap.servers", "b", "model", "m",
                "engine", "gpu"))).hasMessageContaining("sparse or dense");
        assertThatThrownBy(() -> ServeSettings.resolve(new Properties(), Map.of(), Map.of("bootstrap.servers", "b", "model", "m",
                "exit.min-steps", "0"))).hasMessageContaining("exit.min-steps").hasMessageContaining("outside 1..");
    }

    @Test
    void theGuaranteeIsExactlyOnceUnlessSetAndAtLeastOnceSendsDecisionsWithoutWaiting() {
        Map<String, String> base = Map.of("bootstrap.servers", "b:1", "model", "m");
        AppConfig eos = ServeSettings.resolve(new Properties(), Map.of(), base).app();
        assertThat(eos.guarantee()).isEqualTo(Guarantee.EXACTLY_ONCE);
        assertThat(eos.streamsProperties()).containsEntry("commit.interval.ms", "20")
                .containsEntry("producer.linger.ms", "0");
        assertThat(eos.commitIntervalMs()).isEqualTo(AppConfig.DEFAULT_COMMIT_INTERVAL_MS);
        AppConfig alos = ServeSettings.resolve(new Properties(), Map.of("SPIKESTREAM_GUARANTEE", "at-least-once"), base)
                .app();
        assertThat(alos.guarantee()).isEqualTo(Guarantee.AT_LEAST_ONCE);
        assertThat(alos.streamsProperties()).containsEntry("processing.guarantee", "at_least_once")
                .containsEntry("producer.linger.ms", "0")
                .containsEntry("main.consumer.interceptor.classes", "io.spikestream.stream.processor.PollStamp");
        assertThat(alos.commitIntervalMs()).isEqualTo(AppConfig.DEFAULT_AT_LEAST_ONCE_COMMIT_INTERVAL_MS);
        assertThat(alos.withKafkaProperties(Map.of("commit.interval.ms", "250")).commitIntervalMs()).isEqualTo(250);
        assertThatThrownBy(() -> ServeSettings.resolve(new Properties(), Map.of(), Map.of("bootstrap.servers", "b",
                "model", "m", "guarantee", "at-most-once"))).hasMessageContaining("at-least-once or exactly-once")
                .hasMessageContaining("the command line");
    }

    @Test
    void minStepsOverrideIsReadAndAbsentKeepsTheCheckpoints() {
        Map<String, String> base = Map.of("bootstrap.servers", "b:1", "model", "m");
        assertThat(ServeSettings.resolve(new Properties(), Map.of(), base).app().exit().minSteps()).isNull();
        ServeSettings s = ServeSettings.resolve(new Properties(), Map.of("SPIKESTREAM_EXIT_MIN_STEPS", "2"), base);
        assertThat(s.app().exit()).isEqualTo(new AppConfig.ExitOverrides(null, null, null, false, 2));
    }
}
