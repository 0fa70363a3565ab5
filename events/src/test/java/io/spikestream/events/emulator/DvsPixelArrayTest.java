package io.spikestream.events.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.spikestream.events.EventBatch;
import io.spikestream.events.EventBuffer;
import io.spikestream.events.SensorGeometry;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DvsPixelArrayTest {
    private static final SensorGeometry G = new SensorGeometry(8, 4);

    private static float[] uniform(SensorGeometry g, float v) {
        float[] f = new float[g.width() * g.height()];
        Arrays.fill(f, v);
        return f;
    }

    private static EventBatch stepOnce(DvsParams params, float from, float to, long stepUs) {
        DvsPixelArray a = new DvsPixelArray(PixelMismatch.sample(G, params, 1), 2);
        EventBuffer out = new EventBuffer(G);
        a.start(uniform(G, from), 0);
        a.step(uniform(G, to), stepUs, out);
        return out.toBatch();
    }

    @Test
    void stepOfKnownContrastGivesFloorOfContrastOverThresholdOnEvents() {
        // log intensity rises by 1.1 with threshold 0.2: 5 ON events per pixel, none OFF
        EventBatch b = stepOnce(DvsParams.ideal(0.2), 0f, 1.1f, 1_000);
        assertThat(b.size()).isEqualTo(5 * 32);
        for (int i = 0; i < b.size(); i++) {
            assertThat(b.on(i)).isTrue();
        }
        // linear interpolation: the k-th crossing of pixel (0, 0) at k * 0.2 / 1.1 of the step
        long[] times = timesOf(b, 0, 0);
        for (int k = 1; k <= 5; k++) {
            assertThat((double) times[k - 1]).isCloseTo(1_000 * k * 0.2 / 1.1, within(1.0));
        }
    }

    @Test
    void negativeStepGivesOffEvents() {
        EventBatch b = stepOnce(DvsParams.ideal(0.25), 0.5f, -0.3f, 1_000); // contrast -0.8: 3 OFF
        assertThat(b.size()).isEqualTo(3 * 32);
        for (int i = 0; i < b.size(); i++) {
            assertThat(b.on(i)).isFalse();
        }
    }

    @Test
    void changeBelowThresholdGivesNothing() {
        assertThat(stepOnce(DvsParams.ideal(0.2), 0f, 0.19f, 1_000).size()).isZero();
        assertThat(stepOnce(DvsParams.ideal(0.2), 0f, -0.19f, 1_000).size()).isZero();
    }

    @Test
    void firstOrderResponseTimesFollowTheExponential() {
        // the pixel approaches the new level with tau = 2 ms; crossing k at -tau ln(1 - 0.2k / 1.1)
        DvsParams p = DvsParams.ideal(0.2).withResponseTauUs(2_000);
        EventBatch b = stepOnce(p, 0f, 1.1f, 50_000);
        long[] times = timesOf(b, 3, 2);
        assertThat(times).hasSize(5);
        for (int k = 1; k <= 5; k++) {
            assertThat((double) times[k - 1]).isCloseTo(-2_000 * Math.log(1 - 0.2 * k / 1.1), within(1.0));
        }
    }

    @Test
    void refractoryPeriodSpacesEventsAndDropsSomeOfAFastChange() {
        DvsParams p = DvsParams.ideal(0.1).withRefractoryUs(300);
        EventBatch b = stepOnce(p, 0f, 2.0f, 2_000); // ideally 20 events per pixel within 2 ms
        long[] times = timesOf(b, 5, 1);
        assertThat(times.length).isBetween(2, 19);
        for (int i = 1; i < times.length; i++) {
            assertThat(times[i] - times[i - 1]).isGreaterThanOrEqualTo(300);
        }
    }

    @Test
    void refractoryPeriodCarriesOverStepBoundaries() {
        DvsParams p = DvsParams.ideal(0.1).withRefractoryUs(5_000);
        DvsPixelArray a = new DvsPixelArray(PixelMismatch.sample(G, p, 1), 2);
        EventBuffer out = new EventBuffer(G);
        a.start(uniform(G, 0f), 0);
        float level = 0f;
        for (long t = 1_000; t <= 20_000; t += 1_000) {
            level += 0.35f;
            a.step(uniform(G, level), t, out);
        }
        long[] times = timesOf(out.toBatch(), 0, 0);
        assertThat(times.length).isGreaterThan(2);
        for (int i = 1; i < times.length; i++) {
            assertThat(times[i] - times[i - 1]).isGreaterThanOrEqualTo(5_000);
        }
    }

    @Test
    void staticSceneGivesLeakEventsAtTheConfiguredRate() {
        int[] onOff = staticScene(5.0, 0.0);
        // every pixel's reference discharges at its own rate (log-normal spread): ON events only
        assertThat((double) onOff[0]).isCloseTo(lastExpectedLeak, within(0.03 * lastExpectedLeak));
        assertThat(onOff[1]).isZero();
    }

    @Test
    void staticSceneGivesShotNoiseAtTheConfiguredRateHalfOnHalfOff() {
        int[] onOff = staticScene(0.0, 3.0);
        double expected = 3.0 * 1024 * 4; // Poisson: sd about 110
        assertThat((double) onOff[0] + onOff[1]).isCloseTo(expected, within(0.03 * expected));
        assertThat((double) onOff[1]).isCloseTo(expected / 2, within(0.05 * expected / 2));
    }

    private double lastExpectedLeak;

    /** ON and OFF event counts of a 32×32 sensor looking at a still scene for 4 s. */
    private int[] staticScene(double leakHz, double shotHz) {
        SensorGeometry g = new SensorGeometry(32, 32);
        DvsParams p = DvsParams.defaults().withNoise(leakHz, shotHz);
        PixelMismatch sensor = PixelMismatch.sample(g, p, 7);
        DvsPixelArray a = new DvsPixelArray(sensor, 8);
        EventBuffer out = new EventBuffer(g);
        float[] scene = new float[g.width() * g.height()];
        for (int i = 0; i < scene.length; i++) {
            scene[i] = (float) Math.log(0.05 + (i % 17) / 17.0);
        }
        a.start(scene, 0);
        long duration = 4_000_000;
        for (long t = 10_000; t <= duration; t += 10_000) {
            a.step(scene, t, out);
        }
        lastExpectedLeak = sensor.meanLeakRateHz() * 1024 * (duration / 1e6);
        int on = 0;
        for (int i = 0; i < out.size(); i++) {
            on += out.on(i) ? 1 : 0;
        }
        return new int[] {on, out.size() - on};
    }

    @Test
    void noiselessStaticSceneIsSilent() {
        DvsParams p = DvsParams.defaults().withNoise(0, 0);
        DvsPixelArray a = new DvsPixelArray(PixelMismatch.sample(G, p, 1), 2);
        EventBuffer out = new EventBuffer(G);
        a.start(uniform(G, -1f), 0);
        for (long t = 1_000; t <= 100_000; t += 1_000) {
            a.step(uniform(G, -1f), t, out);
        }
        assertThat(out.size()).isZero();
    }

    @Test
    void timestampsAreSortedAndInsideTheRecording() {
        SensorGeometry g = new SensorGeometry(16, 16);
        DvsParams p = DvsParams.defaults().withNoise(20, 20);
        DvsPixelArray a = new DvsPixelArray(PixelMismatch.sample(g, p, 3), 4);
        EventBuffer out = new EventBuffer(g);
        float[] f = new float[256];
        a.start(f, 0);
        for (int s = 1; s <= 60; s++) {
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) (1.5 * Math.sin(0.3 * (i % 16) + 0.2 * s) * Math.cos(0.25 * (i / 16) - 0.1 * s));
            }
            a.step(f, s * 16_667L, out);
        }
        EventBatch b = out.toBatch();
        assertThat(b.size()).isGreaterThan(1000);
        for (int i = 1; i < b.size(); i++) {
            assertThat(b.t(i)).isGreaterThanOrEqualTo(b.t(i - 1));
        }
        assertThat(b.t(0)).isGreaterThanOrEqualTo(0);
        assertThat(b.t(b.size() - 1)).isLessThan(60 * 16_667L);
    }

    @Test
    void thresholdMismatchHasTheConfiguredSpread() {
        SensorGeometry g = new SensorGeometry(128, 128);
        PixelMismatch m = PixelMismatch.sample(g, DvsParams.defaults(), 5);
        double sum = 0;
        double sq = 0;
        for (int i = 0; i < 128 * 128; i++) {
            sum += m.onThreshold(i);
            sq += m.onThreshold(i) * (double) m.onThreshold(i);
        }
        double mean = sum / (128 * 128);
        double sd = Math.sqrt(sq / (128 * 128) - mean * mean);
        assertThat(mean).isCloseTo(0.2, within(0.002));
        assertThat(sd).isCloseTo(0.03, within(0.002));
    }

    @Test
    void sameSeedSameEventsOtherSeedOtherNoise() {
        DvsParams p = DvsParams.defaults().withNoise(50, 50);
        assertThat(run(p, 11)).isEqualTo(run(p, 11));
        assertThat(run(p, 11)).isNotEqualTo(run(p, 12));
    }

    @Test
    void rejectsMisuse() {
        DvsPixelArray a = new DvsPixelArray(PixelMismatch.sample(G, DvsParams.defaults(), 1), 2);
        EventBuffer out = new EventBuffer(G);
        assertThatThrownBy(() -> a.step(uniform(G, 0), 10, out)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> a.start(new float[3], 0)).hasMessageContaining("frame of 3 values");
        a.start(uniform(G, 0), 100);
        assertThatThrownBy(() -> a.step(uniform(G, 0), 100, out)).hasMessageContaining("not after");
        assertThatThrownBy(() -> DvsParams.defaults().withThresholds(-1, 0.2, 0))
                .hasMessageContaining("onThreshold");
    }

    private static EventBatch run(DvsParams p, long noiseSeed) {
        DvsPixelArray a = new DvsPixelArray(PixelMismatch.sample(G, p, 1), noiseSeed);
        EventBuffer out = new EventBuffer(G);
        a.start(uniform(G, 0), 0);
        for (int s = 1; s <= 20; s++) {
            a.step(uniform(G, (float) Math.sin(s)), s * 10_000L, out);
        }
        return out.toBatch();
    }

    private static long[] timesOf(EventBatch b, int x, int y) {
        return java.util.stream.IntStream.range(0, b.size()).filter(i -> b.x(i) == x && b.y(i) == y)
                .mapToLong(b::t).toArray();
    }
}
