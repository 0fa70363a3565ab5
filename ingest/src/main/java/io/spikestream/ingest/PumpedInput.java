package io.spikestream.ingest;

import io.spikestream.events.io.LiveBytes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A blocking byte source (socket, pipe, standard input, followed file) turned into {@link LiveBytes}:
 * a pump thread reads it into a bounded ring, and the decoding thread takes what has arrived
 * ({@link #readNow}), waits for more ({@link #read}), or waits with a deadline ({@link #awaitData})
 * so that it can send heartbeats while the camera is quiet. When the ring is full the pump stops
 * reading, which slows a TCP sender or a pipe writer down in turn.
 */
final class PumpedInput implements LiveBytes, AutoCloseable {
    private static final int CHUNK = 64 << 10;

    private final String name;
    private final InputStream in;
    private final byte[] ring;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private final Thread pump;
    private int head;
    private int count;
    private boolean ended;
    private boolean closed;
    private IOException failure;

    PumpedInput(String name, InputStream in, int capacity) {
        this.name = name;
        this.in = in;
        this.ring = new byte[Math.max(capacity, CHUNK)];
        this.pump = new Thread(this::pump, "ingest-pump " + name);
        pump.setDaemon(true);
        pump.start();
    }

    private void pump() {
        byte[] chunk = new byte[CHUNK];
        try {
            while (true) {
                int r = in.read(chunk, 0, chunk.length);
                if (r < 0) {
                    break;
                }
                put(chunk, r);
            }
        } catch (IOException e) {
            lock.lock();
            try {
                if (!closed) {
                    failure = e;
                }
            } finally {
                lock.unlock();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.lock();
            try {
                ended = true;
                notEmpty.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private void put(byte[] b, int n) throws InterruptedException {
        int off = 0;
        lock.lock();
        try {
            while (off < n) {
                while (count == ring.length && !closed) {
                    notFull.await();
                }
                if (closed) {
                    return;
                }
                int tail = (head + count) % ring.length;
                int k = Math.min(n - off, Math.min(ring.length - count, ring.length - tail));
                System.arraycopy(b, off, ring, tail, k);
                count += k;
                off += k;
                notEmpty.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        lock.lock();
        try {
            while (count == 0 && !ended) {
                notEmpty.awaitUninterruptibly();
            }
            return take(dst);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int readNow(ByteBuffer dst) throws IOException {
        lock.lock();
        try {
            return take(dst);
        } finally {
            lock.unlock();
        }
    }

    /** Waits until bytes are there or the stream has ended, at most {@code nanos}. */
    void awaitData(long nanos) {
        lock.lock();
        try {
            long left = nanos;
            while (count == 0 && !ended && left > 0) {
                left = notEmpty.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    private int take(ByteBuffer dst) throws IOException {
        if (count == 0) {
            if (ended) {
                if (failure != null) {
                    IOException f = failure;
                    failure = null;
                    throw f;
                }
                return -1;
            }
            return 0;
        }
        int n = Math.min(count, dst.remaining());
        int first = Math.min(n, ring.length - head);
        dst.put(ring, head, first);
        if (n > first) {
            dst.put(ring, 0, n - first);
        }
        head = (head + n) % ring.length;
        count -= n;
        notFull.signal();
        return n;
    }

    /** True once the underlying stream has ended or failed (buffered bytes may remain). */
    boolean ended() {
        lock.lock();
        try {
            return ended;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String name() {
        return name;
    }

    /** Stops the pump and closes the underlying stream; readers see the end of the stream. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            in.close();
        } catch (IOException e) {
            // closing only ends the pump
        }
        pump.interrupt();
    }

    /** Waits for the pump thread to finish (after {@link #close()} or the end of the stream). */
    void join(long millis) throws InterruptedException {
        pump.join(millis);
    }
}
