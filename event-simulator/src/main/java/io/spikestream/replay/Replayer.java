package io.spikestream.replay;

import io.spikestream.events.PacketCodec;
import io.spikestream.events.ReplayMetadata;
import io.spikestream.topics.Topic;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;

/**
 * Replays recordings as live cameras onto a Kafka topic (key = camera id, value = a neuro.v1
 * EventPacket, built by {@link PacketCodec}). One thread serves all cameras from a queue ordered by due time, so the schedule
 * is open-loop: each packet's intended send time comes from the event timestamps and the
 * sample's scheduled start, and a slow send makes later packets late rather than later-scheduled.
 * How late they were is reported (and, downstream, counted in decision latency). Packets carry
 * watermarks, and a camera silent for the heartbeat interval within a sample sends a heartbeat
 * ({@link ReplayConfig}).
 */
public final class Replayer {
    /** Lead time between building the schedule and its first packet, so set-up is not lateness. */
    private static final long LEAD_NS = 50_000_000L;

    private Replayer() {
    }

    /** Replays with a new KafkaProducer built from {@code producer}; closes it at the end. */
    public static ReplayResult run(ReplayConfig config, SampleSource source, ProducerSettings producer,
                                   ReplayListener listener) throws InterruptedException {
        Topic<String, byte[]> topic = config.topic();
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(producer.toProperties(), topic.keySerializer(),
                topic.valueSerializer())) {
            return run(config, source, p, listener);
        }
    }

    /** Replays through the given producer (flushed, not closed). */
    public static ReplayResult run(ReplayConfig config, SampleSource source, Producer<String, byte[]> producer,
                                   ReplayListener listener) throws InterruptedException {
        if (source.samples().isEmpty()) {
            throw new IllegalArgumentException("nothing to replay: the data set has no samples");
        }
        try {
            // fetch the topic's metadata now: an unreachable broker or a missing topic fails here, and
            // the first packets are not made late by the metadata round trip
            producer.partitionsFor(config.topic().name());
        } catch (KafkaException e) {
            throw new ReplayException("topic " + config.topic() + ": " + e.getMessage(), e);
        }
        Histogram behind = new Histogram(3);
        AtomicReference<Exception> sendError = new AtomicReference<>();
        AtomicLong bytes = new AtomicLong();
        boolean max = config.maxSpeed();
        long origin = WallClock.nowNs() + LEAD_NS;
        long endNs = config.duration() == null ? Long.MAX_VALUE : origin + config.duration().toNanos();

        PriorityQueue<CameraCursor> queue = new PriorityQueue<>((a, b) -> Long.compare(a.dueNs(), b.dueNs()));
        Random stagger = new Random(config.seed() ^ 0x5DEECE66DL);
        for (int c = 0; c < config.cameras(); c++) {
            CameraCursor cam = new CameraCursor(c, config, source);
            if (cam.nextSample(0)) {
                // cameras do not start in lock-step: each starts at a random point of its first sample's span
                cam.sampleStartNs = config.cameras() == 1 ? 0
                        : (long) (stagger.nextDouble() * cam.scale(cam.plan.durationUs()));
                queue.add(cam);
            }
        }

        long packets = 0;
        long heartbeats = 0;
        long events = 0;
        long samples = 0;
        long lastIntended = origin;
        long lastActual = origin;
        long lastBehind = 0;
        long nextProgress = origin + 1_000_000_000L;
        long realStart = WallClock.nowNs();
        boolean stopped = false;
        while (!queue.isEmpty()) {
            if (listener.stopRequested()) {
                stopped = true;
                break;
            }
            Exception err = sendError.get();
            if (err != null) {
                throw new ReplayException("send to topic " + config.topic() + " failed: " + err.getMessage(), err);
            }
            CameraCursor cam = queue.peek();
            long intended;
            if (max) {
                intended = WallClock.nowNs();
            } else {
                intended = origin + cam.dueNs();
                // a stop request (Ctrl-C) ends a long wait (slow --speed, gaps) at once, before a send
                if (!WallClock.sleepUntil(intended, listener::stopRequested)) {
                    stopped = true;
                    break;
                }
            }
            queue.poll();
            if (cam.heartbeatDue()) {
                long due = cam.dueNs();
                int at = cam.plan.from(cam.packet);
                ReplayMetadata beat = ReplayMetadata.of(cam.sample.id(), cam.sample.hasLabel(), cam.sample.label(), false,
                        false, intended, WallClock.nowNs());
                byte[] value = PacketCodec.packet(cam.cameraId, cam.sequence++, cam.events(), at, at, beat,
                        cam.heartbeatWatermarkUs(due)).toByteArray();
                send(producer, config, cam.cameraId, value, sendError);
                bytes.addAndGet(value.length);
                heartbeats++;
                cam.lastSentNs = due;
                queue.add(cam);
                continue;
            }
            int p = cam.packet;
            int from = cam.plan.from(p);
            int to = cam.plan.to(p);
            boolean first = !cam.sampleStartSent;
            boolean last = p == cam.plan.packets() - 1;
            long actual = WallClock.nowNs();
            ReplayMetadata replay = ReplayMetadata.of(cam.sample.id(), cam.sample.hasLabel(), cam.sample.label(), first,
                    last, intended, actual);
            byte[] value = (config.watermarks()
                    ? PacketCodec.packet(cam.cameraId, cam.sequence++, cam.events(), from, to, replay, cam.packetWatermarkUs(p))
                    : PacketCodec.packet(cam.cameraId, cam.sequence++, cam.events(), from, to, replay)).toByteArray();
            cam.lastSentNs = cam.packetDueNs();
            if (first) {
                listener.sampleStarted(cam.cameraId, cam.sample, intended);
                cam.sampleStartSent = true;
            }
            send(producer, config, cam.cameraId, value, sendError);
            bytes.addAndGet(value.length);
            long late = max ? 0 : Math.max(0, actual - intended);
            behind.recordValue(late);
            lastBehind = late;
            packets++;
            events += to - from;
            lastIntended = Math.max(lastIntended, intended);
            lastActual = Math.max(lastActual, actual);
            if (last) {
                samples++;
                listener.sampleFinished(cam.cameraId, cam.sample, cam.plan.from(cam.plan.packets()), intended);
                long nextStart = cam.sampleStartNs + cam.scale(cam.plan.durationUs() + config.gapUs());
                boolean timeLeft = max ? WallClock.nowNs() < endNs : origin + nextStart < endNs;
                if (timeLeft && cam.nextSample(nextStart)) {
                    queue.add(cam);
                }
            } else {
                cam.packet++;
                queue.add(cam);
            }
            if (actual >= nextProgress) {
                nextProgress = actual + 1_000_000_000L;
                listener.progress(packets, events, (actual - origin) / 1e9, late / 1e6);
            }
        }
        producer.flush();
        Exception err = sendError.get();
        if (err != null) {
            throw new ReplayException("send to topic " + config.topic() + " failed: " + err.getMessage(), err);
        }
        long start = max ? realStart : origin;
        double scheduled = Math.max(1e-9, (lastIntended - start) / 1e9);
        double taken = Math.max(1e-9, (lastActual - start) / 1e9);
        return new ReplayResult(packets, heartbeats, events, samples, taken, config.cameras(),
                events / scheduled, events / taken,
                behind.getValueAtPercentile(50) / 1e6, behind.getValueAtPercentile(99) / 1e6,
                behind.getMaxValue() / 1e6, lastBehind / 1e6, bytes.get(), stopped);
    }

    private static void send(Producer<String, byte[]> producer, ReplayConfig config, String camera, byte[] value,
                             AtomicReference<Exception> sendError) {
        producer.send(new ProducerRecord<>(config.topic().name(), camera, value), (md, e) -> {
            if (e != null) {
                sendError.compareAndSet(null, e);
            }
        });
    }

    /** A send failed (broker unreachable, topic missing, record too large ...). */
    public static final class ReplayException extends RuntimeException {
        public ReplayException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
