package io.spikestream.stream.it;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.spikestream.snn.checkpoint.CheckpointCodec;
import io.spikestream.stream.AppConfig;
import io.spikestream.stream.ClassifierApp;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The stream app in a JVM of its own, for tests that kill it with SIGKILL:
 * {@code ChildApp BOOTSTRAP CHECKPOINT APPLICATION_ID STATE_DIR}. Prints RUNNING once Kafka Streams runs,
 * and on SIGTERM "REPLAYS n": how many camera states were rebuilt from stored frames.
 */
public final class ChildApp {
    private ChildApp() {
    }

    public static void main(String[] args) throws Exception {
        AppConfig config = HardKillRecoveryTest.config(args[0], args[2], Path.of(args[3]));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ClassifierApp app = ClassifierApp.start(config, CheckpointCodec.read(Path.of(args[1])), registry);
        // on SIGTERM: report how often a camera's network state was recomputed from stored frames
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            System.out.println("REPLAYS " + registry.get("spikestream.state.replay").timer().count());
            System.out.flush();
        }));
        if (!app.awaitRunning(Duration.ofSeconds(60))) {
            System.out.println("FAILED " + app.state());
            System.exit(3);
        }
        System.out.println("RUNNING");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }

}
