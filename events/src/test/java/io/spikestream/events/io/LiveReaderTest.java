package io.spikestream.events.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spikestream.events.EventBatch;
import io.spikestream.events.EventBuffer;
import io.spikestream.events.SensorGeometry;
import io.spikestream.events.testing.SharedData;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Live decoding is file decoding fed piecemeal: whatever the chunking, the events equal the file
 * reader's; a read never waits for bytes that have not arrived; a stream that ends inside a unit is
 * an error naming the stream and the byte.
 */
class LiveReaderTest {

    /** Feeds {@code bytes} in random chunks, reading after every arrival, and returns all events. */
    static EventBatch streamed(byte[] bytes, RecordingFormat format, ReadOptions options, int maxChunk, long seed) {
        ScriptedBytes in = new ScriptedBytes(bytes, maxChunk, seed);
        SplittableRandom r = new SplittableRandom(seed + 1);
        try (LiveReader reader = format == null ? LiveReader.dvNetwork(in, options) : LiveReader.open(in, format, options)) {
            EventBuffer all = new EventBuffer(reader.geometry(), 1024);
            while (true) {
                int n;
                do {
                    n = reader.read(all, 1 + r.nextInt(5000));
                } while (n > 0);
                if (reader.ended()) {
                    return all.toBatch();
                }
                in.arrive();
            }
        }
    }

    @ParameterizedTest(name = "{0} in chunks of at most {1} bytes")
    @CsvSource({"prophesee/evt2_sample.raw, 1", "prophesee/evt2_sample.raw, 70000",
            "prophesee/evt3_sample.raw, 3", "prophesee/evt3_sample.raw, 70000",
            "aedat2-dvs128/alex_walking_again.aedat, 7", "aedat2-dvs128/alex_walking_again.aedat, 70000",
            "aedat4/dvxplorer_sample.aedat4, 5", "aedat4/dvxplorer_sample.aedat4, 70000"})
    void realRecordingsStreamedInAnyChunksDecodeAsTheFileReaderDoes(String fixture, int maxChunk) throws Exception {
        Path f = SharedData.require("fixtures/" + fixture);
        RecordingFormat format = Recordings.detect(f);
        EventBatch expected = Recordings.readAll(f, format);
        EventBatch got = streamed(Files.readAllBytes(f), format, ReadOptions.DEFAULT, maxChunk, 42);
        assertThat(got.size()).isPositive();
        assertThat(got).isEqualTo(expected);
    }

    @Test
    void dvNetworkStreamFromTheWriterGivesBackEveryEventForEachCompression() {
        EventBatch events = sample(new SensorGeometry(346, 260), 20_000, 7);
        for (Aedat4Writer.Compression c : Aedat4Writer.Compression.values()) {
            ByteArrayOutputStream bos = new ByteArrayOutputStream();
            try (Aedat4Writer w = Aedat4Writer.open(bos, Aedat4Writer.Target.NETWORK, events.geometry(), c, "test-camera")) {
                for (int i = 0; i < events.size(); i += 777) {
                    w.writeEvents(events, i, Math.min(events.size(), i + 777));
                }
            }
            EventBatch got = streamed(bos.toByteArray(), null, ReadOptions.DEFAULT, 4000, c.ordinal());
            assertThat(got).as(c.name()).isEqualTo(events);
        }
    }

    @Test
    void aReadReturnsWhatHasArrivedAndNeverConsumesHalfAWord() {
        TestFiles.Bytes b = TestFiles.evt2Header();
        // the header parser may look up to 256 bytes ahead: time words first keep that out of the test
        for (int i = 0; i < 100; i++) {
            b.i32(TestFiles.evt2High(1));
        }
        int before = b.size();
        b.i32(TestFiles.evt2Cd(true, 5, 10, 20)).i32(TestFiles.evt2Cd(false, 6, 11, 21));
        ScriptedBytes in = new ScriptedBytes(b.bytes(), 1, 0);
        try (LiveReader r = LiveReader.open(in, RecordingFormat.EVT2, ReadOptions.DEFAULT)) {
            assertThat(in.consumed()).isLessThan(before);
            in.arriveUpTo(before + 4 + 2);
            EventBuffer out = new EventBuffer(r.geometry(), 16);
            assertThat(r.read(out, 100)).isEqualTo(1);
            assertThat(out.t(0)).isEqualTo((1L << 6) | 5);
            assertThat(r.read(out, 100)).as("half a word has arrived").isZero();
            assertThat(r.ended()).isFalse();
            in.arriveUpTo(Integer.MAX_VALUE);
            assertThat(r.read(out, 100)).isEqualTo(1);
            assertThat(out.x(1)).isEqualTo(11);
            in.end();
            assertThat(r.read(out, 100)).isZero();
            assertThat(r.ended()).isTrue();
        }
    }

    @Test
    void aStreamEndingInsideAWordNamesTheStreamAndTheByte() {
        TestFiles.Bytes b = TestFiles.evt2Header();
        b.i32(TestFiles.evt2High(1)).i16(7);
        int end = b.size();
        ScriptedBytes in = new ScriptedBytes(b.bytes(), 1, 0);
        in.arriveUpTo(end);
        in.end();
        try (LiveReader r = LiveReader.open(in, RecordingFormat.EVT2, ReadOptions.DEFAULT)) {
            EventBuffer out = new EventBuffer(r.geometry(), 16);
            assertThatThrownBy(() -> r.read(out, 100)).isInstanceOf(RecordingFormatException.class)
                    .hasMessageContaining("test-stream at byte " + (end - 2))
                    .hasMessageContaining("stream ends inside a 4-byte EVT 2.0 word");
        }
    }

    @Test
    void aHeaderlessEvtStreamNeedsTheGeometryGivenExplicitly() {
        byte[] words = TestFiles.le().i32(TestFiles.evt2High(0)).i32(TestFiles.evt2Cd(true, 1, 3, 4)).bytes();
        assertThatThrownBy(() -> LiveReader.open(new ScriptedBytes(words, 8, 0), RecordingFormat.EVT2, ReadOptions.DEFAULT))
                .isInstanceOf(RecordingFormatException.class).hasMessageContaining("names no sensor geometry");
        EventBatch got = streamed(words, RecordingFormat.EVT2, ReadOptions.DEFAULT.withGeometry(new SensorGeometry(8, 8)), 3, 1);
        assertThat(got.size()).isEqualTo(1);
        assertThat(got.x(0)).isEqualTo(3);
    }

    @Test
    void packetsOfOtherStreamsAreSkippedAndCounted() {
        EventBatch events = sample(new SensorGeometry(64, 48), 3000, 3);
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (Aedat4Writer w = Aedat4Writer.open(bos, Aedat4Writer.Target.NETWORK, events.geometry(),
                Aedat4Writer.Compression.LZ4, "cam", "FRME")) {
            w.writeEvents(events, 0, 1000);
            w.writeOther(1, new byte[] {1, 2, 3, 4, 5});
            w.writeEvents(events, 1000, 3000);
            w.writeOther(1, new byte[300_000]);
        }
        ScriptedBytes in = new ScriptedBytes(bos.toByteArray(), 100_000, 5);
        in.arriveUpTo(Integer.MAX_VALUE);
        in.end();
        try (LiveReader r = LiveReader.dvNetwork(in, ReadOptions.DEFAULT)) {
            EventBuffer out = new EventBuffer(r.geometry(), 16);
            while (r.read(out, 10_000) > 0) {
                // drain
            }
            assertThat(r.ended()).isTrue();
            assertThat(out.size()).isEqualTo(3000);
            assertThat(r.skippedPackets()).isEqualTo(2);
        }
    }

    @Test
    void aJaerPayloadDecodesInTheChipsAddressLayout(@TempDir Path tmp) throws Exception {
        EventBatch events = sample(SensorGeometry.DVS128, 5000, 11);
        Path f = tmp.resolve("e.aedat");
        Aedat2Writer.write(f, events);
        byte[] file = Files.readAllBytes(f);
        byte[] payload = java.util.Arrays.copyOfRange(file, Aedat2Writer.HEADER.length(), file.length);
        ScriptedBytes in = new ScriptedBytes(payload, 8 * 100, 2);
        EventBuffer out = new EventBuffer(SensorGeometry.DVS128, 16);
        try (LiveReader r = LiveReader.jaerEvents(in, LiveReader.AddressLayout.DVS128, ReadOptions.DEFAULT)) {
            while (in.arrive()) {
                r.read(out, Integer.MAX_VALUE);
            }
        }
        assertThat(out.toBatch()).isEqualTo(events);
    }

    static EventBatch sample(SensorGeometry g, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        EventBuffer b = new EventBuffer(g, n);
        long t = 1_000_000 + r.nextInt(1000);
        for (int i = 0; i < n; i++) {
            t += r.nextInt(50);
            b.add(r.nextInt(g.width()), r.nextInt(g.height()), r.nextBoolean(), t);
        }
        return b.toBatch();
    }
}
