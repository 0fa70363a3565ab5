package io.spikestream.stream;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on a Kafka Streams state directory for one application id, held while an instance
 * runs. Two instances sharing a state directory would share Kafka Streams' process id and task
 * directories (each would then overwrite the other's checkpoints), so the second one is refused with
 * an error naming the holder. The lock is the operating system's (released when the process dies, even
 * by SIGKILL); the file {@code .spikestream-<application id>.lock} stays and names the last holder.
 */
final class StateDirectoryLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private StateDirectoryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * @throws IllegalStateException when another instance (process, or app in this JVM) holds it
     * @throws UncheckedIOException  when the directory cannot be created or the lock file written
     */
    static StateDirectoryLock acquire(Path stateDir, String applicationId) {
        Path file = stateDir.resolve(".spikestream-" + applicationId.replaceAll("[^A-Za-z0-9._-]", "_") + ".lock");
        FileChannel ch;
        try {
            Files.createDirectories(stateDir);
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock the state directory " + stateDir + ": " + e.getMessage(), e);
        }
        try {
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException inThisJvm) {
                l = null;
            }
            if (l == null) {
                String holder = holder(ch);
                ch.close();
                throw new IllegalStateException("the state directory " + stateDir + " is in use by another instance of "
                        + "application " + applicationId + (holder.isEmpty() ? "" : " (" + holder + ")")
                        + "; give each instance its own state directory (--state-dir)");
            }
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(("process " + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            return new StateDirectoryLock(ch, l);
        } catch (IOException e) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // the original error is the one to report
            }
            throw new UncheckedIOException("cannot lock the state directory " + stateDir + ": " + e.getMessage(), e);
        }
    }

    private static String holder(FileChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(64);
        int n = ch.read(b, 0);
        return n <= 0 ? "" : new String(b.array(), 0, n, StandardCharsets.UTF_8).strip();
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // the lock goes with the channel or the process anyway
        }
    }
}
