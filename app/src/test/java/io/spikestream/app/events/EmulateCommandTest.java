package io.spikestream.app.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.spikestream.app.SpikestreamCli;
import io.spikestream.app.cli.JsonOut;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class EmulateCommandTest {
    @TempDir
    Path tmp;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = SpikestreamCli.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void digitsWriteAnNmnistLayoutAndReportJson() throws Exception {
        Path dir = tmp.resolve("digits");
        int code = run("events", "emulate", "--digits", "20", "--out", dir.toString(), "--seed", "3", "--threads", "2", "--json");
        assertThat(code).as(err.toString()).isZero();
        JsonNode j = JsonOut.mapper().readTree(out.toString());
        assertThat(j.get("recordings").asInt()).isEqualTo(20);
        assertThat(j.get("events").asLong()).isPositive();
        assertThat(j.has("seconds")).isTrue();
        assertThat(j.get("skipped").asInt()).isZero();
        assertThat(j.get("train").asInt()).isEqualTo(10 * 1);
        assertThat(dir.resolve("Train/0/00001.bin")).exists();
        assertThat(dir.resolve("Test/0/00001.bin")).exists();
        assertThat(err.toString()).contains("digits [");
    }

    @Test
    void imagesAreEmulatedAndBadOnesSkippedWithAMessage() throws Exception {
        Path images = tmp.resolve("images");
        Files.createDirectories(images.resolve("cat"));
        Files.createDirectories(images.resolve("dog"));
        BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < 32; i++) {
            img.setRGB(i, i, 0xFFFFFF);
        }
        ImageIO.write(img, "png", images.resolve("cat/0.png").toFile());
        Files.write(images.resolve("cat/1.jpg"), new byte[0]);
        Path o = tmp.resolve("out");
        int code = run("events", "emulate", "--images", images.toString(), "--out", o.toString(), "--json");
        assertThat(code).as(err.toString()).isZero();
        JsonNode j = JsonOut.mapper().readTree(out.toString());
        assertThat(j.get("recordings").asInt()).isEqualTo(1);
        assertThat(j.get("skipped").asInt()).isEqualTo(2);
        assertThat(err.toString()).contains("skipped cat/1.jpg: zero-size file").contains("skipped dog/: class folder holds no images");
        assertThat(o.resolve("cat/cifar10_cat_0.aedat")).exists();
    }

    @Test
    void onlyBadImagesIsAFailure() throws Exception {
        Path images = Files.createDirectories(tmp.resolve("bad/cat"));
        Files.writeString(images.resolve("x.png"), "text");
        int code = run("events", "emulate", "--images", tmp.resolve("bad").toString(), "--out", tmp.resolve("o").toString());
        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("no recordings written");
    }

    @Test
    void usageErrors() {
        assertThat(run("events", "emulate", "--out", tmp.toString())).isEqualTo(2);
        assertThat(run("events", "emulate", "--digits", "5", "--images", tmp.toString(), "--out", tmp.toString())).isEqualTo(2);
        assertThat(run("events", "emulate", "--digits", "0", "--out", tmp.toString())).isEqualTo(2);
        assertThat(run("events", "emulate", "--digits", "5", "--threads", "0", "--out", tmp.toString())).isEqualTo(2);
        assertThat(run("events", "emulate", "--images", tmp.toString(), "--protocol", "nmnist", "--out", tmp.toString())).isEqualTo(2);
        assertThat(run("events", "emulate", "--images", tmp.resolve("missing").toString(), "--out", tmp.toString())).isEqualTo(1);
        assertThat(err.toString()).contains("does not exist");
    }
}
