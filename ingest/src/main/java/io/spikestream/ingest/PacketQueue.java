package io.spikestream.ingest;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded queue between one source and the sender. When it is full (Kafka slower than the
 * camera) the source's {@link Overflow} policy applies: {@code BLOCK} makes the source wait,
 * {@code DROP_OLDEST} discards the oldest packet and counts it and its events. Never silent.
 */
final class PacketQueue implements Packetizer.Sink {
    private final int capacity;
    private final Overflow policy;
    private final SourceStats stats;
    private final Runnable wakeSender;
    private final ArrayDeque<OutPacket> queue;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notFull = lock.newCondition();
    private boolean closed;
    private boolean abandoned;

    PacketQueue(int capacity, Overflow policy, SourceStats stats, Runnable wakeSender) {
        this.capacity = capacity;
        this.policy = policy;
        this.stats = stats;
        this.wakeSender = wakeSender;
        this.queue = new ArrayDeque<>(Math.min(capacity, 1024));
    }

    /**
     * Queues a packet; under {@code BLOCK} waits for room. After {@link #abandon()} the packet is
     * counted as dropped instead.
     */
    @Override
    public void put(OutPacket p) throws InterruptedException {
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("queue of " + p.camera() + " is closed");
            }
            while (queue.size() >= capacity && !abandoned) {
                if (policy == Overflow.DROP_OLDEST) {
                    drop(queue.pollFirst());
                } else {
                    notFull.await(100, TimeUnit.MILLISECONDS);
                }
            }
            if (abandoned) {
                drop(p);
                return;
            }
            queue.addLast(p);
            stats.queueDepth = queue.size();
        } finally {
            lock.unlock();
        }
        wakeSender.run();
    }

    private void drop(OutPacket p) {
        stats.droppedPackets.incrementAndGet();
        stats.droppedEvents.addAndGet(p.events());
    }

    /** The oldest packet, or null when none is queued. */
    OutPacket poll() {
        lock.lock();
        try {
            OutPacket p = queue.pollFirst();
            if (p != null) {
                stats.queueDepth = queue.size();
                notFull.signal();
            }
            return p;
        } finally {
            lock.unlock();
        }
    }

    int size() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /** The source has finished: no more packets will come. */
    void close() {
        lock.lock();
        try {
            closed = true;
        } finally {
            lock.unlock();
        }
        wakeSender.run();
    }

    /** True when the source has finished and everything queued has been taken. */
    boolean drained() {
        lock.lock();
        try {
            return closed && queue.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /** Gives up on delivery (a stop that timed out): queued and future packets are counted as dropped. */
    void abandon() {
        lock.lock();
        try {
            abandoned = true;
            for (OutPacket p; (p = queue.pollFirst()) != null; ) {
                drop(p);
            }
            stats.queueDepth = 0;
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
