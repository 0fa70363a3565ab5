package io.spikestream.events.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.spikestream.events.EventBatch;
import io.spikestream.events.EventBuffer;
import io.spikestream.events.SensorGeometry;
import io.spikestream.events.testing.SharedData;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files that are no recordings, each as a careless user might pass one: every one is an error naming the
 * file (and the byte offset where decoding failed), never an empty or garbage recording.
 */
class JunkRecordingsTest {
    @TempDir
    Path dir;

    @Test
    void emptyFilesOfEveryExtensionAreRefused() throws Exception {
        for (String name : new String[] {"a.aedat", "a.bin", "a.raw", "a.dat"}) {
            Path f = Files.write(dir.resolve(name), new byte[0]);
            assertThatThrownBy(() -> Recordings.readAll(f)).as(name).isInstanceOf(RecordingFormatException.class)
                    .hasMessage(f + " at byte 0: empty file: no header and no events");
        }
    }

    @Test
    void anAedat2FileCutInsideItsHeaderIsRefused() throws Exception {
        Path whole = Files.write(dir.resolve("whole.aedat"), ("#!AER-DAT2.0\r\n# This is a raw AE data file\r\n"
                + "# AEChip: ch.unizh.ini.jaer.chip.retina.DVS128\r\n").getBytes());
        byte[] bytes = Files.readAllBytes(whole);
        for (int cut : new int[] {10, 20, bytes.length - 3}) {
            Path f = Files.write(dir.resolve("cut" + cut + ".aedat"), Arrays.copyOf(bytes, cut));
            assertThatThrownBy(() -> Recordings.readAll(f)).as("cut at %d", cut)
                    .isInstanceOf(RecordingFormatException.class).hasMessageContaining("file ends inside a header line");
        }
        assertThat(Recordings.readAll(whole).size()).as("the whole header alone: no events").isZero();
    }

    @Test
    void theRealAedat2FixtureCutInItsHeaderIsRefused() throws Exception {
        byte[] bytes = Files.readAllBytes(SharedData.require("fixtures/aedat2-dvs128/alex_walking_again.aedat"));
        Path f = Files.write(dir.resolve("cut.aedat"), Arrays.copyOf(bytes, 4_607));
        assertThatThrownBy(() -> Recordings.readAll(f)).isInstanceOf(RecordingFormatException.class)
                .hasMessageContaining("cut.aedat at byte 4575").hasMessageContaining("file ends inside a header line");
    }

    @Test
    void fiveBytesOfAnEvt3FileAreNoEvt2Recording() throws Exception {
        Path f = Files.write(dir.resolve("cut.raw"), "% Dat".getBytes());
        assertThatThrownBy(() -> Recordings.readAll(f)).isInstanceOf(RecordingFormatException.class)
                .hasMessageContaining("cut.raw at byte 0");
        Path g = Files.write(dir.resolve("header.raw"), "% Date 2020-09-25\n% serial_number 1\n".getBytes());
        assertThatThrownBy(() -> Recordings.readAll(g)).isInstanceOf(RecordingFormatException.class)
                .hasMessageContaining("names no event format");
    }

    @Test
    void anAedat31FileWithoutItsEndOfHeaderIsRefused() throws Exception {
        Path f = Files.write(dir.resolve("a.aedat"), "#!AER-DAT3.1\r\n#Format: RAW\r\n#Source 1: DVS128\r\n"
                .getBytes());
        assertThatThrownBy(() -> Recordings.readAll(f)).isInstanceOf(RecordingFormatException.class)
                .hasMessageContaining("at byte 47").hasMessageContaining("no '#!END-HEADER' line");
    }

    @Test
    void aCompressedRecordingIsRefusedNotDecodedAsGarbage() throws Exception {
        EventBuffer b = new EventBuffer(SensorGeometry.DVS128);
        for (int i = 0; i < 1000; i++) {
            b.add(i % 128, (i * 7) % 128, i % 2 == 0, 10L * i);
        }
        Path plain = dir.resolve("plain.aedat");
        Aedat2Writer.write(plain, b.toBatch());
        Path gz = dir.resolve("packed.aedat");
        try (OutputStream os = new GZIPOutputStream(Files.newOutputStream(gz))) {
            os.write(Files.readAllBytes(plain));
        }
        assertThatThrownBy(() -> Recordings.readAll(gz)).isInstanceOf(RecordingFormatException.class)
                .hasMessage(gz + " at byte 0: the file is gzip-compressed, not a recording; decompress it first");
        assertThatThrownBy(() -> Recordings.open(gz, RecordingFormat.AEDAT2)).hasMessageContaining("gzip-compressed");
        assertThat(Recordings.readAll(plain).size()).isEqualTo(1000);
    }

    @Test
    void aHeaderlessRecordingThatStartsLikeGzipStillReads() {
        // N-Caltech101-style events: x = 31, y = 139 is 1F 8B; the next bytes are no gzip header
        EventBuffer b = new EventBuffer(new SensorGeometry(240, 180));
        b.add(31, 139, false, 5);
        b.add(3, 4, true, 9);
        Path f = dir.resolve("c.bin");
        NmnistWriter.write(f, b.toBatch());
        EventBatch back = Recordings.readAll(f);
        assertThat(back.size()).isEqualTo(2);
        assertThat(back.x(0)).isEqualTo(31);
    }

    @Test
    void aDirectoryADeviceAPipeAndAMissingFileAreNamedAsSuch() throws Exception {
        Path d = Files.createDirectories(dir.resolve("folder.aedat"));
        assertThatThrownBy(() -> Recordings.readAll(d)).isInstanceOf(UncheckedIOException.class)
                .hasMessage("cannot read " + d + ": is a directory, not a file");
        Path devNull = Path.of("/dev/null");
        assumeTrue(Files.exists(devNull));
        assertThatThrownBy(() -> Recordings.readAll(devNull))
                .hasMessage("cannot read /dev/null: not a regular file (a device, pipe or socket)");
        Path fifo = dir.resolve("pipe.bin");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        if (mk.waitFor(10, TimeUnit.SECONDS) && mk.exitValue() == 0) {
            assertThatThrownBy(() -> Recordings.readAll(fifo)).hasMessageContaining("not a regular file");
        }
        Path missing = dir.resolve("missing.bin");
        assertThatThrownBy(() -> Recordings.readAll(missing)).hasMessage("cannot read " + missing + ": no such file");
    }
}
