package io.surety.broker.metrics;

import java.util.List;
import java.util.Map;

/**
 * What a scrape reports about consumer groups: the lag of every committed offset and the member
 * count of every group. Immutable.
 *
 * @param lags one entry per committed offset of a partition that exists
 * @param members members by group id (groups with offsets but no members have none)
 */
public record GroupStats(List<Lag> lags, Map<String, Integer> members) {

    public GroupStats {
        lags = List.copyOf(lags);
        members = Map.copyOf(members);
    }

    public static final GroupStats EMPTY = new GroupStats(List.of(), Map.of());

    /**
     * A group's committed offset of one partition and its lag: the partition's high watermark
     * (the end a consumer can read to) minus the committed offset, never below 0.
     */
    public record Lag(String group, String topic, int partition, long committedOffset, long lag) {
    }
}
