package io.spikestream.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EventBatchTest {

    @Test
    void copiesInputArraysSoLaterChangesDoNotLeakIn() {
        int[] x = {1, 2};
        int[] y = {3, 4};
        boolean[] on = {true, false};
        long[] t = {10, 20};
        EventBatch b = EventBatch.of(SensorGeometry.DVS128, 2, x, y, on, t);
        x[0] = 99;
        t[1] = 0;
        assertThat(b.x(0)).isEqualTo(1);
        assertThat(b.t(1)).isEqualTo(20);
    }

    @Test
    void rejectsCoordinatesOutsideTheGeometryAndBadIndices() {
        assertThatThrownBy(() -> EventBatch.of(new SensorGeometry(4, 4), 1, new int[] {4}, new int[] {0},
                new boolean[] {true}, new long[] {0})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("event 0");
        EventBatch b = EventBatch.empty(SensorGeometry.DVS128);
        assertThatThrownBy(() -> b.x(0)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void sliceAndBufferAgreeWithTheSource() {
        EventBuffer buf = new EventBuffer(SensorGeometry.NMNIST, 1);
        for (int i = 0; i < 100; i++) {
            buf.add(i % 34, (i * 7) % 34, i % 3 == 0, i * 10L);
        }
        EventBatch all = buf.toBatch();
        assertThat(all.slice(10, 20)).isEqualTo(buf.toBatch(10, 20));
        assertThat(all.slice(10, 20).t(0)).isEqualTo(100);
        EventBuffer copy = new EventBuffer(SensorGeometry.NMNIST);
        all.copyTo(copy);
        assertThat(copy.toBatch()).isEqualTo(all).hasSameHashCodeAs(all);
    }

    @Test
    void geometryRejectsImpossibleSizes() {
        assertThatThrownBy(() -> new SensorGeometry(0, 5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SensorGeometry(5, SensorGeometry.MAX_SIDE + 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
