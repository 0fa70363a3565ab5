package io.spikestream.replay;

import io.spikestream.events.EventBatch;
import io.spikestream.events.EventBuffer;
import io.spikestream.events.SensorGeometry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * One camera's position in its open-loop schedule: which sample it replays, which packet is next
 * and when that packet is due. Due times derive only from event timestamps and the sample's
 * scheduled start, never from when an earlier send finished. Within a sample, a camera that would
 * stay silent for longer than the heartbeat interval sends a heartbeat first (an empty packet whose
 * watermark is the event time reached on the schedule).
 */
final class CameraCursor {
    final int index;
    final String cameraId;
    private final ReplayConfig config;
    private final SampleSource source;
    private final List<SampleRef> all;
    private List<SampleRef> order = List.of();
    private int position;
    private int round = -1;
    private int started;
    private final EventBuffer buffer = new EventBuffer(new SensorGeometry(1, 1), 4096);

    SampleRef sample;
    PacketPlan plan;
    int packet;
    long sequence;
    /** Virtual schedule (ns since the run's origin at speed 1 × 1/speed) of the current sample's start. */
    long sampleStartNs;
    boolean sampleStartSent;
    /** Virtual schedule time of this camera's last send (packet or heartbeat) within the current sample. */
    long lastSentNs;

    CameraCursor(int index, ReplayConfig config, SampleSource source) {
        this.index = index;
        this.cameraId = config.cameraId(index);
        this.config = config;
        this.source = source;
        this.all = source.samples();
    }

    EventBuffer events() {
        return buffer;
    }

    /** Due time of the next send (a packet, or a heartbeat before a long silence), ns after the origin. */
    long dueNs() {
        return heartbeatDue() ? lastSentNs + config.heartbeatNs() : packetDueNs();
    }

    /** Due time of the next packet, ns after the origin. */
    long packetDueNs() {
        return sampleStartNs + scale(plan.endOffsetUs(packet));
    }

    /** True when a heartbeat comes before the next packet: the camera has sent part of its sample and would be silent too long. */
    boolean heartbeatDue() {
        long interval = config.heartbeatNs();
        return interval > 0 && packet > 0 && packetDueNs() - lastSentNs > interval;
    }

    /** The watermark (sensor clock, µs) of a heartbeat due at {@code dueNs}: the schedule's event time then, at most the next packet's first event. */
    long heartbeatWatermarkUs(long dueNs) {
        long reached = (long) Math.floor((dueNs - sampleStartNs) * config.speed() / 1000.0);
        return buffer.t(0) + Math.min(reached, plan.firstEventOffsetUs(packet));
    }

    /** The watermark (sensor clock, µs) of packet {@code p} of the current sample. */
    long packetWatermarkUs(int p) {
        return buffer.t(0) + plan.watermarkOffsetUs(p);
    }

    long scale(long us) {
        return config.maxSpeed() ? us * 1000L : Math.round(us * 1000.0 / config.speed());
    }

    /**
     * Moves to the next non-empty sample starting at {@code startNs}; false when the camera is done
     * (its order is exhausted without --loop, its sample limit is reached, or a round had nothing to send).
     */
    boolean nextSample(long startNs) {
        int emptyInARow = 0;
        while (true) {
            if (config.samplesPerCamera() > 0 && started >= config.samplesPerCamera()) {
                return false;
            }
            if (position >= order.size()) {
                if (round >= 0 && !config.loop()) {
                    return false;
                }
                round++;
                order = orderFor(round);
                position = 0;
                if (order.isEmpty()) {
                    return false;
                }
            }
            SampleRef ref = order.get(position++);
            EventBatch batch = source.load(ref);
            if (batch.isEmpty()) {
                if (++emptyInARow > all.size()) {
                    return false;
                }
                continue;
            }
            buffer.reset(batch.geometry());
            batch.copyTo(buffer);
            sample = ref;
            plan = PacketPlan.of(ref.id(), batch, config.packetUs(), config.maxEventsPerPacket());
            packet = 0;
            sampleStartNs = startNs;
            sampleStartSent = false;
            lastSentNs = startNs;
            started++;
            return true;
        }
    }

    private List<SampleRef> orderFor(int r) {
        List<SampleRef> shuffled = new ArrayList<>(all);
        if (config.splitSamples()) {
            // one shared order per round; camera c takes every cameras-th sample from position c
            Collections.shuffle(shuffled, new Random(config.seed() + 1_000_003L * r));
            List<SampleRef> mine = new ArrayList<>();
            for (int i = index; i < shuffled.size(); i += config.cameras()) {
                mine.add(shuffled.get(i));
            }
            return mine;
        }
        Collections.shuffle(shuffled, new Random(config.seed() + index + 1_000_003L * r));
        return shuffled;
    }
}
