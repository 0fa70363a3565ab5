package io.spikestream.stream.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spikestream.stream.testing.TestModels;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CameraStateCodecTest {
    private static final int FRAME = 2 * 8 * 8;

    private static CameraState sample() {
        CameraState s = new CameraState(TestModels.SENSOR);
        s.startEpisode(true, "Test/3/00042.bin", true, 3, 1_000);
        float[] f = new float[FRAME];
        f[0] = 1;
        f[17] = 1;
        f[FRAME - 1] = 1;
        s.frameClosed(StoredFrame.of(f, 2_000, 5, false, 77));
        f[17] = 3;
        s.frameClosed(StoredFrame.of(f, 2_500, 9, true, 78));
        s.partial().add(1, 2, true, 2_600);
        s.partial().add(15, 15, false, 2_650);
        s.noteEvent(2_650);
        s.notePacket(79, 123_456_789);
        s.touch();
        return s;
    }

    @Test
    void roundTripsEveryField() {
        CameraState s = sample();
        CameraState r = CameraStateCodec.decode(CameraStateCodec.encode(s), TestModels.SENSOR, FRAME);
        assertThat(r.generation()).isEqualTo(1);
        assertThat(r.phase()).isEqualTo(CameraState.Phase.OPEN);
        assertThat(r.replayed()).isTrue();
        assertThat(r.sampleId()).isEqualTo("Test/3/00042.bin");
        assertThat(r.label()).isEqualTo(3);
        assertThat(r.episodeStartUs()).isEqualTo(1_000);
        assertThat(r.lastEventUs()).isEqualTo(2_650);
        assertThat(r.lastIntendedNs()).isEqualTo(79);
        assertThat(r.lastRecordWallNs()).isEqualTo(123_456_789);
        assertThat(r.frames()).hasSize(2);
        assertThat(r.frames().get(0).index()).containsExactly(0, 17, FRAME - 1);
        assertThat(r.frames().get(0).value()).isNull();
        assertThat(r.frames().get(1).value()).containsExactly(1f, 3f, 1f);
        assertThat(r.frames().get(1).closedByCall()).isTrue();
        assertThat(r.frames().get(1).closingIntendedNs()).isEqualTo(78);
        assertThat(r.partial().toBatch()).isEqualTo(s.partial().toBatch());
        assertThat(r.eventsUsed()).isEqualTo(16);
        assertThat(r.inputPartition()).isEqualTo(-1);
        s.noteInput(3, 41);
        CameraState withInput = CameraStateCodec.decode(CameraStateCodec.encode(s), TestModels.SENSOR, FRAME);
        assertThat(withInput.holds(3, 41)).isTrue();
        assertThat(withInput.holds(3, 40)).isTrue();
        assertThat(withInput.holds(3, 42)).as("a record after the last one applied").isFalse();
        assertThat(withInput.holds(2, 41)).as("another partition").isFalse();
    }

    @Test
    void aVersionOneStateReadsWithNoInputApplied() {
        CameraState s = sample();
        byte[] none = CameraStateCodec.encode(s);
        s.noteInput(0, 0);
        byte[] zero = CameraStateCodec.encode(s);
        int at = 0;
        while (none[at] == zero[at]) {
            at++;
        }
        // version 1 had no input partition and offset: the two one-byte varints where the encodings differ
        byte[] v1 = new byte[none.length - 2];
        System.arraycopy(none, 0, v1, 0, at);
        System.arraycopy(none, at + 2, v1, at, none.length - at - 2);
        v1[0] = 1;
        CameraState r = CameraStateCodec.decode(v1, TestModels.SENSOR, FRAME);
        assertThat(r.inputOffset()).isEqualTo(-1);
        assertThat(r.holds(0, 0)).isFalse();
        assertThat(r.frames()).hasSize(2);
        assertThat(r.partial().toBatch()).isEqualTo(s.partial().toBatch());
    }

    @Test
    void damagedBytesAreRejectedWithTheField() {
        byte[] ok = CameraStateCodec.encode(sample());
        for (int cut = 0; cut < ok.length; cut++) {
            byte[] b = Arrays.copyOf(ok, cut);
            assertThatThrownBy(() -> CameraStateCodec.decode(b, TestModels.SENSOR, FRAME))
                    .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("camera state:");
        }
        byte[] v = ok.clone();
        v[0] = 9;
        assertThatThrownBy(() -> CameraStateCodec.decode(v, TestModels.SENSOR, FRAME)).hasMessageContaining("version 9");
        assertThatThrownBy(() -> CameraStateCodec.decode(ok, TestModels.SENSOR, 16)).hasMessageContaining("outside");
    }
}
