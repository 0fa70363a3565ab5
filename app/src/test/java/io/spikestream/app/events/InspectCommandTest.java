package io.spikestream.app.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spikestream.app.SpikestreamCli;
import io.spikestream.app.cli.testing.CliRun;
import io.spikestream.app.testing.Cli;
import io.spikestream.events.EventBuffer;
import io.spikestream.events.SensorGeometry;
import io.spikestream.events.io.Aedat2Writer;
import io.spikestream.events.testing.SharedData;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InspectCommandTest {
    @TempDir
    Path dir;


    private Path sample() {
        EventBuffer b = new EventBuffer(SensorGeometry.DVS128);
        b.add(3, 4, true, 1_000);
        b.add(5, 6, false, 1_500);
        b.add(3, 4, true, 2_000_000);
        Path f = dir.resolve("s.aedat");
        Aedat2Writer.write(f, b.toBatch());
        return f;
    }

    @Test
    void jsonHasExactlyTheContractKeys() throws Exception {
        CliRun r = Cli.run("events", "inspect", sample().toString(), "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        List<String> keys = new ArrayList<>();
        j.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("format", "width", "height", "events", "on", "special", "x_min", "x_max",
                "y_min", "y_max", "t_first_us", "t_last_us", "duration_us", "mean_rate_events_per_s", "checksum");
        assertThat(j.get("format").asText()).isEqualTo("aedat2");
        assertThat(j.get("events").asLong()).isEqualTo(3);
        assertThat(j.get("on").asLong()).isEqualTo(2);
        assertThat(j.get("x_min").asInt()).isEqualTo(3);
        assertThat(j.get("y_max").asInt()).isEqualTo(6);
        assertThat(j.get("t_last_us").asLong()).isEqualTo(2_000_000);
        assertThat(j.get("duration_us").asLong()).isEqualTo(1_999_000);
        assertThat(j.get("mean_rate_events_per_s").asDouble()).isEqualTo(1.5);
    }

    @Test
    void fixtureChecksumMatchesSources() throws Exception {
        Path f = SharedData.require("fixtures/aedat2-dvs128/alex_walking_again.aedat");
        CliRun r = Cli.run("events", "inspect", f.toString(), "--json");
        assertThat(r.exit()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.get("checksum").asText()).isEqualTo("e6ab74b90cf5ce80");
        assertThat(j.get("events").asLong()).isEqualTo(19_182);
    }

    @Test
    void pngShowsOnAndOffInTheirColours() throws Exception {
        Path png = Files.createDirectories(dir.resolve("img")).resolve("out.png");
        CliRun r = Cli.run("events", "inspect", sample().toString(), "--png", png.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("checksum").contains("aedat2");
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img.getWidth()).isEqualTo(128);
        int on = img.getRGB(3, 4) & 0xFFFFFF;
        int off = img.getRGB(5, 6) & 0xFFFFFF;
        assertThat(on >> 8 & 0xFF).isGreaterThan(0);
        assertThat(on >> 16 & 0xFF).isZero();
        assertThat(off >> 16 & 0xFF).isGreaterThan(0);
        assertThat(off >> 8 & 0xFF).isZero();
        assertThat(img.getRGB(0, 0) & 0xFFFFFF).isZero();
    }

    @Test
    void aPngPathThatCannotBeWrittenIsAUsageErrorBeforeDecodingAndWithoutAStackTrace() throws Exception {
        PrintStream stderr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            CliRun toDir = Cli.run("events", "inspect", sample().toString(), "--png", dir.toString());
            assertThat(toDir.exit()).isEqualTo(SpikestreamCli.EXIT_USAGE);
            assertThat(toDir.err()).contains("--png " + dir + ": is a directory, not a file");
            Path nested = dir.resolve("missing/sub/out.png");
            CliRun noFolder = Cli.run("events", "inspect", sample().toString(), "--png", nested.toString());
            assertThat(noFolder.exit()).isEqualTo(SpikestreamCli.EXIT_USAGE);
            assertThat(noFolder.err()).contains("the folder " + nested.getParent() + " does not exist");
            assertThat(dir.resolve("missing")).as("no folder is created").doesNotExist();
        } finally {
            System.setErr(stderr);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8)).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void unreadableInputsSayWhy() throws Exception {
        CliRun folder = Cli.run("events", "inspect", dir.toString());
        assertThat(folder.exit()).isEqualTo(SpikestreamCli.EXIT_FAILURE);
        assertThat(folder.err()).contains("cannot read " + dir + ": is a directory, not a file")
                .doesNotContain("IOException");
        CliRun devNull = Cli.run("events", "inspect", "/dev/null");
        assertThat(devNull.err()).contains("cannot read /dev/null: not a regular file");
        Path empty = Files.write(dir.resolve("empty.bin"), new byte[0]);
        CliRun e = Cli.run("events", "inspect", empty.toString());
        assertThat(e.exit()).isEqualTo(SpikestreamCli.EXIT_FAILURE);
        assertThat(e.err()).contains(empty + " at byte 0: empty file");
    }

    @Test
    void explicitFormatOverridesAndBadInputFails() throws Exception {
        Path f = sample();
        assertThat(Cli.run("events", "inspect", f.toString(), "--format", "nope").exit()).isEqualTo(SpikestreamCli.EXIT_USAGE);
        // read as N-MNIST: 5-byte events over an AEDAT file cannot decode cleanly or give the same result
        CliRun asBin = Cli.run("events", "inspect", f.toString(), "--format", "nmnist", "--json");
        assertThat(asBin.out() + asBin.err()).doesNotContain("\"format\" : \"aedat2\"");
        Path trunc = dir.resolve("t.aedat");
        byte[] d = Files.readAllBytes(f);
        Files.write(trunc, java.util.Arrays.copyOf(d, d.length - 3));
        CliRun r = Cli.run("events", "inspect", trunc.toString());
        assertThat(r.exit()).isEqualTo(SpikestreamCli.EXIT_FAILURE);
        assertThat(r.err()).contains(trunc.toString()).contains("at byte").contains("inside an event");
        assertThat(Cli.run("events", "inspect", dir.resolve("missing.aedat").toString()).exit()).isEqualTo(SpikestreamCli.EXIT_FAILURE);
        assertThat(Cli.run("events", "inspect", "--help").exit()).isZero();
    }
}
