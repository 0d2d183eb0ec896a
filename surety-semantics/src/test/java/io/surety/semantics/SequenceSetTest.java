package io.surety.semantics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class SequenceSetTest {

    @Test
    void shouldMatchASimpleSetAfterEveryAddition() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        SequenceSet set = new SequenceSet();
        TreeSet<Long> truth = new TreeSet<>();
        for (int i = 0; i < 3000; i++) {
            long s = random.nextInt(500);
            assertThat(set.add(s)).as("seed " + seed).isEqualTo(truth.add(s));
            assertThat(set.size()).isEqualTo(truth.size());
            long from = random.nextInt(500);
            long to = from + random.nextInt(100);
            assertThat(set.countWithin(from, to)).as("seed " + seed)
                    .isEqualTo(truth.subSet(from, true, to, true).size());
            long probe = random.nextInt(500);
            assertThat(set.contains(probe)).isEqualTo(truth.contains(probe));
        }
        long[] previousEnd = {-2};
        set.forEachRange((from, to) -> {
            assertThat(from).as("ranges ascending, disjoint, not touching").isGreaterThan(previousEnd[0] + 1);
            assertThat(to).isGreaterThanOrEqualTo(from);
            previousEnd[0] = to;
        });
    }

    @Test
    void shouldRefuseOverlappingOrTouchingRanges() {
        SequenceSet set = new SequenceSet();
        set.addRange(10, 20);
        assertThatThrownBy(() -> set.addRange(21, 30)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> set.addRange(0, 9)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> set.addRange(15, 16)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> set.addRange(5, 1)).isInstanceOf(IllegalArgumentException.class);
        set.addRange(22, 30);
        set.addRange(0, 8);
        assertThat(set.size()).isEqualTo(11 + 9 + 9);
        assertThat(set.rangeCount()).isEqualTo(3);
    }
}
