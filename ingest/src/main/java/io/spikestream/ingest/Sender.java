package io.spikestream.ingest;

import io.spikestream.topics.Topic;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread that takes packets from every source's queue, in turn, and hands them to the Kafka
 * producer (key = camera id). The broker's acknowledgement counts a packet's events as out; a send
 * that fails after the producer's retries counts them as failed, with the error. When Kafka is slow,
 * {@code send} blocks here, the queues fill, and each source's overflow policy decides.
 */
final class Sender implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Sender.class);
    private static final int BATCH = 64;

    private final Producer<String, byte[]> producer;
    private final String topic;
    private final List<PacketQueue> queues;
    private volatile Thread thread;
    private volatile boolean abandon;

    Sender(Producer<String, byte[]> producer, Topic<String, byte[]> topic, List<PacketQueue> queues) {
        this.producer = producer;
        this.topic = topic.name();
        this.queues = queues;
    }

    /** Wakes the sender: a packet was queued. */
    void wake() {
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** Stops sending: whatever is still queued stays undelivered (the queues count it). */
    void abandon() {
        abandon = true;
        wake();
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        while (!abandon) {
            int sent = 0;
            boolean allDrained = true;
            for (PacketQueue q : queues) {
                for (int k = 0; k < BATCH; k++) {
                    OutPacket p = q.poll();
                    if (p == null) {
                        break;
                    }
                    send(p);
                    sent++;
                }
                allDrained &= q.drained();
            }
            if (allDrained) {
                break;
            }
            if (sent == 0) {
                LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(1));
            }
        }
        if (!abandon) {
            producer.flush();
        }
    }

    private void send(OutPacket p) {
        SourceStats s = p.stats();
        try {
            producer.send(new ProducerRecord<>(topic, p.camera(), p.value()), (md, e) -> {
                if (e == null) {
                    s.packetsOut.increment();
                    s.eventsOut.add(p.events());
                    s.bytesOut.add(p.value().length);
                } else {
                    failed(p, e);
                }
            });
        } catch (RuntimeException e) {
            failed(p, e);
        }
    }

    private static void failed(OutPacket p, Exception e) {
        SourceStats s = p.stats();
        s.failedPackets.increment();
        s.failedEvents.add(p.events());
        s.error("send of packet " + p.sequence() + " failed: " + e.getMessage());
        LOG.warn("{}: send of packet {} failed: {}", p.camera(), p.sequence(), e.toString());
    }
}
