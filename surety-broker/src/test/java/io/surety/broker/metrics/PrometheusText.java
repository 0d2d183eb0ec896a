package io.surety.broker.metrics;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * A scrape in the Prometheus text format (0.0.4), parsed into samples: enough to find a series by
 * name and labels and to sum over labels. Immutable.
 */
public final class PrometheusText {

    /** One sample line: {@code name{labels} value}. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    private final String text;
    private final List<Sample> samples;

    private PrometheusText(String text, List<Sample> samples) {
        this.text = text;
        this.samples = samples;
    }

    public static PrometheusText parse(String text) {
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                samples.add(sample(line));
            }
        }
        return new PrometheusText(text, List.copyOf(samples));
    }

    /** What {@code registry} would serve now. */
    public static PrometheusText scrape(PrometheusRegistry registry) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            PrometheusTextFormatWriter.create().write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return parse(out.toString(StandardCharsets.UTF_8));
    }

    private static Sample sample(String line) {
        int brace = line.indexOf('{');
        int space = line.lastIndexOf(' ');
        Map<String, String> labels = new LinkedHashMap<>();
        String name;
        if (brace >= 0 && brace < space) {
            name = line.substring(0, brace);
            int close = line.lastIndexOf('}');
            parseLabels(line.substring(brace + 1, close), labels);
        } else {
            name = line.substring(0, line.indexOf(' '));
        }
        String value = line.substring(space + 1);
        double parsed = switch (value) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(value);
        };
        return new Sample(name, labels, parsed);
    }

    private static void parseLabels(String text, Map<String, String> labels) {
        int i = 0;
        while (i < text.length()) {
            int eq = text.indexOf('=', i);
            String key = text.substring(i, eq).trim();
            StringBuilder value = new StringBuilder();
            int j = eq + 2;
            while (text.charAt(j) != '"') {
                char c = text.charAt(j);
                if (c == '\\') {
                    j++;
                    c = text.charAt(j) == 'n' ? '\n' : text.charAt(j);
                }
                value.append(c);
                j++;
            }
            labels.put(key, value.toString());
            i = j + 1;
            if (i < text.length() && text.charAt(i) == ',') {
                i++;
            }
        }
    }

    /** The samples named {@code name} whose labels include every {@code key, value} pair given. */
    public List<Sample> find(String name, String... keyValues) {
        List<Sample> found = new ArrayList<>();
        for (Sample s : samples) {
            if (s.name().equals(name) && matches(s.labels(), keyValues)) {
                found.add(s);
            }
        }
        return found;
    }

    private static boolean matches(Map<String, String> labels, String... keyValues) {
        for (int i = 0; i < keyValues.length; i += 2) {
            if (!keyValues[i + 1].equals(labels.get(keyValues[i]))) {
                return false;
            }
        }
        return true;
    }

    /** The one sample named {@code name} with exactly those labels among others; empty if none. */
    public OptionalDouble value(String name, String... keyValues) {
        List<Sample> found = find(name, keyValues);
        if (found.size() > 1) {
            throw new IllegalStateException(found.size() + " samples match " + name + " " + List.of(keyValues));
        }
        return found.isEmpty() ? OptionalDouble.empty() : OptionalDouble.of(found.get(0).value());
    }

    /** The sum of the samples named {@code name} whose labels include the pairs given (0 if none). */
    public double sum(String name, String... keyValues) {
        return find(name, keyValues).stream().mapToDouble(Sample::value).sum();
    }

    public String text() {
        return text;
    }
}
