package io.surety.broker.durability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Which node led a partition in which leader epoch, from the nodes' own logs: every node logs
 * {@code Leading <topic>-<partition> in epoch <n>} when it becomes leader. Kafka's rule is that one
 * epoch has one leader; an epoch with two nodes means two of them accepted writes as that epoch's
 * leader. Stateless.
 */
final class LeaderEpochs {

    private LeaderEpochs() {
    }

    /** Per leader epoch of {@code topic}-{@code partition}, the ids of the nodes that led it. */
    static Map<Integer, Set<Integer>> ledBy(Map<Integer, Path> logByNode, String topic, int partition)
            throws IOException {
        Pattern leading = Pattern.compile("Leading " + Pattern.quote(topic + "-" + partition) + " in epoch (\\d+)");
        Map<Integer, Set<Integer>> nodesByEpoch = new TreeMap<>();
        for (Map.Entry<Integer, Path> log : logByNode.entrySet()) {
            try (Stream<String> lines = Files.lines(log.getValue())) {
                lines.forEach(line -> {
                    Matcher matcher = leading.matcher(line);
                    if (matcher.find()) {
                        nodesByEpoch.computeIfAbsent(Integer.parseInt(matcher.group(1)), e -> new TreeSet<>())
                                .add(log.getKey());
                    }
                });
            }
        }
        return nodesByEpoch;
    }
}
