package io.spikestream.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spikestream.events.SensorGeometry;
import io.spikestream.events.io.LiveReader;
import io.spikestream.events.io.RecordingFormat;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Source strings as users write them, and the clear refusals of the ones that cannot work. */
class SourceConfigTest {
    private static final SourceConfig.Defaults D = SourceConfig.Defaults.NONE;

    @Test
    void eachKindParsesWithItsDefaults() {
        SourceConfig dv = SourceConfig.parse("dv-tcp://127.0.0.1:7777", D);
        assertThat(dv.spec()).isEqualTo(new SourceSpec.DvTcp("127.0.0.1", 7777));
        assertThat(dv.overflow()).isEqualTo(Overflow.BLOCK);
        assertThat(dv.camera()).isEqualTo("dv-127.0.0.1-7777");
        assertThat(dv.geometry()).isNull();

        SourceConfig ae = SourceConfig.parse("udp://0.0.0.0:3333?format=aestream&geometry=640x480&camera=front", D);
        assertThat(ae.spec()).isEqualTo(new SourceSpec.Udp("0.0.0.0", 3333, SourceSpec.UdpFormat.AESTREAM, LiveReader.AddressLayout.DVS128));
        assertThat(ae.overflow()).isEqualTo(Overflow.DROP_OLDEST);
        assertThat(ae.geometry()).isEqualTo(new SensorGeometry(640, 480));
        assertThat(ae.camera()).isEqualTo("front");

        SourceConfig jaer = SourceConfig.parse("udp://127.0.0.1:8991?format=jaer&chip=davis346&overflow=block", D);
        assertThat(((SourceSpec.Udp) jaer.spec()).layout()).isEqualTo(LiveReader.AddressLayout.DAVIS346);
        assertThat(jaer.overflow()).isEqualTo(Overflow.BLOCK);

        SourceConfig stdin = SourceConfig.parse("-", new SourceConfig.Defaults("cam-1", null, RecordingFormat.EVT3, false, null));
        assertThat(stdin.spec()).isEqualTo(new SourceSpec.ByteStream(null, RecordingFormat.EVT3, false));
        assertThat(stdin.camera()).isEqualTo("cam-1");

        SourceConfig file = SourceConfig.parse("file:/tmp/rec.raw?format=evt2&follow=true", D);
        assertThat(file.spec()).isEqualTo(new SourceSpec.ByteStream(Path.of("/tmp/rec.raw"), RecordingFormat.EVT2, true));
        assertThat(file.camera()).isEqualTo("rec.raw");
    }

    @Test
    void unworkableSourcesAreRefusedWithTheReason() {
        assertThatThrownBy(() -> SourceConfig.parse("udp://h:1", D)).hasMessageContaining("?format=aestream or ?format=jaer");
        assertThatThrownBy(() -> SourceConfig.parse("udp://h:1?format=aestream", D)).hasMessageContaining("give --geometry");
        assertThatThrownBy(() -> SourceConfig.parse("-", D)).hasMessageContaining("standard input needs --format");
        assertThatThrownBy(() -> SourceConfig.parse("file:x?format=nmnist", D)).hasMessageContaining("cannot be read live");
        assertThatThrownBy(() -> SourceConfig.parse("tcp://h:1", D)).hasMessageContaining("expected dv-tcp://HOST:PORT");
        assertThatThrownBy(() -> SourceConfig.parse("dv-tcp://h:99999", D)).hasMessageContaining("outside 1..65535");
        assertThatThrownBy(() -> SourceConfig.parse("dv-tcp://h:1?colour=red", D)).hasMessageContaining("unknown parameter(s) [colour]");
        assertThatThrownBy(() -> SourceConfig.parse("udp://h:1?format=jaer&chip=davis999", D)).hasMessageContaining("jAER chip 'davis999'");
        assertThatThrownBy(() -> IngestConfig.builder().source(SourceConfig.parse("dv-tcp://h:1?camera=a", D))
                .source(SourceConfig.parse("dv-tcp://h:2?camera=a", D)).build()).hasMessageContaining("camera id 'a' is given to two sources");
    }
}
