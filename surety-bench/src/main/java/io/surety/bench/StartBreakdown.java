package io.surety.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where one broker start spent its time, from two files the start wrote: the JVM's
 * {@code -Xlog:class+load} log (decorated with {@code uptimemillis,timemillis}) and the broker's own
 * log (logback's {@code yyyy-MM-dd'T'HH:mm:ss.SSS} timestamps). Every stage is given in milliseconds
 * after the launch of {@code bin/surety}, all on the wall clock.
 *
 * <p>A class's load time marks when the code first reached it: {@code io.surety.broker.Main} is the
 * end of JVM start-up, the first {@code io.netty} class the start of the listener, and so on.
 *
 * @param stages     what was reached and when, in launch order
 * @param classes    classes loaded until the broker served
 * @param fromArchive of those, how many came from a class-data-sharing archive
 */
record StartBreakdown(List<Stage> stages, int classes, int fromArchive) {

    /** One stage: {@code atMs} after the launch. */
    record Stage(String name, long atMs) {
    }

    private static final Pattern CLASS_LINE = Pattern.compile("^\\[(\\d+)ms]\\[(\\d+)ms] (\\S+) source: (.*)$");
    private static final Pattern LOG_LINE = Pattern.compile("^(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}) .*");

    static StartBreakdown read(Path classLog, Path brokerLog, long launchedAtMs) throws IOException {
        return parse(Files.readAllLines(classLog), Files.readAllLines(brokerLog), launchedAtMs, ZoneId.systemDefault());
    }

    static StartBreakdown parse(List<String> classLines, List<String> logLines, long launchedAtMs, ZoneId zone) {
        List<Stage> stages = new ArrayList<>();
        List<LoadedClass> loaded = new ArrayList<>();
        for (String line : classLines) {
            Matcher m = CLASS_LINE.matcher(line);
            if (m.matches()) {
                loaded.add(new LoadedClass(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), m.group(3),
                        m.group(4).startsWith("shared objects file")));
            }
        }
        if (!loaded.isEmpty()) {
            LoadedClass first = loaded.get(0);
            stages.add(new Stage("JVM created (bash launcher and build check before it)", first.wallMs - first.uptimeMs - launchedAtMs));
            stages.add(new Stage("first class loaded", first.wallMs - launchedAtMs));
        }
        firstClass(loaded, name -> name.equals("io.surety.broker.Main"), "main class loaded", launchedAtMs, stages);
        firstClass(loaded, name -> name.startsWith("ch.qos.logback."), "logback starts", launchedAtMs, stages);
        firstClass(loaded, name -> name.equals("io.surety.broker.SuretyBroker"), "configuration parsed, broker starts",
                launchedAtMs, stages);
        firstClass(loaded, name -> name.startsWith("io.surety.broker.coordinator."), "coordinator opens", launchedAtMs, stages);
        firstClass(loaded, name -> name.startsWith("io.netty."), "Netty starts", launchedAtMs, stages);
        firstClass(loaded, name -> name.startsWith("io.surety.broker.api.ApiDispatcher"), "API handlers built", launchedAtMs, stages);
        logLine(logLines, "Loaded ", "partitions", "log line: partitions loaded", launchedAtMs, zone, stages);
        logLine(logLines, "GroupCoordinator - Loaded", "", "log line: coordinator loaded", launchedAtMs, zone, stages);
        long servingAtMs = logLine(logLines, "serving on", "", "log line: serving", launchedAtMs, zone, stages);
        firstClass(loaded, name -> name.startsWith("org.apache.kafka.common.message.Produce"), "first produce decoded",
                launchedAtMs, stages);
        stages.sort(Comparator.comparingLong(Stage::atMs));
        long until = servingAtMs < 0 ? Long.MAX_VALUE : servingAtMs + launchedAtMs;
        int classes = (int) loaded.stream().filter(c -> c.wallMs <= until).count();
        int fromArchive = (int) loaded.stream().filter(c -> c.wallMs <= until && c.fromArchive).count();
        return new StartBreakdown(List.copyOf(stages), classes, fromArchive);
    }

    String describe() {
        StringBuilder out = new StringBuilder();
        for (Stage stage : stages) {
            out.append(String.format(Locale.ROOT, "  %6d ms  %s%n", stage.atMs(), stage.name()));
        }
        out.append(String.format(Locale.ROOT, "  %d classes loaded until serving, %d of them from a CDS archive",
                classes, fromArchive));
        return out.toString();
    }

    private static void firstClass(List<LoadedClass> loaded, Predicate<String> match, String name, long launchedAtMs,
            List<Stage> stages) {
        loaded.stream().filter(c -> match.test(c.name)).findFirst()
                .ifPresent(c -> stages.add(new Stage(name, c.wallMs - launchedAtMs)));
    }

    /** Adds the first log line containing both strings as a stage; returns its time, or -1. */
    private static long logLine(List<String> lines, String contains, String alsoContains, String name, long launchedAtMs,
            ZoneId zone, List<Stage> stages) {
        for (String line : lines) {
            Matcher m = LOG_LINE.matcher(line);
            if (m.matches() && line.contains(contains) && line.contains(alsoContains)) {
                long wallMs = LocalDateTime.parse(m.group(1)).atZone(zone).toInstant().toEpochMilli();
                stages.add(new Stage(name, wallMs - launchedAtMs));
                return wallMs - launchedAtMs;
            }
        }
        return -1;
    }

    private record LoadedClass(long wallMs, long uptimeMs, String name, boolean fromArchive) {
    }
}
