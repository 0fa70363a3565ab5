package io.spikestream.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.spikestream.events.EventBatch;
import io.spikestream.events.dataset.DatasetKind;
import io.spikestream.events.testing.SharedData;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** Real-time pacing on real N-MNIST recordings: the achieved rate is the recordings' own rate. */
class RecordingPacingTest {

    @Test
    void realTimeReplayOfNmnistKeepsTheRecordingsRateWithinTwoPercent() throws Exception {
        RecordingSource source = RecordingSource.open(SharedData.require("data/nmnist-small"), DatasetKind.AUTO);
        assertThat(source.samples()).hasSize(1000);
        assertThat(source.classNames()).hasSize(10);
        List<SampleRef> played = new ArrayList<>();
        // 14 samples of ~300 ms: about 4 s of real time
        ReplayConfig c = ReplayConfig.builder().samplesPerCamera(14).seed(5).cameraPrefix("n-").build();
        MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(),
                new ByteArraySerializer());
        ReplayResult r = Replayer.run(c, source, producer, new ReplayListener() {
            @Override
            public void sampleStarted(String cameraId, SampleRef sample, long intendedNs) {
                played.add(sample);
            }
        });
        long events = 0;
        long spanUs = 0;
        for (SampleRef s : played) {
            EventBatch b = source.load(s);
            events += b.size();
            spanUs += b.t(b.size() - 1) - b.t(0) + 1;
        }
        double own = events / (spanUs / 1e6);
        assertThat(r.events()).isEqualTo(events);
        assertThat(r.seconds()).isGreaterThan(3.0);
        assertThat(r.offeredEventsPerS()).isCloseTo(own, within(own * 0.001));
        assertThat(r.achievedEventsPerS() / own).isCloseTo(1.0, within(0.02));
    }
}
