package io.surety.broker.network;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogRateLimiterTest {

    private static final long SECOND_NS = 1_000_000_000L;

    @Test
    void shouldLetThroughUpToTheLimitThenDropTheRestWhenInOneWindow() {
        LogRateLimiter limiter = new LogRateLimiter(3, SECOND_NS, 0);

        assertThat(limiter.tryAcquire(1)).isZero();
        assertThat(limiter.tryAcquire(2)).isZero();
        assertThat(limiter.tryAcquire(3)).isZero();
        assertThat(limiter.tryAcquire(4)).isEqualTo(-1);
        assertThat(limiter.tryAcquire(SECOND_NS - 1)).isEqualTo(-1);
    }

    @Test
    void shouldReportWhatWasDroppedOnceWhenTheNextWindowLetsALineThrough() {
        LogRateLimiter limiter = new LogRateLimiter(1, SECOND_NS, 0);
        limiter.tryAcquire(0);
        limiter.tryAcquire(10);
        limiter.tryAcquire(20);

        assertThat(limiter.tryAcquire(SECOND_NS)).as("first line of the next window").isEqualTo(2);
        assertThat(limiter.tryAcquire(SECOND_NS + 1)).isEqualTo(-1);
        assertThat(limiter.tryAcquire(5 * SECOND_NS)).as("the one dropped line, reported once").isEqualTo(1);
        assertThat(limiter.tryAcquire(9 * SECOND_NS)).isZero();
    }

    @Test
    void shouldNeverDropWhenLinesStayUnderTheLimit() {
        LogRateLimiter limiter = new LogRateLimiter(2, SECOND_NS, 0);
        for (long t = 0; t < 100 * SECOND_NS; t += SECOND_NS / 2 + 1) {
            assertThat(limiter.tryAcquire(t)).as("at %d ns", t).isZero();
        }
    }
}
