package io.spikestream.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spikestream.events.EventBatch;
import io.spikestream.events.EventDataException;
import io.spikestream.events.SensorGeometry;
import org.junit.jupiter.api.Test;

class PacketPlanTest {
    private static EventBatch at(long... t) {
        int n = t.length;
        return EventBatch.of(SensorGeometry.NMNIST, n, new int[n], new int[n], new boolean[n], t);
    }

    @Test
    void cutsByWindowSkipsEmptyWindowsAndEndsAtTheLastEvent() {
        // windows of 100 µs from t0 = 1000: [1000,1100) has 2, [1100,1200) empty, [1200,1300) has 1, then 1 at 1450
        PacketPlan plan = PacketPlan.of("s", at(1000, 1050, 1210, 1450), 100, 100);
        assertThat(plan.packets()).isEqualTo(3);
        assertThat(plan.from(0)).isZero();
        assertThat(plan.to(0)).isEqualTo(2);
        assertThat(plan.endOffsetUs(0)).isEqualTo(100);
        assertThat(plan.to(1)).isEqualTo(3);
        assertThat(plan.endOffsetUs(1)).isEqualTo(300);
        assertThat(plan.to(2)).isEqualTo(4);
        assertThat(plan.durationUs()).isEqualTo(451);
        assertThat(plan.endOffsetUs(2)).isEqualTo(451);
    }

    @Test
    void splitsABusyWindowAtTheEventCap() {
        PacketPlan plan = PacketPlan.of("s", at(0, 10, 20, 30, 40), 1000, 2);
        assertThat(plan.packets()).isEqualTo(3);
        assertThat(plan.endOffsetUs(0)).isEqualTo(11);
        assertThat(plan.endOffsetUs(1)).isEqualTo(31);
        assertThat(plan.endOffsetUs(2)).isEqualTo(41);
        assertThat(plan.to(2)).isEqualTo(5);
    }

    @Test
    void eachPacketsWatermarkIsWhatTheCameraKnowsWhenItSendsIt() {
        // windows: the watermark is the window's end (the next event is later)
        PacketPlan windows = PacketPlan.of("s", at(1000, 1050, 1210, 1450), 100, 100);
        assertThat(windows.watermarkOffsetUs(0)).isEqualTo(100);
        assertThat(windows.watermarkOffsetUs(1)).isEqualTo(300);
        assertThat(windows.watermarkOffsetUs(2)).as("the end of the sample").isEqualTo(451);
        assertThat(windows.firstEventOffsetUs(1)).isEqualTo(210);
        // a split at a time shared by the next packet's first event: the watermark may not pass it
        PacketPlan split = PacketPlan.of("s", at(0, 10, 10, 10, 40), 1000, 2);
        assertThat(split.endOffsetUs(0)).isEqualTo(11);
        assertThat(split.watermarkOffsetUs(0)).isEqualTo(10);
        assertThat(split.watermarkOffsetUs(1)).isEqualTo(11);
        for (PacketPlan plan : new PacketPlan[] {windows, split}) {
            for (int i = 0; i + 1 < plan.packets(); i++) {
                assertThat(plan.watermarkOffsetUs(i)).isLessThanOrEqualTo(plan.firstEventOffsetUs(i + 1))
                        .isLessThanOrEqualTo(plan.endOffsetUs(i));
            }
        }
    }

    @Test
    void refusesTimeGoingBackwards() {
        assertThatThrownBy(() -> PacketPlan.of("Train/3/00001.bin", at(0, 50, 40), 1000, 10))
                .isInstanceOf(EventDataException.class)
                .hasMessageContaining("Train/3/00001.bin").hasMessageContaining("event 2");
    }
}
