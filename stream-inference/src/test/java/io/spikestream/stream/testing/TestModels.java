package io.spikestream.stream.testing;

import io.spikestream.events.SensorGeometry;
import io.spikestream.snn.BnntModel;
import io.spikestream.snn.BnntParams;
import io.spikestream.snn.ModelSpec;
import io.spikestream.snn.framing.CountMode;
import io.spikestream.snn.framing.FramingSpec;
import java.util.List;

/** Small randomly initialised models: fast, deterministic, and good enough to check the plumbing. */
public final class TestModels {
    public static final SensorGeometry SENSOR = new SensorGeometry(16, 16);
    public static final long WINDOW_US = 1000;
    public static final int T = 6;

    private TestModels() {
    }

    /** 16×16 sensor → 8×8 binary frames of 1 ms, T = 6, c4-p2-f16, 4 classes. */
    public static BnntModel tiny() {
        return model(FramingSpec.timeWindow(SENSOR, WINDOW_US, 8, 8, CountMode.BINARY, 1), T, 7);
    }

    /** Event-count frames of 40 events, clipped counts. */
    public static BnntModel tinyEventCount() {
        return model(FramingSpec.eventCount(SENSOR, 40, 8, 8, CountMode.CLIPPED, 3), T, 11);
    }

    public static BnntModel model(FramingSpec framing, int timesteps, long seed) {
        ModelSpec spec = ModelSpec.of("c4-p2-f16", framing.frameShape(), timesteps, framing, List.of("a", "b", "c", "d"));
        return BnntModel.of(spec, BnntParams.init(spec, seed)).withModelId("tiny-" + seed);
    }
}
