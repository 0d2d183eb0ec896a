package io.surety.semantics;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The setting names each client knows, and the closest known name to a misspelled one.
 *
 * <p>Implementation notes: a name is "close" when its edit distance (optimal string alignment:
 * insertions, deletions, substitutions and swaps of neighbours each cost one) is at most three and
 * under half the name's length, or when it has the same words in another order
 * ({@code auto.commit.enable}, the old name of {@code enable.auto.commit}). Ties go to the name
 * that sorts first, so suggestions are stable.
 */
final class SettingNames {

    private static final int MAX_DISTANCE = 3;

    private SettingNames() {
    }

    static Set<String> known(Side side) {
        return side == Side.PRODUCER ? ProducerConfig.configNames() : ConsumerConfig.configNames();
    }

    static Side other(Side side) {
        return side == Side.PRODUCER ? Side.CONSUMER : Side.PRODUCER;
    }

    /** The known name of {@code side} closest to {@code name}, if one is close enough to be a typo. */
    static Optional<String> closest(Side side, String name) {
        String wanted = name.toLowerCase(Locale.ROOT);
        String wantedWords = sortedWords(wanted);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known(side).stream().sorted().toList()) {
            int distance = sortedWords(candidate).equals(wantedWords) ? 0 : distance(wanted, candidate);
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        boolean close = best != null && bestDistance <= MAX_DISTANCE && bestDistance * 2 < name.length();
        return close ? Optional.of(best) : Optional.empty();
    }

    private static String sortedWords(String name) {
        String[] words = name.split("[._-]");
        Arrays.sort(words);
        return String.join(".", words);
    }

    /** Optimal string alignment distance. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                int best = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    best = Math.min(best, d[i - 2][j - 2] + 1);
                }
                d[i][j] = best;
            }
        }
        return d[a.length()][b.length()];
    }
}
