package io.surety.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.surety.harness.FreePorts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The container image (built by {@code src/image/build-image.sh}, an OCI image layout in a tar)
 * as a container runtime would see it, without one: its configuration read from the layout, its
 * layers extracted in order into a root file system, its entrypoint run under {@code chroot} as its
 * user with its environment and {@code /proc} mounted, then produced to, read from and stopped with
 * SIGTERM. Needs root (chroot, mount, mknod) and the image, whose path {@code surety.image} names;
 * {@code .ci/run} builds it and runs this test. Without either, the test says so and is skipped.
 */
class ContainerImageIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldRunTheImagesEntrypointAsItsUserAndServeTheClients() throws Exception {
        String image = System.getProperty("surety.image", "");
        Assumptions.assumeTrue(!image.isEmpty() && Files.isRegularFile(Path.of(image)),
                "no container image given (-Dsurety.image): .ci/run builds one with src/image/build-image.sh");
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "running an image under chroot needs root");
        Path dir = Files.createTempDirectory("surety-image");
        Path root = dir.resolve("rootfs");
        try {
            JsonNode config = unpack(Path.of(image), dir, root);
            checkConfig(config.path("config"));
            runContainer(config.path("config"), root);
        } finally {
            // Only once /proc is unmounted may the root file system be deleted.
            if (command("umount", root.resolve("proc").toString()).waitFor() == 0
                    || !isMountPoint(root.resolve("proc"))) {
                deleteRecursively(dir);
            }
        }
    }

    /** Extracts the image's layers in order into {@code root}; returns its configuration. */
    private static JsonNode unpack(Path image, Path dir, Path root) throws Exception {
        Path layout = Files.createDirectories(dir.resolve("layout"));
        assertThat(command("tar", "-xf", image.toString(), "-C", layout.toString()).waitFor()).isZero();
        JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
        JsonNode manifest = JSON.readTree(blob(layout, index.path("manifests").get(0)).toFile());
        Files.createDirectories(root);
        for (JsonNode layer : manifest.path("layers")) {
            assertThat(layer.path("mediaType").asText()).isEqualTo("application/vnd.oci.image.layer.v1.tar+gzip");
            assertThat(command("tar", "-xzf", blob(layout, layer).toString(), "-C", root.toString()).waitFor()).isZero();
        }
        return JSON.readTree(blob(layout, manifest.path("config")).toFile());
    }

    private static Path blob(Path layout, JsonNode descriptor) {
        return layout.resolve("blobs/sha256/" + descriptor.path("digest").asText().substring("sha256:".length()));
    }

    private static void checkConfig(JsonNode config) {
        assertThat(config.path("Entrypoint").toString()).isEqualTo("[\"/opt/surety/bin/surety-container\"]");
        assertThat(config.path("User").asText()).isEqualTo("1000:1000");
        assertThat(config.path("ExposedPorts").has("9092/tcp")).isTrue();
        assertThat(config.path("ExposedPorts").has("9464/tcp")).isTrue();
        assertThat(config.path("Volumes").has("/var/lib/surety")).isTrue();
        assertThat(config.path("WorkingDir").asText()).isEqualTo("/var/lib/surety");
        assertThat(config.path("StopSignal").asText()).isEqualTo("SIGTERM");
        assertThat(config.path("Healthcheck").path("Test").toString()).contains("ready");
        assertThat(env(config)).containsEntry("JAVA_HOME", "/opt/java");
        assertThat(config.path("Labels").path("org.opencontainers.image.revision").asText()).matches("[0-9a-f]{10}|unknown");
    }

    private void runContainer(JsonNode config, Path root) throws Exception {
        assertThat(root.resolve("opt/java/bin/java")).isExecutable();
        assertThat(Files.getAttribute(root.resolve("var/lib/surety"), "unix:uid")).as("the volume is the user's")
                .isEqualTo(1000);
        assertThat(Files.readString(root.resolve("etc/passwd"))).contains("surety:x:1000:1000:");
        // What a runtime provides: /proc, the basic devices and /dev/fd.
        assertThat(command("mount", "-t", "proc", "proc", root.resolve("proc").toString()).waitFor()).isZero();
        for (String[] device : List.of(new String[] {"null", "3"}, new String[] {"zero", "5"},
                new String[] {"random", "8"}, new String[] {"urandom", "9"})) {
            assertThat(command("mknod", "-m", "666", root.resolve("dev/" + device[0]).toString(), "c", "1", device[1])
                    .waitFor()).isZero();
        }
        Files.createSymbolicLink(root.resolve("dev/fd"), Path.of("/proc/self/fd"));

        List<Integer> ports = FreePorts.find(2);
        String bootstrap = "127.0.0.1:" + ports.get(0);
        Map<String, String> env = env(config);
        env.put("KAFKA_LISTENERS", "PLAINTEXT://" + bootstrap);
        env.put("KAFKA_ADVERTISED_LISTENERS", "PLAINTEXT://" + bootstrap);
        env.put("KAFKA_METRICS_PORT", String.valueOf(ports.get(1)));
        env.put("KAFKA_LOG_RETENTION_HOURS", "24");
        Path log = root.getParent().resolve("container.log");
        String user = config.path("User").asText();
        String entrypoint = "cd " + config.path("WorkingDir").asText() + " && exec " + String.join(" ",
                JSON.convertValue(config.path("Entrypoint"), String[].class));
        ProcessBuilder container = new ProcessBuilder("/usr/sbin/chroot", "--userspec=" + user, root.toString(),
                "/bin/bash", "-c", entrypoint).redirectErrorStream(true).redirectOutput(log.toFile());
        container.environment().clear();
        container.environment().putAll(env);
        Process process = container.start();
        try {
            await().atMost(Duration.ofSeconds(90)).until(() -> Files.readString(log).contains("Surety broker started")
                    || !process.isAlive());
            assertThat(Files.readString(log)).contains("Surety broker started", "listening on   " + bootstrap,
                    "data directory /var/lib/surety");
            List<String> healthcheck = new ArrayList<>(List.of("/usr/sbin/chroot", "--userspec=" + user, root.toString()));
            String[] test = JSON.convertValue(config.path("Healthcheck").path("Test"), String[].class);
            assertThat(test[0]).isEqualTo("CMD");
            healthcheck.addAll(List.of(test).subList(1, test.length));
            ProcessBuilder ready = new ProcessBuilder(healthcheck);
            ready.environment().clear();
            ready.environment().putAll(env);
            assertThat(ready.start().waitFor()).as("the healthcheck sees /ready answer 200").isZero();

            List<String> sent = IntStream.range(0, 100).mapToObj(i -> "container-" + i).toList();
            Clients.produce(bootstrap, "image", sent);
            assertThat(Clients.consume(bootstrap, "image", sent.size())).containsExactlyElementsOf(sent);
        } finally {
            process.destroy();
            assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("stopped within 10 s of SIGTERM").isTrue();
        }
        assertThat(Files.readString(log)).contains("Surety broker stopped");
        assertThat(root.resolve("var/lib/surety/.clean-shutdown")).exists();
        assertThat(Files.getAttribute(root.resolve("var/lib/surety/meta.properties"), "unix:uid")).isEqualTo(1000);
    }

    private static Map<String, String> env(JsonNode config) {
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode entry : config.path("Env")) {
            String text = entry.asText();
            env.put(text.substring(0, text.indexOf('=')), text.substring(text.indexOf('=') + 1));
        }
        return env;
    }

    private static boolean isMountPoint(Path path) throws IOException {
        return Files.readAllLines(Path.of("/proc/self/mounts"), StandardCharsets.UTF_8).stream()
                .anyMatch(line -> line.split(" ")[1].equals(path.toString()));
    }

    private static Process command(String... command) throws IOException {
        return new ProcessBuilder(command).inheritIO().start();
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }
}
