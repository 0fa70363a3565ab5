package io.spikestream.snn.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spikestream.events.SensorGeometry;
import io.spikestream.proto.v1.FramingPolicy;
import io.spikestream.proto.v1.LayerSpec;
import io.spikestream.snn.ModelSpec;
import io.spikestream.snn.TinyNets;
import io.spikestream.snn.framing.CountMode;
import io.spikestream.snn.framing.FramingSpec;
import org.junit.jupiter.api.Test;

class ConfigMapperTest {

    @Test
    void framingSpecRoundTripsThroughProto() {
        FramingSpec a = FramingSpec.eventCount(SensorGeometry.DVS128, 2000, 48, 32, CountMode.CLIPPED, 5);
        assertThat(ConfigMapper.fromProto(ConfigMapper.toProto(a))).isEqualTo(a);
        FramingSpec b = FramingSpec.timeWindow(SensorGeometry.NMNIST, 20_000, 34, 34, CountMode.BINARY, 1);
        assertThat(ConfigMapper.fromProto(ConfigMapper.toProto(b))).isEqualTo(b);
        assertThatThrownBy(() -> ConfigMapper.fromProto(FramingPolicy.getDefaultInstance()))
                .hasMessageContaining("framing.mode");
    }

    @Test
    void modelSpecRoundTripsThroughProto() {
        ModelSpec s = TinyNets.spec("c4-p2-c8-f16", 10, 12, 7, 3).withLeak(0.9f);
        assertThat(ConfigMapper.fromProto(ConfigMapper.toProto(s))).isEqualTo(s);
        assertThatThrownBy(() -> ConfigMapper.fromProto(ConfigMapper.toProto(s).toBuilder().setLayers(0,
                LayerSpec.newBuilder().setKindValue(9).setUnits(3)).build()))
                .hasMessageContaining("layers[0].kind");
    }
}
