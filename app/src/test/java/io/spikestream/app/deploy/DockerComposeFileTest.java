package io.spikestream.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.spikestream.app.SpikestreamCli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml cannot be run here (no Docker engine), so this checks what Compose itself
 * would reject and what would break at run time: the structure of the Compose specification,
 * references between services, health checks behind service_healthy, scale-out, and that every
 * spikestream command line in it parses with the real CLI.
 */
class DockerComposeFileTest {
    private static final Set<String> SERVICE_KEYS = Set.of("image", "build", "command", "entrypoint", "environment",
            "volumes", "depends_on", "healthcheck", "restart", "profiles", "expose", "ports", "stop_grace_period");
    private static final Set<String> CONDITIONS = Set.of("service_started", "service_healthy",
            "service_completed_successfully");

    static Path root;
    static Map<String, Object> compose;
    static Map<String, Map<String, Object>> services;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() throws IOException {
        Path dir = Path.of("").toAbsolutePath();
        while (!Files.exists(dir.resolve("docker-compose.yml"))) {
            dir = dir.getParent();
        }
        root = dir;
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        compose = new Yaml(options).load(Files.readString(root.resolve("docker-compose.yml")));
        services = (Map<String, Map<String, Object>>) compose.get("services");
    }

    @Test
    void topLevelFollowsTheComposeSpecification() {
        assertThat(compose.keySet()).allMatch(k -> Set.of("name", "services", "volumes", "networks").contains(k)
                || k.startsWith("x-"));
        assertThat(services).containsKeys("kafka", "serve", "bench");
        services.forEach((name, svc) -> {
            assertThat(SERVICE_KEYS).as(name + " keys").containsAll(svc.keySet());
            assertThat(svc.containsKey("image") || svc.containsKey("build")).as(name + " needs an image or a build").isTrue();
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void dependenciesExistAndHealthConditionsHaveHealthChecks() {
        services.forEach((name, svc) -> {
            Map<String, Map<String, String>> deps = (Map<String, Map<String, String>>) svc.getOrDefault("depends_on", Map.of());
            deps.forEach((dep, cond) -> {
                assertThat(services).as(name + " depends on " + dep).containsKey(dep);
                assertThat(CONDITIONS).contains(cond.get("condition"));
                if (cond.get("condition").equals("service_healthy")) {
                    assertThat(services.get(dep)).as(dep + " needs a healthcheck").containsKey("healthcheck");
                }
            });
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void namedVolumesAreDeclaredAndHostPathsExistOrAreDataDirs() {
        Map<String, Object> declared = (Map<String, Object>) compose.getOrDefault("volumes", Map.of());
        services.forEach((name, svc) -> ((List<String>) svc.getOrDefault("volumes", List.of())).forEach(v -> {
            String source = v.split(":")[0];
            if (!source.startsWith(".") && !source.startsWith("/") && !source.startsWith("$")) {
                assertThat(declared).as(name + " volume " + source).containsKey(source);
            }
        }));
        assertThat(root.resolve("models")).isDirectory();
    }

    @Test
    @SuppressWarnings("unchecked")
    void kafkaIsTheOfficialImageInKraftMode() {
        Map<String, Object> kafka = services.get("kafka");
        assertThat((String) kafka.get("image")).startsWith("apache/kafka:");
        Map<String, Object> env = (Map<String, Object>) kafka.get("environment");
        assertThat(env.get("KAFKA_PROCESS_ROLES").toString()).contains("broker").contains("controller");
        assertThat(kafka).containsKey("healthcheck");
    }

    @Test
    void theStreamAppCanScaleOut() {
        Map<String, Object> serve = services.get("serve");
        // a fixed host port or container name would make `--scale serve=2` fail
        assertThat(serve).doesNotContainKeys("ports", "container_name");
        assertThat(serve).containsKey("healthcheck");
    }

    @Test
    @SuppressWarnings("unchecked")
    void everySpikestreamCommandLineParses() {
        services.forEach((name, svc) -> {
            if (svc.containsKey("build") && svc.get("command") instanceof List<?> cmd) {
                String[] args = ((List<Object>) cmd).stream().map(Object::toString).toArray(String[]::new);
                // parseArgs checks commands, options and their values without running anything
                SpikestreamCli.commandLine().parseArgs(args);
            }
        });
    }

    @Test
    void dockerfileCopiesEveryModulePom() throws IOException {
        String pom = Files.readString(root.resolve("pom.xml"));
        String dockerfile = Files.readString(root.resolve("Dockerfile"));
        Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(pom);
        int modules = 0;
        while (m.find()) {
            modules++;
            assertThat(dockerfile).contains("COPY " + m.group(1) + "/pom.xml");
        }
        assertThat(modules).isGreaterThan(5);
    }
}
