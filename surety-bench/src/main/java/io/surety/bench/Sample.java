package io.surety.bench;

/**
 * One measured trial: the tool's figures with the broker's CPU, and how much of the machine other
 * processes used meanwhile ({@code othersShare}, 0–1 of all cores over the trial's wall time).
 * {@code jitShare} is the part of the broker's CPU its JIT compilers used (how warm it was).
 * {@code disturbed} marks a trial kept although every attempt was noisier than the run allows.
 * Immutable.
 */
record Sample(PerfResult result, double othersShare, double jitShare, boolean disturbed) {

    static Sample of(PerfResult result, double othersShare) {
        return new Sample(result, othersShare, 0, false);
    }

    static Sample of(PerfResult result, double othersShare, double jitShare) {
        return new Sample(result, othersShare, jitShare, false);
    }

    Sample markDisturbed() {
        return new Sample(result, othersShare, jitShare, true);
    }
}
