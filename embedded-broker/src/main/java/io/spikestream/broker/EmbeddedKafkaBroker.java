package io.spikestream.broker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.server.util.FileLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller roles) running inside this
 * JVM on 127.0.0.1. By default ports are free ones picked at start and all data lives in a temporary
 * directory that {@link #close()} deletes; {@link #start(Path, int, Map)} keeps the data in a directory
 * of the caller's and reuses its ports, so that a restarted broker has the same address, topics,
 * committed offsets and transactions. Internal topics (offsets, transactions) have one replica, so
 * transactions and {@code exactly_once_v2} work against it.
 * <p>
 * Not a mock: this is the Kafka 4.x server from the {@code kafka_2.13} artifact, so what passes here
 * passes on a real cluster of one node.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final int START_ATTEMPTS = 3;
    private static final long READY_TIMEOUT_MS = 60_000;

    /** Ports and cluster id of a kept data directory, written there after the first start. */
    static final String STATE_FILE = "spikestream-broker.properties";
    /** The log directory inside a kept data directory. */
    static final String LOG_DIR = "kafka";
    /** Held while a broker uses a kept data directory. */
    static final String LOCK_FILE = "spikestream-broker.lock";

    private final Path dir;
    private final boolean keep;
    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private final Admin admin;
    private Thread cleanupHook;
    private FileLock lock;
    private boolean closed;

    private EmbeddedKafkaBroker(Path dir, boolean keep, KafkaRaftServer server, String bootstrapServers) {
        this.dir = dir;
        this.keep = keep;
        this.server = server;
        this.bootstrapServers = bootstrapServers;
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        this.admin = Admin.create(p);
    }

    /** Starts a broker with default settings and waits until it answers metadata requests. */
    public static EmbeddedKafkaBroker start() {
        return start(Map.of());
    }

    /**
     * Starts a broker; {@code overrides} are extra server properties (for example
     * {@code transaction.state.log.num.partitions}) applied over the defaults.
     */
    public static EmbeddedKafkaBroker start(Map<String, String> overrides) {
        return startTemporary(0, overrides);
    }

    /**
     * Starts a broker with its data in a temporary directory (deleted on close) on client port
     * {@code port}, or a free one when it is 0.
     */
    public static EmbeddedKafkaBroker startTemporary(int port, Map<String, String> overrides) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port " + port + " outside 0..65535");
        }
        if (port > 0) {
            requireFree(port, "client port");
        }
        Path dir;
        try {
            dir = Files.createTempDirectory("spikestream-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for the broker", e);
        }
        // a JVM stopped by a signal while the broker runs (or starts) still removes the data directory
        Thread earlyCleanup = new Thread(() -> deleteRecursively(dir), "embedded-kafka-cleanup");
        Runtime.getRuntime().addShutdownHook(earlyCleanup);
        RuntimeException last = null;
        // the free ports are found by binding and releasing them, so another process may grab one
        // before the broker binds it: retry with fresh ports and a fresh log directory
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            Path logDir = dir.resolve("attempt-" + attempt);
            KafkaRaftServer server = null;
            try {
                int brokerPort = port > 0 ? port : freePort();
                int controllerPort = freePort();
                Properties props = serverProperties(logDir, brokerPort, controllerPort, overrides);
                format(logDir, props, Uuid.randomUuid().toString());
                server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
                server.startup();
                EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dir, false, server, "127.0.0.1:" + brokerPort);
                broker.awaitReady();
                removeHook(earlyCleanup);
                broker.cleanupHook = new Thread(broker::close, "embedded-kafka-cleanup");
                Runtime.getRuntime().addShutdownHook(broker.cleanupHook);
                LOG.info("embedded Kafka broker at {} (data in {})", broker.bootstrapServers, dir);
                return broker;
            } catch (RuntimeException e) {
                last = e;
                LOG.warn("embedded Kafka broker failed to start (attempt {} of {}): {}", attempt, START_ATTEMPTS, e.toString());
                if (server != null) {
                    shutdownQuietly(server);
                }
            }
        }
        deleteRecursively(dir);
        removeHook(earlyCleanup);
        throw new IllegalStateException("embedded Kafka broker did not start after " + START_ATTEMPTS + " attempts", last);
    }

    /**
     * Starts a broker whose data lives in {@code dataDir} (created when missing, never deleted) and
     * waits until it answers. The first start formats the directory and records its ports there; later
     * starts reuse them, so clients find the broker at the same address after a restart.
     *
     * @param port the client port; 0 keeps the recorded one (or picks a free one the first time)
     * @throws IllegalStateException when the broker cannot start (a port in use, the directory in use by
     *                               another broker), naming the reason
     */
    public static EmbeddedKafkaBroker start(Path dataDir, int port, Map<String, String> overrides) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port " + port + " outside 0..65535");
        }
        Path dir = dataDir.toAbsolutePath();
        Path logDir = dir.resolve(LOG_DIR);
        Properties state = new Properties();
        Path stateFile = dir.resolve(STATE_FILE);
        try {
            Files.createDirectories(dir);
            if (Files.exists(stateFile)) {
                try (var r = Files.newBufferedReader(stateFile, StandardCharsets.UTF_8)) {
                    state.load(r);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use the broker data directory " + dir + ": " + e.getMessage(), e);
        }
        int brokerPort = port > 0 ? port : intOr(state, "broker.port", 0, stateFile);
        int controllerPort = intOr(state, "controller.port", 0, stateFile);
        brokerPort = brokerPort > 0 ? brokerPort : freePort();
        controllerPort = controllerPort > 0 ? controllerPort : freePort();
        String clusterId = state.getProperty("cluster.id", Uuid.randomUuid().toString());
        // Kafka halts the JVM when a listener cannot bind or the log directory is locked, so both are
        // checked here first and refused with an exception
        FileLock lock = lockDataDirectory(dir);
        requireFree(brokerPort, "client port");
        requireFree(controllerPort, "controller port (recorded in " + stateFile + ")");
        KafkaRaftServer server = null;
        try {
            Properties props = serverProperties(logDir, brokerPort, controllerPort, overrides);
            if (!Files.exists(logDir.resolve("meta.properties"))) {
                format(logDir, props, clusterId);
            }
            server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
            server.startup();
            EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dir, true, server, "127.0.0.1:" + brokerPort);
            broker.lock = lock;
            broker.awaitReady();
            state.setProperty("broker.port", Integer.toString(brokerPort));
            state.setProperty("controller.port", Integer.toString(controllerPort));
            state.setProperty("cluster.id", clusterId);
            try (Writer w = Files.newBufferedWriter(stateFile, StandardCharsets.UTF_8)) {
                state.store(w, "spikestream broker: the ports and cluster id of this data directory");
            }
            broker.cleanupHook = new Thread(broker::close, "embedded-kafka-shutdown");
            Runtime.getRuntime().addShutdownHook(broker.cleanupHook);
            LOG.info("embedded Kafka broker at {} (data kept in {})", broker.bootstrapServers, dir);
            return broker;
        } catch (IOException e) {
            if (server != null) {
                shutdownQuietly(server);
            }
            unlock(lock);
            throw new UncheckedIOException("cannot record the broker's ports in " + stateFile + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            if (server != null) {
                shutdownQuietly(server);
            }
            unlock(lock);
            throw new IllegalStateException("embedded Kafka broker on 127.0.0.1:" + brokerPort + " (controller "
                    + controllerPort + ", data in " + dir + ") did not start: " + rootMessage(e), e);
        }
    }

    private static int intOr(Properties p, String key, int dflt, Path file) {
        String v = p.getProperty(key);
        if (v == null) {
            return dflt;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalStateException(file + ": " + key + " = '" + v + "' is not a port number");
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + t + ")";
    }

    private static Properties serverProperties(Path logDir, int brokerPort, int controllerPort, Map<String, String> overrides) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        p.put("metadata.log.dir", logDir.toString());
        p.put("num.partitions", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("offsets.topic.replication.factor", "1");
        // few internal partitions: each costs start-up time and file handles on a laptop-sized node
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "5");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // a transaction left open by a killed producer blocks read_committed readers of its partitions
        // until the coordinator aborts it: look for timed-out transactions every second (Kafka: 10 s)
        p.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");
        p.put("auto.create.topics.enable", "true");
        p.put("log.flush.interval.messages", Long.toString(Long.MAX_VALUE));
        p.put("log.segment.bytes", Integer.toString(16 * 1024 * 1024));
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(2 * 1024 * 1024));
        p.putAll(overrides);
        return p;
    }

    /** Writes meta.properties and the bootstrap metadata, as {@code kafka-storage.sh format} does. */
    private static void format(Path logDir, Properties props, String clusterId) {
        try {
            Files.createDirectories(logDir);
            Path config = logDir.resolveSibling(logDir.getFileName() + ".properties");
            try (Writer w = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
                props.store(w, "embedded broker");
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int rc = StorageTool.execute(new String[] {"format", "--config", config.toString(),
                    "--cluster-id", clusterId, "--ignore-formatted"},
                    new PrintStream(out, true, StandardCharsets.UTF_8));
            if (rc != 0) {
                throw new IllegalStateException("formatting " + logDir + " failed (" + rc + "): " + out.toString(StandardCharsets.UTF_8).strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the broker's log directory " + logDir, e);
        }
    }

    private void awaitReady() {
        try {
            admin.describeCluster().nodes().get(READY_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly();
            throw new IllegalStateException("interrupted while waiting for the broker", e);
        } catch (ExecutionException | TimeoutException e) {
            closeQuietly();
            throw new IllegalStateException("broker at " + bootstrapServers + " did not answer within " + READY_TIMEOUT_MS + " ms", e);
        }
    }

    /** {@code host:port} for clients' {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The broker's data directory (removed on close unless it was given to {@link #start(Path, int, Map)}). */
    public Path dataDirectory() {
        return dir;
    }

    /** Creates a topic with one replica; an existing topic of that name is left as it is. */
    public void createTopic(String name, int partitions) {
        createTopic(name, partitions, Map.of());
    }

    /** As {@link #createTopic(String, int)} with topic configs (e.g. {@code message.timestamp.type}). */
    public void createTopic(String name, int partitions, Map<String, String> configs) {
        try {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs))).all()
                    .get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topic " + name + ": " + e.getCause(), e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + name, e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("creating topic " + name + " timed out", e);
        }
    }

    /** An admin client bound to this broker; owned by the broker, do not close it. */
    public Admin admin() {
        return admin;
    }

    /** Stops the broker and deletes its data directory unless it is a kept one. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeQuietly();
        if (lock != null) {
            unlock(lock);
        }
        if (!keep) {
            deleteRecursively(dir);
        }
        if (cleanupHook != null && Thread.currentThread() != cleanupHook) {
            removeHook(cleanupHook);
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is exiting and runs the hook anyway
        }
    }

    private void closeQuietly() {
        try {
            admin.close(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            LOG.debug("closing the admin client", e);
        }
        shutdownQuietly(server);
    }

    private static void shutdownQuietly(KafkaRaftServer server) {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            LOG.warn("embedded broker shutdown: {}", e.toString());
        }
    }

    /** So that two brokers never share a data directory (Kafka notices only after binding, then halts). */
    private static FileLock lockDataDirectory(Path dir) {
        try {
            FileLock l = new FileLock(dir.resolve(LOCK_FILE).toFile());
            if (!l.tryLock()) {
                l.unlockAndClose();
                throw new IllegalStateException("the broker data directory " + dir + " is in use by another broker");
            }
            return l;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock the broker data directory " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void unlock(FileLock l) {
        try {
            l.unlockAndClose();
        } catch (IOException e) {
            LOG.debug("unlocking {}", l.file(), e);
        }
    }

    /** @throws IllegalStateException naming the port when something listens on it */
    private static void requireFree(int port, String what) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
        } catch (IOException e) {
            throw new IllegalStateException("the broker's " + what + " 127.0.0.1:" + port + " is in use: " + e.getMessage());
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        }
    }

    static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    LOG.warn("cannot delete {}: {}", p, e.toString());
                }
            });
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", root, e.toString());
        }
    }
}
