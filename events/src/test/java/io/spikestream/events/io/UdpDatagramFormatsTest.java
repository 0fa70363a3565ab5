package io.spikestream.events.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spikestream.events.EventBuffer;
import io.spikestream.events.SensorGeometry;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** AEStream's SPIF words and jAER's datagram framing, against hand-made datagrams. */
class UdpDatagramFormatsTest {
    private static final SensorGeometry G = new SensorGeometry(640, 480);

    private static ByteBuffer words(int... w) {
        ByteBuffer b = ByteBuffer.allocate(w.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : w) {
            b.putInt(v);
        }
        return b.flip();
    }

    @Test
    void aestreamWordsCarryXYPolarityAndAnOptionalTimestamp() {
        AestreamDecoder d = new AestreamDecoder(G, "udp://test");
        EventBuffer out = new EventBuffer(G, 4);
        // x=5 y=7 ON with timestamp 1000; x=639 y=479 OFF without timestamp
        int timed = (5 << 16) | 0x8000 | 7;
        int untimed = 0x80000000 | (639 << 16) | 479;
        assertThat(d.decode(words(timed, 1000, untimed), out, 42)).isEqualTo(2);
        assertThat(out.x(0)).isEqualTo(5);
        assertThat(out.y(0)).isEqualTo(7);
        assertThat(out.on(0)).isTrue();
        assertThat(out.t(0)).isEqualTo(1000);
        assertThat(out.x(1)).isEqualTo(639);
        assertThat(out.y(1)).isEqualTo(479);
        assertThat(out.on(1)).isFalse();
        assertThat(out.t(1)).isEqualTo(42);
        assertThat(d.untimedEvents()).isEqualTo(1);
    }

    @Test
    void aestreamTimestampsAreUnwrappedPast32Bits() {
        AestreamDecoder d = new AestreamDecoder(G, "udp://test");
        EventBuffer out = new EventBuffer(G, 4);
        d.decode(words(1 << 16, 0xFFFFFF00), out, 0);
        d.decode(words(1 << 16, 0x00000010), out, 0);
        assertThat(out.t(1) - out.t(0)).isEqualTo(0x110);
    }

    @Test
    void aMalformedAestreamDatagramAddsNothingAndNamesTheByte() {
        AestreamDecoder d = new AestreamDecoder(G, "udp://test");
        EventBuffer out = new EventBuffer(G, 4);
        assertThatThrownBy(() -> d.decode(words(1 << 16, 5, 2 << 16), out, 0))
                .isInstanceOf(RecordingFormatException.class)
                .hasMessage("udp://test datagram 0 at byte 8: event word says a timestamp follows, but the datagram ends");
        assertThatThrownBy(() -> d.decode(words(0x80000000 | (700 << 16)), out, 0))
                .hasMessageContaining("datagram 1 at byte 0: event at (700, 0) outside the 640x480 sensor");
        assertThatThrownBy(() -> d.decode(ByteBuffer.allocate(6), out, 0)).hasMessageContaining("not a whole number");
        assertThat(out.size()).isZero();
    }

    @Test
    void aJaerDatagramIsASequenceNumberAndWholeEvents() {
        ByteBuffer b = ByteBuffer.allocate(4 + 16).order(ByteOrder.BIG_ENDIAN).putInt(77).putInt(1).putInt(2).putInt(3).putInt(4).flip();
        assertThat(JaerDatagram.sequence(b, "udp://j", 0)).isEqualTo(77);
        assertThat(b.position()).isZero();
        assertThatThrownBy(() -> JaerDatagram.sequence(ByteBuffer.allocate(4 + 12), "udp://j", 3))
                .hasMessage("udp://j datagram 3 at byte 12: 16 bytes is not a 4-byte sequence number and whole 8-byte events");
    }
}
