package io.spikestream.events.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.spikestream.events.SensorGeometry;
import io.spikestream.events.testing.SharedData;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The DVXplorer AEDAT 4 fixture. SOURCES.md quotes 118,651 "as tonic's own test counts them"; that
 * test runs tonic's AEDAT 3 packet walker over this AEDAT 4 file and counts 8-byte words, which we
 * reproduce below. The file's own packet table (FTAB, at the IOHeader's dataTablePosition) declares
 * the true numbers, and our reader agrees with it.
 */
class Aedat4FixtureTest {

    /** Per stream id: packets, elements, first and last timestamp, summed over the FTAB entries. */
    record TableSums(long[] packets, long[] elements, long[] tStart, long[] tEnd) {
    }

    static TableSums dataTable(byte[] d) {
        ByteBuffer f = ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN);
        int hdrSize = f.getInt(14);
        ByteBuffer h = ByteBuffer.wrap(d, 18, hdrSize).slice().order(ByteOrder.LITTLE_ENDIAN);
        int root = h.getInt(0);
        int vt = root - h.getInt(root);
        long tablePos = h.getLong(root + h.getShort(vt + 6));
        byte[] comp = java.util.Arrays.copyOfRange(d, (int) tablePos, d.length);
        Lz4Frame.Output o = Lz4Frame.decompress(comp, 1 << 24);
        ByteBuffer s = ByteBuffer.wrap(o.data(), 4, o.length() - 4).slice().order(ByteOrder.LITTLE_ENDIAN);
        assertThat(new String(o.data(), 8, 4)).isEqualTo("FTAB");
        int r = s.getInt(0);
        int rvt = r - s.getInt(r);
        int fo = s.getShort(rvt + 4);
        int vec = r + fo + s.getInt(r + fo);
        TableSums sums = new TableSums(new long[8], new long[8], new long[8], new long[8]);
        java.util.Arrays.fill(sums.tStart, Long.MAX_VALUE);
        for (int i = 0; i < s.getInt(vec); i++) {
            int e = vec + 4 + 4 * i;
            int t = e + s.getInt(e);
            int tvt = t - s.getInt(t);
            int stream = s.getInt(t + s.getShort(tvt + 6));
            sums.packets[stream]++;
            sums.elements[stream] += s.getLong(t + s.getShort(tvt + 8));
            sums.tStart[stream] = Math.min(sums.tStart[stream], s.getLong(t + s.getShort(tvt + 10)));
            sums.tEnd[stream] = Math.max(sums.tEnd[stream], s.getLong(t + s.getShort(tvt + 12)));
        }
        return sums;
    }

    @Test
    void countsAgreeWithTheFilesOwnPacketTable() {
        Path f = SharedData.require("fixtures/aedat4/dvxplorer_sample.aedat4");
        RecordingStats s;
        long special;
        try (RecordingReader r = Recordings.open(f)) {
            assertThat(r.format()).isEqualTo(RecordingFormat.AEDAT4);
            assertThat(r.geometry()).isEqualTo(new SensorGeometry(320, 240));
            s = RecordingStats.of(r);
            special = r.specialEvents();
            assertThat(r.timestampRegressions()).isZero();
        }
        TableSums table = dataTable(IndependentDecoders.bytes(f));
        assertThat(table.packets()[0]).isEqualTo(59);
        assertThat(s.events()).isEqualTo(table.elements()[0]).isEqualTo(111_954);
        assertThat(special).isEqualTo(table.elements()[2]).isEqualTo(475); // IMU samples, stream 2
        assertThat(s.tFirst()).isEqualTo(table.tStart()[0]);
        assertThat(s.tLast()).isEqualTo(table.tEnd()[0]);
        assertThat(s.on()).isEqualTo(55_023);
        assertThat(new int[] {s.xMin(), s.xMax(), s.yMin(), s.yMax()}).containsExactly(0, 319, 0, 239);
        assertThat(s.tFirst()).isEqualTo(1_605_537_493_718_345L);
        assertThat(s.tLast()).isEqualTo(1_605_537_494_308_262L);
        assertThat(s.checksum()).isEqualTo("49b641be72be96e5");
    }

    @Test
    void sourcesFigureIsTonicsAedat3WordCount() {
        byte[] d = IndependentDecoders.bytes(SharedData.require("fixtures/aedat4/dvxplorer_sample.aedat4"));
        // tonic.io.get_aer_events_from_file for version > 3: 28-byte header, `capacity` 8-byte words, repeat
        int p = "#!AER-DAT4.0\r\n".length();
        long words = 0;
        while (p + 20 <= d.length) {
            long capacity = IndependentDecoders.le32(d, p + 16);
            p += 28;
            long n = Math.min(capacity, Math.max(0, (d.length - p) / 8));
            words += n;
            p += (int) (n * 8);
        }
        assertThat(words).isEqualTo(118_651);
    }
}
