package io.surety.bench;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the summary figures out of Kafka's perf tools' output. Stateless. */
final class PerfOutputParser {

    private static final Pattern PRODUCER_SUMMARY = Pattern.compile(
            "(\\d+) records sent, ([\\d.]+) records/sec \\(([\\d.]+) MB/sec\\), [\\d.]+ ms avg latency, [\\d.]+ ms max latency, "
                    + "([\\d.]+) ms 50th, [\\d.]+ ms 95th, ([\\d.]+) ms 99th, ([\\d.]+) ms 99.9th");
    private static final Pattern E2E_PERCENTILES = Pattern.compile(
            "Percentiles: 50th = ([\\d.]+), 99th = ([\\d.]+), 99.9th = ([\\d.]+)");

    private PerfOutputParser() {
    }

    /** ProducerPerformance's last line: records, rate, MB/s, p50/p99/p99.9 latency. */
    static PerfResult producer(String workload, String broker, List<String> output) {
        for (int i = output.size() - 1; i >= 0; i--) {
            Matcher m = PRODUCER_SUMMARY.matcher(output.get(i));
            if (m.find()) {
                return new PerfResult(workload, broker, Long.parseLong(m.group(1)), Double.parseDouble(m.group(2)),
                        Double.parseDouble(m.group(3)), Double.parseDouble(m.group(4)), Double.parseDouble(m.group(5)),
                        Double.parseDouble(m.group(6)), Double.NaN, null);
            }
        }
        return PerfResult.failed(workload, broker, "no summary line in producer output");
    }

    /**
     * ConsumerPerformance's CSV line after its header, read by column name. The rates are the
     * fetch rates ({@code fetch.MB.sec}, {@code fetch.nMsg.sec}): time spent joining the group is
     * excluded, so the figure is the broker's delivery rate, not the group protocol's start-up.
     */
    static PerfResult consumer(String workload, String broker, List<String> output) {
        List<String> names = null;
        for (String line : output) {
            if (line.startsWith("start.time")) {
                names = List.of(line.split(",\\s*"));
                continue;
            }
            String[] values = line.split(",\\s*");
            if (names == null || values.length != names.size()) {
                continue;
            }
            try {
                long records = Long.parseLong(values[names.indexOf("data.consumed.in.nMsg")].trim());
                double mbPerSec = Double.parseDouble(values[names.indexOf("fetch.MB.sec")].trim());
                double recordsPerSec = Double.parseDouble(values[names.indexOf("fetch.nMsg.sec")].trim());
                return new PerfResult(workload, broker, records, recordsPerSec, mbPerSec, Double.NaN, Double.NaN,
                        Double.NaN, Double.NaN, null);
            } catch (NumberFormatException e) {
                names = null;
            }
        }
        return PerfResult.failed(workload, broker, "no result line in consumer output");
    }

    /** EndToEndLatency's percentile line (milliseconds). */
    static PerfResult endToEnd(String workload, String broker, long records, List<String> output) {
        for (String line : output) {
            Matcher m = E2E_PERCENTILES.matcher(line);
            if (m.find()) {
                return new PerfResult(workload, broker, records, Double.NaN, Double.NaN, Double.parseDouble(m.group(1)),
                        Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3)), Double.NaN, null);
            }
        }
        return PerfResult.failed(workload, broker, "no percentile line in end-to-end output");
    }

    /** The small-transactions generator's summary: records/s, MB/s, and commit latency in the latency columns. */
    static PerfResult smallTransactions(String workload, String broker, List<String> output) {
        Map<String, String> f = keyValues("SMALL-TXN ", output);
        if (f == null) {
            return PerfResult.failed(workload, broker, "no summary line in small-transactions output");
        }
        return new PerfResult(workload, broker, Long.parseLong(f.get("records")), number(f, "records_per_sec"),
                number(f, "mb_per_sec"), number(f, "commit_p50_ms"), number(f, "commit_p99_ms"),
                number(f, "commit_p999_ms"), Double.NaN, null);
    }

    /** The group consumer's summary: records read (each once) per second and MB/s. */
    static PerfResult groupConsume(String workload, String broker, List<String> output) {
        Map<String, String> f = keyValues("GROUP-CONSUME ", output);
        if (f == null) {
            return PerfResult.failed(workload, broker, "no summary line in group-consume output");
        }
        return new PerfResult(workload, broker, Long.parseLong(f.get("records")), number(f, "records_per_sec"),
                number(f, "mb_per_sec"), Double.NaN, Double.NaN, Double.NaN, Double.NaN, null);
    }

    /** The {@code key=value} fields of the last line starting with {@code prefix}, or null. */
    private static Map<String, String> keyValues(String prefix, List<String> output) {
        for (int i = output.size() - 1; i >= 0; i--) {
            String line = output.get(i);
            if (line.startsWith(prefix) && line.contains("=")) {
                Map<String, String> fields = new HashMap<>();
                for (String token : line.substring(prefix.length()).trim().split("\\s+")) {
                    int eq = token.indexOf('=');
                    if (eq > 0) {
                        fields.put(token.substring(0, eq), token.substring(eq + 1));
                    }
                }
                return fields;
            }
        }
        return null;
    }

    private static double number(Map<String, String> fields, String key) {
        String value = fields.get(key);
        return value == null ? Double.NaN : Double.parseDouble(value);
    }
}
