package io.surety.semantics;

import java.time.Duration;

/** Waits between retries; a seam so tests need not wait. */
@FunctionalInterface
interface Sleeper {

    Sleeper SYSTEM = duration -> Thread.sleep(duration.toMillis());

    void sleep(Duration duration) throws InterruptedException;
}
