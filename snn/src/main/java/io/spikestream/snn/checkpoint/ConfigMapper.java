package io.spikestream.snn.checkpoint;

import io.spikestream.events.SensorGeometry;
import io.spikestream.proto.v1.FramingPolicy;
import io.spikestream.proto.v1.LayerKind;
import io.spikestream.proto.v1.LayerSpec;
import io.spikestream.proto.v1.ModelConfig;
import io.spikestream.snn.AvgPool2;
import io.spikestream.snn.Conv3x3;
import io.spikestream.snn.Dense;
import io.spikestream.snn.InputShape;
import io.spikestream.snn.Layer;
import io.spikestream.snn.ModelSpec;
import io.spikestream.snn.framing.CountMode;
import io.spikestream.snn.framing.FrameMode;
import io.spikestream.snn.framing.FramingSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link ModelSpec} and {@link FramingSpec} ↔ {@code neuro.v1.ModelConfig} and {@code FramingPolicy}: the only
 * place that maps them. Reading validates through the domain constructors, so a config that maps
 * without error is one every engine accepts.
 */
final class ConfigMapper {
    private ConfigMapper() {
    }

    static ModelConfig toProto(ModelSpec spec) {
        InputShape in = spec.input();
        ModelConfig.Builder b = ModelConfig.newBuilder()
                .setArchitecture(spec.architecture())
                .setTimesteps(spec.timesteps())
                .setLeak(spec.leak())
                .setThreshold(spec.threshold())
                .setInput(ModelConfig.InputShape.newBuilder()
                        .setChannels(in.channels()).setHeight(in.height()).setWidth(in.width()))
                .setFraming(toProto(spec.framing()))
                .addAllClassNames(spec.classNames())
                .setBnEps(spec.bnEps())
                .setBnMomentum(spec.bnMomentum());
        for (Layer l : spec.layers()) {
            LayerSpec.Builder ls = LayerSpec.newBuilder();
            if (l instanceof Conv3x3 conv) {
                ls.setKind(LayerKind.LAYER_KIND_CONV3X3).setUnits(conv.outChannels());
            } else if (l instanceof Dense d) {
                ls.setKind(LayerKind.LAYER_KIND_FC).setUnits(d.units());
            } else {
                ls.setKind(LayerKind.LAYER_KIND_AVG_POOL2).setUnits(0);
            }
            b.addLayers(ls);
        }
        return b.build();
    }

    /** @throws IllegalArgumentException naming the field (and layer index) that is missing or inconsistent */
    static ModelSpec fromProto(ModelConfig c) {
        if (!c.hasInput()) {
            throw new IllegalArgumentException("model config: input shape missing");
        }
        if (!c.hasFraming()) {
            throw new IllegalArgumentException("model config: framing policy missing");
        }
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < c.getLayersCount(); i++) {
            LayerSpec ls = c.getLayers(i);
            int units = ls.getUnits();
            layers.add(switch (ls.getKind()) {
                case LAYER_KIND_CONV3X3 -> new Conv3x3(checkUnits(units, i));
                case LAYER_KIND_AVG_POOL2 -> new AvgPool2();
                case LAYER_KIND_FC -> new Dense(checkUnits(units, i));
                default -> throw new IllegalArgumentException("model config: layers[" + i + "].kind "
                        + ls.getKindValue() + " is not known");
            });
        }
        ModelConfig.InputShape in = c.getInput();
        return new ModelSpec(c.getArchitecture(), new InputShape(in.getChannels(), in.getHeight(), in.getWidth()),
                layers, c.getTimesteps(), c.getLeak(), c.getThreshold(), c.getBnEps(), c.getBnMomentum(),
                fromProto(c.getFraming()), c.getClassNamesList());
    }

    private static int checkUnits(int units, int i) {
        if (units < 1 || units > 65536) {
            throw new IllegalArgumentException("model config: layers[" + i + "].units " + Integer.toUnsignedString(units)
                    + " outside 1..65536");
        }
        return units;
    }

    static FramingPolicy toProto(FramingSpec f) {
        return FramingPolicy.newBuilder()
                .setMode(f.mode() == FrameMode.TIME_WINDOW ? FramingPolicy.FrameMode.FRAME_MODE_TIME_WINDOW
                        : FramingPolicy.FrameMode.FRAME_MODE_EVENT_COUNT)
                .setWindowUs(f.windowUs())
                .setEventsPerFrame(f.eventsPerFrame())
                .setSensorWidth(f.sensor().width())
                .setSensorHeight(f.sensor().height())
                .setFrameWidth(f.frameWidth())
                .setFrameHeight(f.frameHeight())
                .setCountMode(f.countMode() == CountMode.BINARY ? FramingPolicy.CountMode.COUNT_MODE_BINARY
                        : FramingPolicy.CountMode.COUNT_MODE_CLIPPED)
                .setClipMax(f.clipMax())
                .build();
    }

    /** @throws IllegalArgumentException naming the field when the policy is incomplete or inconsistent */
    static FramingSpec fromProto(FramingPolicy p) {
        FrameMode mode = switch (p.getMode()) {
            case FRAME_MODE_TIME_WINDOW -> FrameMode.TIME_WINDOW;
            case FRAME_MODE_EVENT_COUNT -> FrameMode.EVENT_COUNT;
            default -> throw new IllegalArgumentException("framing.mode " + p.getModeValue() + " is not known");
        };
        CountMode count = switch (p.getCountMode()) {
            case COUNT_MODE_BINARY -> CountMode.BINARY;
            case COUNT_MODE_CLIPPED -> CountMode.CLIPPED;
            default -> throw new IllegalArgumentException("framing.count_mode " + p.getCountModeValue() + " is not known");
        };
        if (p.getWindowUs() < 0 || p.getEventsPerFrame() < 0 || p.getClipMax() < 0) {
            throw new IllegalArgumentException("framing: window_us, events_per_frame or clip_max out of range");
        }
        SensorGeometry sensor = new SensorGeometry(p.getSensorWidth(), p.getSensorHeight());
        return new FramingSpec(mode, p.getWindowUs(), p.getEventsPerFrame(), sensor, p.getFrameWidth(),
                p.getFrameHeight(), count, p.getClipMax());
    }
}
