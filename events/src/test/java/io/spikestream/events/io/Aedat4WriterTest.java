package io.spikestream.events.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spikestream.events.EventBatch;
import io.spikestream.events.SensorGeometry;
import io.spikestream.events.testing.SharedData;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** AEDAT 4 files and network streams written by the project read back bit-exact, in DV's layout. */
class Aedat4WriterTest {

    @ParameterizedTest(name = "{0}")
    @EnumSource(Aedat4Writer.Compression.class)
    void aWrittenFileReadsBackExactlyWithTheFileReader(Aedat4Writer.Compression c, @TempDir Path tmp) {
        EventBatch events = LiveReaderTest.sample(new SensorGeometry(640, 480), 50_000, c.ordinal() + 1L);
        Path f = tmp.resolve("out.aedat4");
        Aedat4Writer.write(f, events, c, 4096);
        assertThat(Recordings.detect(f)).isEqualTo(RecordingFormat.AEDAT4);
        assertThat(Recordings.readAll(f)).isEqualTo(events);
    }

    @Test
    void aRealRecordingSurvivesARoundTrip(@TempDir Path tmp) {
        Path src = SharedData.require("fixtures/aedat4/dvxplorer_sample.aedat4");
        EventBatch events = Recordings.readAll(src);
        Path f = tmp.resolve("copy.aedat4");
        Aedat4Writer.write(f, events, Aedat4Writer.Compression.LZ4, 2000);
        assertThat(Recordings.readAll(f)).isEqualTo(events);
    }

    @Test
    void theNetworkStreamStartsWithTheSizePrefixedIoHeaderAndDvsStreamDescription() {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (Aedat4Writer w = Aedat4Writer.open(bos, Aedat4Writer.Target.NETWORK, new SensorGeometry(346, 260),
                Aedat4Writer.Compression.ZSTD, "DAVIS346_<x>")) {
            w.writeEvents(LiveReaderTest.sample(new SensorGeometry(346, 260), 10, 1), 0, 10);
        }
        byte[] b = bos.toByteArray();
        ByteBuffer le = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int headerSize = le.getInt(0);
        assertThat(new String(b, 8, 4, StandardCharsets.US_ASCII)).as("IOHeader identifier").isEqualTo("IOHE");
        Aedat4Tables.IOHeader h = Aedat4Tables.IOHeader.root(ByteBuffer.wrap(b, 4, headerSize).slice());
        assertThat(h.compression()).isEqualTo(3);
        assertThat(h.dataTablePosition()).isEqualTo(-1);
        assertThat(h.infoNode()).contains("<attr key=\"typeIdentifier\" type=\"string\">EVTS</attr>")
                .contains("<attr key=\"sizeX\" type=\"int\">346</attr>").contains("DAVIS346_&lt;x&gt;")
                .contains("<attr key=\"originalOutputName\" type=\"string\">events</attr>");
        int packetAt = 4 + headerSize;
        assertThat(le.getInt(packetAt)).as("stream id").isZero();
        assertThat(le.getInt(packetAt + 4)).as("packet size").isEqualTo(b.length - packetAt - 8);
    }

    @Test
    void eventsOutsideTheSensorAreRefused() {
        EventBatch events = LiveReaderTest.sample(new SensorGeometry(100, 100), 10, 1);
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        Aedat4Writer w = Aedat4Writer.open(bos, Aedat4Writer.Target.FILE, new SensorGeometry(10, 10),
                Aedat4Writer.Compression.NONE, "x");
        assertThatThrownBy(() -> w.writeEvents(events, 0, 10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outside the 10x10 sensor");
        assertThatThrownBy(() -> w.writeOther(1, new byte[1])).hasMessageContaining("not declared");
    }

    @Test
    void aFileStartsWithTheVersionLine(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("e.aedat4");
        Aedat4Writer.write(f, EventBatch.empty(new SensorGeometry(4, 4)), Aedat4Writer.Compression.NONE, 10);
        assertThat(new String(Files.readAllBytes(f), 0, 14, StandardCharsets.US_ASCII)).isEqualTo("#!AER-DAT4.0\r\n");
        assertThat(Recordings.readAll(f).size()).isZero();
    }
}
