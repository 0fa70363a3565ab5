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
}
