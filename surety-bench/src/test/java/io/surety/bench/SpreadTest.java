package io.surety.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SpreadTest {

    @Test
    void shouldTakeTheMiddleValueWhenCountIsOdd() {
        assertThat(Spread.of(List.of(30.0, 10.0, 20.0))).isEqualTo(new Spread(20, 10, 30, 3));
    }

    @Test
    void shouldAverageTheTwoMiddleValuesWhenCountIsEven() {
        assertThat(Spread.of(List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(new Spread(2.5, 1, 4, 4));
    }

    @Test
    void shouldLeaveOutFiguresARepetitionDidNotProduce() {
        assertThat(Spread.of(List.of(Double.NaN, 5.0, 7.0, Double.NaN, 6.0))).isEqualTo(new Spread(6, 5, 7, 3));
        assertThat(Spread.of(List.of(Double.NaN)).known()).isFalse();
    }
}
