package io.surety.broker;

import static org.assertj.core.api.Assertions.assertThat;

import com.puppycrawl.tools.checkstyle.Checker;
import com.puppycrawl.tools.checkstyle.ConfigurationLoader;
import com.puppycrawl.tools.checkstyle.ConfigurationLoader.IgnoredModulesOptions;
import com.puppycrawl.tools.checkstyle.PropertiesExpander;
import com.puppycrawl.tools.checkstyle.api.AuditEvent;
import com.puppycrawl.tools.checkstyle.api.AuditListener;
import com.puppycrawl.tools.checkstyle.api.CheckstyleException;
import com.puppycrawl.tools.checkstyle.api.Configuration;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package layering rule's own test: Checkstyle, run through its API with the very
 * configuration `mvn verify` uses ({@code config/checkstyle}), must report the imports of the
 * fixtures under {@code layering-fixture/breaks} and nothing in {@code layering-fixture/keeps}.
 * The fixtures are test resources, never compiled. A rule that silently allowed everything would
 * pass the build; this test would not.
 */
class LayeringRuleTest {

    private static final Path CHECKSTYLE_DIR = Path.of(System.getProperty("surety.checkstyle.dir", "../config/checkstyle"));

    @Test
    void shouldReportEachImportThatPointsUpOrSidewaysWhenFixtureBreaksTheLayering() throws Exception {
        List<AuditEvent> violations = check(fixture("breaks"));

        assertThat(violations).extracting(event -> new File(event.getFileName()).getName() + ":" + event.getMessage())
                .containsExactlyInAnyOrder(
                        "SegmentReadsRequest.java:Disallowed import - io.surety.broker.api.ApiRequest.",
                        "SegmentSendsItself.java:Disallowed import - io.netty.buffer.ByteBuf.",
                        "MetricsReadsPartitions.java:Disallowed import - io.surety.broker.partition.Partition.",
                        "NetworkReadsTheLog.java:Disallowed import - io.surety.broker.log.Log.");
    }

    @Test
    void shouldReportNothingWhenFixtureUsesOnlyLowerLayersAndLeaves() throws Exception {
        assertThat(check(fixture("keeps"))).isEmpty();
    }

    /**
     * An unlisted package would fall to the root's rules, which allow every broker import: each
     * package of the broker must have its own entry.
     */
    @Test
    void shouldListEveryBrokerPackageWhenImportControlIsRead() throws IOException {
        Set<String> packages = new TreeSet<>();
        try (Stream<Path> dirs = Files.list(Path.of("src/main/java/io/surety/broker"))) {
            dirs.filter(Files::isDirectory).forEach(dir -> packages.add(dir.getFileName().toString()));
        }
        Set<String> listed = new TreeSet<>();
        Matcher subpackage = Pattern.compile("<subpackage name=\"([a-z]+)\"")
                .matcher(Files.readString(CHECKSTYLE_DIR.resolve("import-control.xml")));
        while (subpackage.find()) {
            listed.add(subpackage.group(1));
        }

        assertThat(packages).isNotEmpty();
        assertThat(listed).isEqualTo(packages);
    }

    private static List<File> fixture(String name) throws IOException, URISyntaxException {
        Path root = Path.of(LayeringRuleTest.class.getResource("/layering-fixture/" + name).toURI());
        try (Stream<Path> files = Files.walk(root)) {
            List<File> sources = files.filter(file -> file.toString().endsWith(".java")).map(Path::toFile).toList();
            assertThat(sources).isNotEmpty();
            return sources;
        }
    }

    private static List<AuditEvent> check(List<File> sources) throws CheckstyleException {
        Properties properties = new Properties();
        properties.setProperty("config_loc", CHECKSTYLE_DIR.toAbsolutePath().toString());
        Configuration configuration = ConfigurationLoader.loadConfiguration(
                CHECKSTYLE_DIR.resolve("checkstyle.xml").toString(), new PropertiesExpander(properties),
                IgnoredModulesOptions.OMIT);
        List<AuditEvent> violations = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        Checker checker = new Checker();
        try {
            checker.setModuleClassLoader(Checker.class.getClassLoader());
            checker.configure(configuration);
            checker.addListener(new Collector(violations, failures));
            int errors = checker.process(sources);
            assertThat(failures).isEmpty();
            assertThat(errors).isEqualTo(violations.size());
        } finally {
            checker.destroy();
        }
        return violations;
    }

    private record Collector(List<AuditEvent> violations, List<Throwable> failures) implements AuditListener {

        @Override
        public void auditStarted(AuditEvent event) {
        }

        @Override
        public void auditFinished(AuditEvent event) {
        }

        @Override
        public void fileStarted(AuditEvent event) {
        }

        @Override
        public void fileFinished(AuditEvent event) {
        }

        @Override
        public void addError(AuditEvent event) {
            violations.add(event);
        }

        @Override
        public void addException(AuditEvent event, Throwable throwable) {
            failures.add(throwable);
        }
    }
}
