package io.surety.check.workload;

import java.nio.charset.StandardCharsets;

/**
 * The records the check writes: each names its producer instance and sequence number, so that any
 * copy of it found anywhere (a poll, the log, the exactly-once output) can be traced back to its
 * send. Key {@code <producer>-<seq>} spreads records over partitions; the value repeats the identity
 * and pads to the requested size.
 *
 * @param producer the producer instance that wrote it, or {@code null} for a record not written by the check
 * @param seq      its sequence in that instance
 */
public record CheckRecord(String producer, long seq) {

    private static final char SEPARATOR = '|';

    public String key() {
        return producer + "-" + seq;
    }

    /** The value: {@code producer|seq|} followed by padding up to {@code size} bytes. */
    public String value(int size) {
        StringBuilder value = new StringBuilder(Math.max(size, 32)).append(producer).append(SEPARATOR)
                .append(seq).append(SEPARATOR);
        while (value.length() < size) {
            value.append('.');
        }
        return value.toString();
    }

    /**
     * The record a value identifies. A value the check did not write is reported as a record of
     * the pseudo-producer {@code "foreign@<partition>:<offset>"}, which no send matches: the
     * checker counts it as a phantom.
     */
    public static CheckRecord parse(byte[] value, int partition, long offset) {
        if (value != null) {
            String text = new String(value, StandardCharsets.UTF_8);
            int first = text.indexOf(SEPARATOR);
            int second = first < 0 ? -1 : text.indexOf(SEPARATOR, first + 1);
            if (first > 0 && second > first + 1) {
                try {
                    return new CheckRecord(text.substring(0, first), Long.parseLong(text.substring(first + 1, second)));
                } catch (NumberFormatException notOurs) {
                    // falls through to foreign
                }
            }
        }
        return new CheckRecord("foreign@" + partition + ":" + offset, 0);
    }
}
