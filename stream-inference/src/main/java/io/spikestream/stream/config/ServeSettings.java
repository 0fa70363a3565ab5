package io.spikestream.stream.config;

import io.spikestream.stream.AppConfig;
import io.spikestream.topics.Guarantee;
import io.spikestream.topics.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * {@code spikestream serve} settings from three layers, later ones winning: a properties file, the
 * environment ({@code SPIKESTREAM_*}), and command-line flags. Keys:
 * <pre>
 * bootstrap.servers   application.id   model   threads   state.dir   idle.grace.ms   engine (sparse|dense)
 * guarantee (exactly-once|at-least-once)
 * topic.input   topic.output   topic.dead-letters
 * exit.confidence   exit.margin   exit.gamma-step   exit.min-steps   exit.disabled (true|false)
 * metrics.host   metrics.port (0 = any free port, -1 = no endpoint)
 * kafka.&lt;any Kafka Streams or client property&gt;   (passed through as is, e.g. kafka.security.protocol)
 * </pre>
 * The environment name of a key is {@code SPIKESTREAM_} + the key upper-cased with '.' and '-' as '_'
 * (SPIKESTREAM_BOOTSTRAP_SERVERS, SPIKESTREAM_EXIT_GAMMA_STEP); Kafka properties come from
 * {@code SPIKESTREAM_KAFKA_<NAME>} with '_' read as '.' (SPIKESTREAM_KAFKA_SASL_JAAS_CONFIG → sasl.jaas.config).
 *
 * @param app         the stream app config
 * @param model       checkpoint path
 * @param metricsHost where the Prometheus endpoint listens
 * @param metricsPort its port (0 any free one, -1 none)
 */
public record ServeSettings(AppConfig app, Path model, String metricsHost, int metricsPort) {

    /**
     * Where the metrics and health endpoint listens unless told otherwise: loopback, so that a host's
     * metrics are not open to its network by default (containers set 0.0.0.0 to be scraped).
     */
    public static final String DEFAULT_METRICS_HOST = "127.0.0.1";
    static final String KAFKA_PREFIX = "kafka.";
    static final String ENV_PREFIX = "SPIKESTREAM_";
    static final Set<String> KEYS = Set.of("bootstrap.servers", "application.id", "model", "threads", "state.dir",
            "idle.grace.ms", "engine", "guarantee", "topic.input", "topic.output", "topic.dead-letters", "exit.confidence",
            "exit.margin", "exit.gamma-step", "exit.min-steps", "exit.disabled", "metrics.host", "metrics.port");

    /** Thrown for a missing or malformed setting; names the key and where it came from. */
    public static final class SettingsException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        public SettingsException(String message) {
            super(message);
        }
    }

    /**
     * @param file  the properties file's entries (empty when there is none)
     * @param env   the environment
     * @param flags settings given on the command line, by key
     */
    public static ServeSettings resolve(Properties file, Map<String, String> env, Map<String, String> flags) {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> origin = new LinkedHashMap<>();
        Map<String, String> kafka = new LinkedHashMap<>();
        for (String name : file.stringPropertyNames()) {
            put(name, file.getProperty(name), "the properties file", values, origin, kafka);
        }
        for (Map.Entry<String, String> e : env.entrySet()) {
            String name = e.getKey();
            if (!name.startsWith(ENV_PREFIX)) {
                continue;
            }
            String rest = name.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT);
            if (rest.startsWith("kafka_")) {
                kafka.put(rest.substring("kafka_".length()).replace('_', '.'), e.getValue());
                continue;
            }
            for (String key : KEYS) {
                if (key.replace('.', '_').replace('-', '_').equals(rest)) {
                    values.put(key, e.getValue());
                    origin.put(key, "environment variable " + name);
                }
            }
        }
        for (Map.Entry<String, String> e : flags.entrySet()) {
            if (e.getValue() != null) {
                put(e.getKey(), e.getValue(), "the command line", values, origin, kafka);
            }
        }
        Reader r = new Reader(values, origin);
        String bootstrap = r.required("bootstrap.servers");
        Path model = Path.of(r.required("model"));
        AppConfig app = AppConfig.defaults(bootstrap)
                .withApplicationId(r.text("application.id", AppConfig.DEFAULT_APPLICATION_ID))
                .withTopics(Topics.named(r.text("topic.input", Topics.DEFAULT_EVENTS),
                        r.text("topic.output", Topics.DEFAULT_CLASSIFICATIONS),
                        r.text("topic.dead-letters", Topics.DEFAULT_DEAD_LETTERS)))
                .withThreads(r.integer("threads", 1, 1, 1024))
                .withIdleGrace(Duration.ofMillis(r.integer("idle.grace.ms", (int) AppConfig.DEFAULT_IDLE_GRACE.toMillis(), 1, Integer.MAX_VALUE)))
                .withEngine(r.engine())
                .withGuarantee(r.guarantee())
                .withExit(new AppConfig.ExitOverrides(r.fraction("exit.confidence"), r.fraction("exit.margin"),
                        values.containsKey("exit.gamma-step") ? r.integer("exit.gamma-step", 0, 0, 1 << 20) : null,
                        r.bool("exit.disabled"),
                        values.containsKey("exit.min-steps") ? r.integer("exit.min-steps", 1, 1, 1 << 20) : null))
                .withKafkaProperties(kafka);
        if (values.containsKey("state.dir")) {
            app = app.withStateDir(Path.of(values.get("state.dir")));
        }
        return new ServeSettings(app, model, r.text("metrics.host", DEFAULT_METRICS_HOST), r.integer("metrics.port", 9464, -1, 65535));
    }

    private static void put(String key, String value, String where, Map<String, String> values, Map<String, String> origin,
                            Map<String, String> kafka) {
        if (key.startsWith(KAFKA_PREFIX)) {
            String k = key.substring(KAFKA_PREFIX.length());
            if (k.isEmpty()) {
                throw new SettingsException("empty Kafka property name in " + where);
            }
            kafka.put(k, value);
        } else if (KEYS.contains(key)) {
            values.put(key, value.strip());
            origin.put(key, where + " (" + key + ")");
        } else {
            throw new SettingsException("unknown setting '" + key + "' in " + where
                    + "; Kafka client properties take the prefix '" + KAFKA_PREFIX + "'");
        }
    }

    private record Reader(Map<String, String> values, Map<String, String> origin) {
        String required(String key) {
            String v = values.get(key);
            if (v == null || v.isBlank()) {
                throw new SettingsException("missing setting " + key + " (flag, SPIKESTREAM_"
                        + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_') + " or the properties file)");
            }
            return v;
        }

        String text(String key, String dflt) {
            String v = values.get(key);
            return v == null || v.isBlank() ? dflt : v;
        }

        int integer(String key, int dflt, int min, int max) {
            String v = values.get(key);
            if (v == null) {
                return dflt;
            }
            try {
                int i = Integer.parseInt(v);
                if (i < min || i > max) {
                    throw new SettingsException(key + " = " + v + " from " + origin.get(key) + " outside " + min + ".." + max);
                }
                return i;
            } catch (NumberFormatException e) {
                throw new SettingsException(key + " = '" + v + "' from " + origin.get(key) + " is not an integer");
            }
        }

        Float fraction(String key) {
            String v = values.get(key);
            if (v == null) {
                return null;
            }
            try {
                float f = Float.parseFloat(v);
                if (!(f >= 0f && f <= 1f)) {
                    throw new SettingsException(key + " = " + v + " from " + origin.get(key) + " outside 0..1");
                }
                return f;
            } catch (NumberFormatException e) {
                throw new SettingsException(key + " = '" + v + "' from " + origin.get(key) + " is not a number");
            }
        }

        boolean bool(String key) {
            String v = values.get(key);
            if (v == null) {
                return false;
            }
            return switch (v.toLowerCase(Locale.ROOT)) {
                case "true", "yes", "1" -> true;
                case "false", "no", "0" -> false;
                default -> throw new SettingsException(key + " = '" + v + "' from " + origin.get(key) + " is not true or false");
            };
        }

        Guarantee guarantee() {
            String v = text("guarantee", Guarantee.EXACTLY_ONCE.text());
            try {
                return Guarantee.parse(v);
            } catch (IllegalArgumentException e) {
                throw new SettingsException(e.getMessage() + " (from " + origin.get("guarantee") + ")");
            }
        }

        AppConfig.EngineKind engine() {
            String v = text("engine", "sparse");
            return switch (v.toLowerCase(Locale.ROOT)) {
                case "sparse" -> AppConfig.EngineKind.SPARSE;
                case "dense" -> AppConfig.EngineKind.DENSE;
                default -> throw new SettingsException("engine = '" + v + "' from " + origin.get("engine") + ": expected sparse or dense");
            };
        }
    }
}
