package io.spikestream.app.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C and SIGTERM for long-running commands (serve, broker, replay). The JVM's shutdown hook only
 * raises the signal and then waits, at most {@code grace}, until the command has closed what it
 * runs ({@link #close()}): the cleanup happens once, on the command's own thread, in its
 * try-with-resources, whether the command ended by itself or was stopped. The JVM exits with 143
 * after a SIGTERM, its convention, once the hook returns.
 */
public final class ShutdownSignal implements AutoCloseable {
    private final CountDownLatch requested = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;

    private ShutdownSignal(String name, Duration grace) {
        hook = new Thread(() -> {
            requested.countDown();
            try {
                finished.await(grace.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name + "-shutdown");
    }

    /** Installs the hook; {@code grace} bounds how long a stop waits for the command's cleanup. */
    public static ShutdownSignal install(String name, Duration grace) {
        ShutdownSignal s = new ShutdownSignal(name, grace);
        Runtime.getRuntime().addShutdownHook(s.hook);
        return s;
    }

    /** True once a stop was requested. */
    public boolean requested() {
        return requested.getCount() == 0;
    }

    /** Waits until a stop is requested or {@code timeout} passes; true when stopped. */
    public boolean await(Duration timeout) throws InterruptedException {
        return requested.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Waits until a stop is requested. */
    public void await() throws InterruptedException {
        requested.await();
    }

    /** The command is done: a waiting hook may let the JVM exit; a hook not yet run is removed. */
    @Override
    public void close() {
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running (or has run): it returns now that the command is done
        }
    }
}
