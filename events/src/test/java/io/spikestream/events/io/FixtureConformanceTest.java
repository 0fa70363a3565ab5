package io.spikestream.events.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.spikestream.events.SensorGeometry;
import io.spikestream.events.testing.SharedData;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Every fact that ../shared/fixtures/SOURCES.md states, checked against our readers. */
class FixtureConformanceTest {

    static RecordingStats stats(Path file, RecordingFormat expected) {
        assertThat(Recordings.detect(file)).isEqualTo(expected);
        try (RecordingReader r = Recordings.open(file)) {
            return RecordingStats.of(r);
        }
    }

    @Test
    void alexWalkingAedat2() {
        Path f = SharedData.require("fixtures/aedat2-dvs128/alex_walking_again.aedat");
        try (RecordingReader r = Recordings.open(f)) {
            assertThat(r.geometry()).isEqualTo(SensorGeometry.DVS128);
            RecordingStats s = RecordingStats.of(r);
            assertThat(s.events()).isEqualTo(19_182);
            assertThat(s.on()).isEqualTo(7_102);
            assertThat(new int[] {s.xMin(), s.xMax(), s.yMin(), s.yMax()}).containsExactly(0, 127, 0, 127);
            assertThat(s.tFirst()).isEqualTo(41_306_606L);
            assertThat(s.tLast()).isEqualTo(48_193_156L);
            assertThat(s.checksum()).isEqualTo("e6ab74b90cf5ce80");
        }
    }

    @Test
    void davis346HeaderOnly() {
        Path f = SharedData.require("fixtures/aedat2-dvs128/davis346_header_only.aedat");
        try (RecordingReader r = Recordings.open(f)) {
            assertThat(r.format()).isEqualTo(RecordingFormat.AEDAT2);
            assertThat(r.geometry()).isEqualTo(new SensorGeometry(346, 260));
            assertThat(RecordingStats.of(r).events()).isZero();
            assertThat(r.specialEvents()).isZero();
        }
    }

    @Test
    void nmnistSample() {
        Path f = SharedData.require("fixtures/nmnist/sample_nmnist.bin");
        RecordingStats s = stats(f, RecordingFormat.NMNIST);
        assertThat(s.events()).isEqualTo(4_325);
        assertThat(s.on()).isEqualTo(2_145);
        assertThat(new int[] {s.xMin(), s.xMax(), s.yMin(), s.yMax()}).containsExactly(0, 33, 0, 33);
        assertThat(s.tFirst()).isEqualTo(654);
        assertThat(s.tLast()).isEqualTo(311_175);
        assertThat(s.checksum()).isEqualTo("6a4ac4157e710692");
        assertThat(Recordings.readAll(f).geometry()).isEqualTo(SensorGeometry.NMNIST);
    }

    @Test
    void evt2Sample() {
        Path f = SharedData.require("fixtures/prophesee/evt2_sample.raw");
        try (RecordingReader r = Recordings.open(f)) {
            assertThat(r.format()).isEqualTo(RecordingFormat.EVT2);
            assertThat(r.geometry()).isEqualTo(new SensorGeometry(640, 480));
            RecordingStats s = RecordingStats.of(r);
            assertThat(s.events()).isEqualTo(539_481);
            assertThat(new int[] {s.xMin(), s.xMax(), s.yMin(), s.yMax()}).containsExactly(60, 599, 18, 475);
            assertSameEvents(s, IndependentDecoders.evt2(f));
            // beyond SOURCES.md, established here
            assertThat(s.on()).isEqualTo(367_855);
            assertThat(s.tFirst()).isEqualTo(1_317_888L);
            assertThat(s.tLast()).isEqualTo(1_367_888L);
            assertThat(s.checksum()).isEqualTo("b1173ac6d2fa825b");
        }
    }

    // ---- "see for yourself" files: our reader against an independent decoder, plus a second check

    static void assertSameEvents(RecordingStats ours, io.spikestream.events.EventBuffer theirs) {
        RecordingStats s = new RecordingStats();
        s.add(theirs);
        assertThat(ours.events()).isEqualTo(s.events());
        assertThat(ours.on()).isEqualTo(s.on());
        assertThat(ours.checksum()).isEqualTo(s.checksum());
    }

    @Test
    void nealWalkingAedat2() {
        Path f = SharedData.require("fixtures/aedat2-dvs128/neal_walking.aedat");
        RecordingStats s;
        long special;
        long dataStart;
        try (RecordingReader r = Recordings.open(f)) {
            assertThat(r.geometry()).isEqualTo(SensorGeometry.DVS128);
            s = RecordingStats.of(r);
            special = r.specialEvents();
            dataStart = r.size() - (s.events() + special) * 8;
        }
        assertSameEvents(s, IndependentDecoders.aedat2Dvs128(f));
        // second way: every 8-byte word after the header is an event, polarity or special
        byte[] d = IndependentDecoders.bytes(f);
        assertThat(dataStart).isEqualTo(IndependentDecoders.headerEnd(d, '#', "#!END-HEADER"));
        assertThat(s.events()).isEqualTo(70_304);
        assertThat(s.on()).isEqualTo(34_031);
        assertThat(special).isZero();
        assertThat(new int[] {s.xMin(), s.xMax(), s.yMin(), s.yMax()}).containsExactly(0, 127, 0, 127);
        assertThat(s.tFirst()).isEqualTo(135_707_767L);
        assertThat(s.tLast()).isEqualTo(144_951_371L);
        assertThat(s.checksum()).isEqualTo("ccdd1cad6ec811e5");
    }

    @Test
    void evt3Sample() {
        Path f = SharedData.require("fixtures/prophesee/evt3_sample.raw");
        RecordingStats s;
        try (RecordingReader r = Recordings.open(f)) {
            assertThat(r.format()).isEqualTo(RecordingFormat.EVT3);
            // plugin hal_plugin_gen41_evk3: Gen4.1 (IMX636)
            assertThat(r.geometry()).isEqualTo(new SensorGeometry(1280, 720));
            s = RecordingStats.of(r);
            assertThat(r.timestampRegressions()).isZero();
        }
        assertSameEvents(s, IndependentDecoders.evt3(f));
        // reading in requests of 1..11 events goes through the vector spill path: same events
        try (RecordingReader r = Recordings.open(f)) {
            RecordingStats small = new RecordingStats();
            io.spikestream.events.EventBuffer b = new io.spikestream.events.EventBuffer(r.geometry(), 16);
            int k = 0;
            while (true) {
                b.clear();
                if (r.read(b, 1 + (k++ % 11)) == 0) {
                    break;
                }
                small.add(b);
            }
            assertThat(small.checksum()).isEqualTo(s.checksum());
        }
        assertThat(s.events()).isEqualTo(219_596);
        assertThat(s.on()).isEqualTo(115_532);
        assertThat(new int[] {s.xMin(), s.xMax(), s.yMin(), s.yMax()}).containsExactly(0, 1279, 0, 719);
        assertThat(s.tFirst()).isEqualTo(11_718_656L);
        assertThat(s.tLast()).isEqualTo(11_727_457L);
        assertThat(s.checksum()).isEqualTo("bffaa119a5322a7c");
    }

    @Test
    void ncarsDat() {
        Path f = SharedData.require("fixtures/prophesee/ncars_sample.dat");
        RecordingStats s;
        long size;
        try (RecordingReader r = Recordings.open(f)) {
            assertThat(r.format()).isEqualTo(RecordingFormat.DAT);
            assertThat(r.geometry()).isEqualTo(new SensorGeometry(304, 240));
            s = RecordingStats.of(r);
            size = r.size();
        }
        assertSameEvents(s, IndependentDecoders.dat(f));
        // second way: header (91 bytes) + type/size bytes + 8 bytes per event fill the file exactly
        assertThat(91 + 2 + 8 * s.events()).isEqualTo(size);
        assertThat(s.events()).isEqualTo(2_009);
        assertThat(s.on()).isEqualTo(1_350);
        assertThat(new int[] {s.xMin(), s.xMax(), s.yMin(), s.yMax()}).containsExactly(0, 77, 0, 41);
        assertThat(s.tFirst()).isEqualTo(0);
        assertThat(s.tLast()).isEqualTo(99_952);
        assertThat(s.checksum()).isEqualTo("b317fe3fca5c998e");
    }
}
