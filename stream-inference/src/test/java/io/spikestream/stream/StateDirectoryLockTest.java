package io.spikestream.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.spikestream.stream.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateDirectoryLockTest {

    @Test
    void aSecondInstanceOnTheSameStateDirectoryIsRefusedNamingTheHolder(@TempDir Path tmp) {
        try (StateDirectoryLock first = StateDirectoryLock.acquire(tmp, "app")) {
            assertThatThrownBy(() -> StateDirectoryLock.acquire(tmp, "app"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("the state directory " + tmp + " is in use by another instance of application app")
                    .hasMessageContaining("process " + ProcessHandle.current().pid())
                    .hasMessageContaining("--state-dir");
            // another application may share the directory: Kafka Streams keeps it in a folder of its own
            StateDirectoryLock other = StateDirectoryLock.acquire(tmp, "other-app");
            other.close();
        }
        StateDirectoryLock again = StateDirectoryLock.acquire(tmp, "app");
        again.close();
        assertThat(Files.exists(tmp.resolve(".spikestream-app.lock"))).isTrue();
    }

    @Test
    void theAppTakesTheLockBeforeStartingKafkaStreams(@TempDir Path tmp) {
        AppConfig config = AppConfig.defaults("127.0.0.1:1").withApplicationId("locked").withStateDir(tmp);
        try (StateDirectoryLock held = StateDirectoryLock.acquire(tmp, "locked")) {
            assertThatThrownBy(() -> ClassifierApp.start(config, TestModels.tiny(), new SimpleMeterRegistry()))
                    .hasMessageContaining("is in use by another instance of application locked");
        }
    }
}
