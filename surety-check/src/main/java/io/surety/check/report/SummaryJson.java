package io.surety.check.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.surety.check.result.CheckSummary;
import io.surety.check.result.FaultCounts;
import io.surety.check.result.FaultStatus;
import io.surety.check.result.FaultWindow;
import io.surety.check.result.GuaranteeResult;
import io.surety.check.result.Stall;
import io.surety.check.result.Timeline;
import io.surety.check.result.Verdict;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code summary.json}: a run's {@link CheckSummary} in a flat, stable shape other tools read.
 *
 * <pre>
 * {
 *   "version": 1,
 *   "target": "...", "startedAt": "...", "durationMs": 60000,
 *   "complete": true, "note": null, "passed": false, "faultsFailed": 0, "faultsSkipped": 0, "notRun": {},
 *   "faultCounts": {"injected": 0, "leaderOrControllerKills": 0, "failed": 0, "skipped": 0,
 *                   "byKind": {"leader-crash": 0, ...}},
 *   "guarantees": {
 *     "at-most-once": {"promise": "...", "sent": 0, "acknowledged": 0, "failed": 0, "delivered": 0,
 *                      "lost": 0, "lostUnacknowledged": 0, "duplicated": 0, "logDuplicates": 0,
 *                      "reordered": 0, "abortedReads": 0, "phantoms": 0, "offsetsSkipped": 0,
 *                      "verdict": "PASS", "violations": []},
 *     "at-least-once": {...}, "exactly-once": {...}
 *   },
 *   "faults": [{"name": "...", "startMs": 0, "endMs": 0, "status": "ran", "reason": null}],
 *   "timeline": {"bucketMs": 1000, "acknowledgedPerBucket": {"at-most-once": [0, ...]},
 *                "deliveredPerBucket": {...},
 *                "longestStalls": {"at-most-once": {"fromMs": 0, "toMs": 0, "durationMs": 0}, ...}}
 * }
 * </pre>
 *
 * Guarantees keep the order of {@link CheckSummary#results()}; {@code timeline} is null when the run
 * recorded none. A fault's {@code status} is "ran", "failed" or "skipped", its {@code reason} says
 * why it failed or was skipped (null when it ran); {@code faultsFailed} and {@code faultsSkipped}
 * count them. {@code faultCounts} counts the faults again by what became of them and, for those that
 * ran, by kind ({@code --faults} names, in their order; "other" for a name no kind gives), with the
 * kills of a node leading a partition, the metadata quorum or the coordinator quorum apart; it is
 * derived from {@code faults}, so reading a summary back does not need it. Fields are only ever added, never renamed: {@code version} changes if one ever is.
 */
public final class SummaryJson {

    /** The name the report directory gives the file. */
    public static final String FILE_NAME = "summary.json";

    /** Bumped only on an incompatible change of the shape. */
    public static final int VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private SummaryJson() {
    }

    /** The summary as a JSON tree in the shape above. */
    public static ObjectNode toTree(CheckSummary summary) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", VERSION);
        root.put("target", summary.target());
        root.put("startedAt", summary.startedAt());
        root.put("durationMs", summary.durationMs());
        root.put("complete", summary.complete());
        root.put("note", summary.note());
        root.put("passed", summary.passed());
        root.put("faultsFailed", summary.faultsFailed());
        root.put("faultsSkipped", summary.faultsSkipped());
        FaultCounts counts = summary.faultCounts();
        ObjectNode faultCounts = root.putObject("faultCounts");
        faultCounts.put("injected", counts.injected());
        faultCounts.put("leaderOrControllerKills", counts.leaderOrControllerKills());
        faultCounts.put("failed", counts.failed());
        faultCounts.put("skipped", counts.skipped());
        ObjectNode byKind = faultCounts.putObject("byKind");
        counts.injectedByKind().forEach(byKind::put);
        ObjectNode notRun = root.putObject("notRun");
        summary.notRun().forEach(notRun::put);
        ObjectNode guarantees = root.putObject("guarantees");
        for (GuaranteeResult r : summary.results()) {
            ObjectNode g = guarantees.putObject(r.guarantee());
            g.put("promise", r.promise());
            g.put("sent", r.sent());
            g.put("acknowledged", r.acknowledged());
            g.put("failed", r.failed());
            g.put("delivered", r.delivered());
            g.put("lost", r.lost());
            g.put("lostUnacknowledged", r.lostUnacknowledged());
            g.put("duplicated", r.duplicated());
            g.put("logDuplicates", r.logDuplicates());
            g.put("reordered", r.reordered());
            g.put("abortedReads", r.abortedReads());
            g.put("phantoms", r.phantoms());
            g.put("offsetsSkipped", r.offsetsSkipped());
            g.put("verdict", r.verdict().outcome().name());
            ArrayNode violations = g.putArray("violations");
            r.verdict().violations().forEach(violations::add);
        }
        ArrayNode faults = root.putArray("faults");
        for (FaultWindow f : summary.faults()) {
            faults.addObject().put("name", f.name()).put("startMs", f.startMs()).put("endMs", f.endMs())
                    .put("status", f.status().label()).put("reason", f.reason());
        }
        Timeline timeline = summary.timeline();
        if (timeline == null) {
            root.putNull("timeline");
        } else {
            ObjectNode t = root.putObject("timeline");
            t.put("bucketMs", timeline.bucketMs());
            List<String> order = Guarantees.order(summary.results(), timeline);
            putSeries(t.putObject("acknowledgedPerBucket"), order, timeline.acknowledgedPerBucket());
            putSeries(t.putObject("deliveredPerBucket"), order, timeline.deliveredPerBucket());
            ObjectNode stalls = t.putObject("longestStalls");
            for (String guarantee : order) {
                Stall stall = timeline.longestStalls().get(guarantee);
                if (stall != null) {
                    stalls.putObject(guarantee).put("fromMs", stall.fromMs()).put("toMs", stall.toMs())
                            .put("durationMs", stall.durationMs());
                }
            }
        }
        return root;
    }

    private static void putSeries(ObjectNode node, List<String> order, Map<String, List<Long>> series) {
        for (String guarantee : order) {
            List<Long> counts = series.get(guarantee);
            if (counts != null) {
                ArrayNode array = node.putArray(guarantee);
                counts.forEach(array::add);
            }
        }
    }

    /** The summary as indented JSON text. */
    public static String toJson(CheckSummary summary) {
        try {
            return JSON.writeValueAsString(toTree(summary));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write summary as JSON", e);
        }
    }

    /** Writes {@code file}, replacing it if it exists. */
    public static Path write(CheckSummary summary, Path file) {
        try {
            Files.writeString(file, toJson(summary) + "\n");
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** Reads a file written by {@link #write}. */
    public static CheckSummary read(Path file) {
        try {
            return parse(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /**
     * Parses text in the shape above; unknown fields are ignored, missing counts read as 0, a fault
     * without a status (written before there was one) as one that ran.
     *
     * @throws IllegalArgumentException for text that is not a summary, or a fault status not known
     */
    public static CheckSummary parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a summary.json: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("not a summary.json: expected a JSON object");
        }
        List<GuaranteeResult> results = new ArrayList<>();
        root.path("guarantees").properties().forEach(e -> results.add(result(e.getKey(), e.getValue())));
        List<FaultWindow> faults = new ArrayList<>();
        for (JsonNode f : root.path("faults")) {
            FaultStatus status = FaultStatus.parse(f.path("status").asText(FaultStatus.RAN.label()));
            String reason = status == FaultStatus.RAN ? null : Objects.requireNonNullElse(text(f, "reason"), "");
            faults.add(new FaultWindow(text(f, "name"), f.path("startMs").asLong(), f.path("endMs").asLong(-1),
                    status, reason));
        }
        JsonNode t = root.path("timeline");
        Timeline timeline = t.isObject()
                ? new Timeline(t.path("bucketMs").asLong(), series(t.path("acknowledgedPerBucket")),
                        series(t.path("deliveredPerBucket")), stalls(t.path("longestStalls")))
                : null;
        Map<String, String> notRun = new LinkedHashMap<>();
        root.path("notRun").properties().forEach(e -> notRun.put(e.getKey(), e.getValue().asText()));
        return new CheckSummary(text(root, "target"), text(root, "startedAt"), root.path("durationMs").asLong(),
                root.path("complete").asBoolean(false), text(root, "note"), results, faults, timeline, notRun);
    }

    private static GuaranteeResult result(String guarantee, JsonNode g) {
        List<String> violations = new ArrayList<>();
        g.path("violations").forEach(v -> violations.add(v.asText()));
        Verdict.Outcome outcome = Verdict.Outcome.valueOf(g.path("verdict").asText(
                violations.isEmpty() ? "PASS" : "FAIL"));
        return new GuaranteeResult(guarantee, text(g, "promise"),
                g.path("sent").asLong(), g.path("acknowledged").asLong(), g.path("failed").asLong(),
                g.path("delivered").asLong(), g.path("lost").asLong(), g.path("lostUnacknowledged").asLong(),
                g.path("duplicated").asLong(), g.path("logDuplicates").asLong(), g.path("reordered").asLong(),
                g.path("abortedReads").asLong(), g.path("phantoms").asLong(), g.path("offsetsSkipped").asLong(),
                new Verdict(outcome, violations));
    }

    private static Map<String, Stall> stalls(JsonNode node) {
        Map<String, Stall> stalls = new LinkedHashMap<>();
        node.properties().forEach(e -> stalls.put(e.getKey(),
                new Stall(e.getValue().path("fromMs").asLong(), e.getValue().path("toMs").asLong())));
        return stalls;
    }

    private static Map<String, List<Long>> series(JsonNode node) {
        Map<String, List<Long>> series = new LinkedHashMap<>();
        node.properties().forEach(e -> {
            List<Long> counts = new ArrayList<>();
            e.getValue().forEach(c -> counts.add(c.asLong()));
            series.put(e.getKey(), counts);
        });
        return series;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
