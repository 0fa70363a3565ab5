package io.spikestream.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.spikestream.app.cli.testing.CliRun;
import io.spikestream.events.EventBatch;
import io.spikestream.events.dataset.Dataset;
import io.spikestream.events.dataset.Orientation;
import io.spikestream.events.dataset.Sample;
import io.spikestream.events.io.Recordings;
import io.spikestream.events.testing.SharedData;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train --dataset emulated-images sees exactly the recordings events emulate --images writes. */
class EmulatedTrainingDataTest {
    @TempDir
    Path dir;

    static CliRun run(String... args) {
        return CliRun.of(SpikestreamCli.commandLine(), args);
    }

    @Test
    void realImagesGiveTheEventsThatEventsEmulateWrites() throws Exception {
        Path cifar = SharedData.require("data/cifar10/test");
        Path out = dir.resolve("emulated");
        CliRun r = run("events", "emulate", "--images", cifar.toString(), "--limit-per-class", "1",
                "--seed", "11", "--threads", "2", "--out", out.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        Dataset emulated = Dataset.openEmulated(cifar, 11, Orientation.AS_DECODED);
        for (String cls : new String[] {"airplane", "frog", "truck"}) {
            Sample first = emulated.samples().stream().filter(s -> s.className().equals(cls)).findFirst().orElseThrow();
            EventBatch written = Recordings.readAll(out.resolve(cls).resolve("cifar10_" + cls + "_0.aedat"));
            assertThat(emulated.read(first)).as(cls).isEqualTo(written);
        }
    }
}
