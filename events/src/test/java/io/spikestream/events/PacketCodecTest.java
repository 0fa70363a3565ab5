package io.spikestream.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.spikestream.proto.v1.EventPacket;
import io.spikestream.proto.v1.PackedEncoding;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PacketCodecTest {

    static Stream<Arguments> geometries() {
        return Stream.of(Arguments.of(new SensorGeometry(1, 1)), Arguments.of(SensorGeometry.NMNIST),
                Arguments.of(SensorGeometry.DVS128), Arguments.of(new SensorGeometry(346, 260)),
                Arguments.of(new SensorGeometry(1280, 720)), Arguments.of(new SensorGeometry(65536, 65536)));
    }

    /** Random packets whose timestamps mix equal times, small steps and gaps beyond 2^32 µs. */
    static EventBatch randomBatch(Random rnd, SensorGeometry g, int n) {
        int[] x = new int[n];
        int[] y = new int[n];
        boolean[] on = new boolean[n];
        long[] t = new long[n];
        long time = rnd.nextBoolean() ? rnd.nextLong() >>> 2 : rnd.nextInt(1000);
        for (int i = 0; i < n; i++) {
            int kind = rnd.nextInt(10);
            // edge coordinates (0 and max) are drawn often on purpose
            x[i] = kind == 0 ? 0 : kind == 1 ? g.width() - 1 : rnd.nextInt(g.width());
            y[i] = kind == 2 ? 0 : kind == 3 ? g.height() - 1 : rnd.nextInt(g.height());
            on[i] = rnd.nextBoolean();
            int step = rnd.nextInt(20);
            time += step < 8 ? 0 : step < 18 ? rnd.nextInt(200) : step == 18 ? (1L << 32) + rnd.nextInt(5) : rnd.nextInt(1 << 20);
            t[i] = time;
        }
        return EventBatch.of(g, n, x, y, on, t);
    }

    @ParameterizedTest
    @MethodSource("geometries")
    void roundTripsRandomPacketsExactly(SensorGeometry g) {
        Random rnd = new Random(42 + g.width());
        for (int round = 0; round < 300; round++) {
            int n = switch (round % 5) {
                case 0 -> 0;
                case 1 -> 1;
                default -> rnd.nextInt(2000);
            };
            EventBatch batch = randomBatch(rnd, g, n);
            EventPacket packet = PacketCodec.encode(batch).setCameraId("cam").build();
            EventPacket reparsed = PacketCodec.parse(packet.toByteArray());
            assertThat(PacketCodec.decode(reparsed)).isEqualTo(batch);
        }
    }

    @Test
    void decodeIntoAppendsToABufferAndReusesIt() {
        Random rnd = new Random(7);
        EventBatch a = randomBatch(rnd, SensorGeometry.DVS128, 100);
        EventBatch b = randomBatch(rnd, SensorGeometry.DVS128, 50);
        EventBuffer buffer = new EventBuffer(SensorGeometry.DVS128, 16);
        PacketCodec.decodeInto(PacketCodec.encode(a).build(), buffer);
        PacketCodec.decodeInto(PacketCodec.encode(b).build(), buffer);
        assertThat(buffer.size()).isEqualTo(150);
        assertThat(buffer.toBatch(0, 100)).isEqualTo(a);
        assertThat(buffer.toBatch(100, 150)).isEqualTo(b);
    }

    @Test
    void encodesAMillisecondOfABusyDvs128InAtMostFiveBytesPerEvent() {
        // ~5,000 events in 1 ms: the busy-sensor case the wire target is stated for
        Random rnd = new Random(1);
        int n = 5000;
        int[] x = new int[n];
        int[] y = new int[n];
        boolean[] on = new boolean[n];
        long[] t = new long[n];
        for (int i = 0; i < n; i++) {
            x[i] = rnd.nextInt(128);
            y[i] = rnd.nextInt(128);
            on[i] = rnd.nextBoolean();
            t[i] = 1_000_000L + i / 5;
        }
        EventPacket p = PacketCodec.encode(EventBatch.of(SensorGeometry.DVS128, n, x, y, on, t)).build();
        assertThat(p.getPackedEvents().size()).isEqualTo(3 * n);
        assertThat((double) p.getSerializedSize() / n).isLessThanOrEqualTo(5.0);
    }

    @Test
    void addressWidthFollowsTheGeometry() {
        assertThat(PacketCodec.addressBytes(new SensorGeometry(1, 1))).isEqualTo(1);
        assertThat(PacketCodec.addressBytes(SensorGeometry.NMNIST)).isEqualTo(2);
        assertThat(PacketCodec.addressBytes(SensorGeometry.DVS128)).isEqualTo(2);
        assertThat(PacketCodec.addressBytes(new SensorGeometry(640, 480))).isEqualTo(3);
        assertThat(PacketCodec.addressBytes(new SensorGeometry(65536, 65536))).isEqualTo(5);
    }

    @Test
    void encodeRejectsTimeGoingBackwardsNamingTheIndex() {
        EventBuffer buf = new EventBuffer(SensorGeometry.DVS128);
        buf.add(1, 1, true, 100);
        buf.add(2, 2, false, 99);
        assertThatThrownBy(() -> PacketCodec.encode(buf, 0, 2)).isInstanceOf(PacketFormatException.class)
                .hasMessageContaining("t[1]");
    }

    @Test
    void encodeRejectsCoordinatesOutsideTheGeometry() {
        EventBuffer buf = new EventBuffer(new SensorGeometry(10, 10));
        buf.add(3, 3, true, 1);
        buf.add(10, 3, true, 2);
        assertThatThrownBy(() -> PacketCodec.encode(buf, 0, 2)).isInstanceOf(PacketFormatException.class)
                .hasMessageContaining("x[1]");
    }

    private static EventPacket valid() {
        EventBuffer buf = new EventBuffer(new SensorGeometry(10, 10));
        buf.add(1, 2, true, 5);
        buf.add(9, 9, false, 7);
        return PacketCodec.encode(buf, 0, 2).build();
    }

    @Test
    void rejectsCountsThatDisagreeWithTheBytes() {
        assertThatThrownBy(() -> PacketCodec.decode(valid().toBuilder().setEventCount(3).build()))
                .isInstanceOf(PacketFormatException.class).hasMessageContaining("event_count");
        assertThatThrownBy(() -> PacketCodec.decode(valid().toBuilder().setEventCount(1).build()))
                .isInstanceOf(PacketFormatException.class).hasMessageContaining("bytes left");
        // an absurd count is refused before anything is allocated for it
        assertThatThrownBy(() -> PacketCodec.decode(valid().toBuilder().setEventCount(-1).build()))
                .isInstanceOf(PacketFormatException.class).hasMessageContaining("event_count");
    }

    @Test
    void rejectsPacketsWhoseLongDeltasLeaveNoByteForTheLastEvent() {
        // 2 events x (1 + 1 address byte) = 4 bytes pass the count check, but event 0 takes all 4
        byte[] bytes = {(byte) 0x80, (byte) 0x80, 0x01, 0x00};
        EventPacket p = PacketCodec.encode(EventBatch.empty(new SensorGeometry(2, 2))).setEventCount(2)
                .setPackedEvents(ByteString.copyFrom(bytes)).build();
        EventBuffer reused = new EventBuffer(new SensorGeometry(2, 2));
        // a buffer whose scratch is larger than the packet must not read its stale bytes
        PacketCodec.decodeInto(PacketCodec.encode(randomBatch(new Random(3), new SensorGeometry(2, 2), 500)).build(), reused);
        reused.clear();
        assertThatThrownBy(() -> PacketCodec.decodeInto(p, reused)).isInstanceOf(PacketFormatException.class)
                .hasMessageContaining("event 1 missing");
        assertThatThrownBy(() -> PacketCodec.decode(p)).isInstanceOf(PacketFormatException.class)
                .hasMessageContaining("event 1 missing");
        assertThat(reused.size()).isZero();
    }

    @Test
    void rejectsCoordinatesOutsideTheDeclaredGeometry() {
        EventPacket p = valid().toBuilder()
                .setGeometry(EventPacket.SensorGeometry.newBuilder().setWidth(9).setHeight(10)).build();
        assertThatThrownBy(() -> PacketCodec.decode(p)).isInstanceOf(PacketFormatException.class)
                .hasMessageContaining("event 1").hasMessageContaining("x = 9");
    }

    @Test
    void rejectsMissingOrAbsurdGeometryAndUnknownEncodings() {
        assertThatThrownBy(() -> PacketCodec.decode(valid().toBuilder().clearGeometry().build()))
                .isInstanceOf(PacketFormatException.class).hasMessageContaining("geometry");
        assertThatThrownBy(() -> PacketCodec.decode(valid().toBuilder()
                .setGeometry(EventPacket.SensorGeometry.newBuilder().setWidth(0).setHeight(10)).build()))
                .isInstanceOf(PacketFormatException.class).hasMessageContaining("geometry");
        assertThatThrownBy(() -> PacketCodec.decode(valid().toBuilder().setEncoding(PackedEncoding.PACKED_ENCODING_UNSPECIFIED).build()))
                .isInstanceOf(PacketFormatException.class).hasMessageContaining("encoding");
        assertThatThrownBy(() -> PacketCodec.decode(valid().toBuilder().setEncodingValue(99).build()))
                .isInstanceOf(PacketFormatException.class).hasMessageContaining("encoding");
    }

    @Test
    void rejectsTimestampOverflowAndOverlongVarints() {
        byte[] overlong = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
            (byte) 0xFF, (byte) 0xFF, (byte) 0x7F, 0, 0};
        EventPacket p = valid().toBuilder().setEventCount(1).setPackedEvents(ByteString.copyFrom(overlong)).build();
        assertThatThrownBy(() -> PacketCodec.decode(p)).isInstanceOf(PacketFormatException.class)
                .hasMessageContaining("event 0");
        // a delta that carries the time past Long.MAX_VALUE
        byte[] big = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
            (byte) 0xFF, (byte) 0x7F, 0, 0};
        EventPacket q = valid().toBuilder().setEventCount(1).setTBaseUs(Long.MAX_VALUE - 5)
                .setPackedEvents(ByteString.copyFrom(big)).build();
        assertThatThrownBy(() -> PacketCodec.decode(q)).isInstanceOf(PacketFormatException.class)
                .hasMessageContaining("overflows");
    }

    @Test
    void malformedBytesOnlyEverRaiseTheCodecsException() {
        byte[] good = valid().toBuilder().setCameraId("camera-1").build().toByteArray();
        Random rnd = new Random(99);
        for (int round = 0; round < 20_000; round++) {
            byte[] bad = good.clone();
            int edits = 1 + rnd.nextInt(4);
            for (int e = 0; e < edits; e++) {
                bad[rnd.nextInt(bad.length)] = (byte) rnd.nextInt(256);
            }
            if (rnd.nextInt(4) == 0) {
                bad = java.util.Arrays.copyOf(bad, rnd.nextInt(bad.length));
            }
            try {
                EventBatch decoded = PacketCodec.decode(PacketCodec.parse(bad));
                // whatever decodes must satisfy the packet invariants
                for (int i = 0; i < decoded.size(); i++) {
                    assertThat(decoded.geometry().contains(decoded.x(i), decoded.y(i))).isTrue();
                    if (i > 0) {
                        assertThat(decoded.t(i)).isGreaterThanOrEqualTo(decoded.t(i - 1));
                    }
                }
            } catch (PacketFormatException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }
    }
}
