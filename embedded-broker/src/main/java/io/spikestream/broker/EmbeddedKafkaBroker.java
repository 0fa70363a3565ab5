package io.spikestream.broker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller roles) running inside this
 * JVM on 127.0.0.1. Ports are free ones picked at start; all data lives in a temporary directory that
 * {@link #close()} deletes. Internal topics (offsets, transactions) have one replica, so transactions
 * and {@code exactly_once_v2} work against it.
 * <p>
 * Not a mock: this is the Kafka 4.x server from the {@code kafka_2.13} artifact, so what passes here
 * passes on a real cluster of one node.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final int START_ATTEMPTS = 3;
    private static final long READY_TIMEOUT_MS = 60_000;

    private final Path dir;
    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private final Admin admin;
    private Thread cleanupHook;
    private boolean closed;

    private EmbeddedKafkaBroker(Path dir, KafkaRaftServer server, String bootstrapServers) {
        this.dir = dir;
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
                int brokerPort = freePort();
                int controllerPort = freePort();
                Properties props = serverProperties(logDir, brokerPort, controllerPort, overrides);
                format(logDir, props);
                server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
                server.startup();
                EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dir, server, "127.0.0.1:" + brokerPort);
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
        p.put("auto.create.topics.enable", "true");
        p.put("log.flush.interval.messages", Long.toString(Long.MAX_VALUE));
        p.put("log.segment.bytes", Integer.toString(16 * 1024 * 1024));
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(2 * 1024 * 1024));
        p.putAll(overrides);
        return p;
    }

    /** Writes meta.properties and the bootstrap metadata, as {@code kafka-storage.sh format} does. */
    private static void format(Path logDir, Properties props) {
        try {
            Files.createDirectories(logDir);
            Path config = logDir.resolveSibling(logDir.getFileName() + ".properties");
            try (Writer w = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
                props.store(w, "embedded broker");
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int rc = StorageTool.execute(new String[] {"format", "--config", config.toString(),
                    "--cluster-id", Uuid.randomUuid().toString(), "--ignore-formatted"},
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

    /** The broker's data directory (removed on close). */
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

    /** Stops the broker and deletes its data directory. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeQuietly();
        deleteRecursively(dir);
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
