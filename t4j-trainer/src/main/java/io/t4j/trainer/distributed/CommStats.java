package io.t4j.trainer.distributed;

/**
 * Where gradient communication spent its time, summed over the synchronised steps: {@code exposedNanos} is time the
 * training thread waited for communication after backward (all of it when allreducing after backward; the tail that
 * backward did not hide with the Reducer), {@code backwardNanos} the time inside the synchronised backward passes
 * (with the Reducer it includes the allreduces it overlapped), {@code bytes} the gradient bytes this rank sent into
 * allreduces.
 */
public record CommStats(String mode, long steps, long exposedNanos, long backwardNanos, long bytes) {
    public static final CommStats NONE = new CommStats("none", 0, 0, 0, 0);

    /** Mean exposed communication per synchronised step, in milliseconds. */
    public double exposedMsPerStep() {
        return steps == 0 ? 0 : exposedNanos / 1e6 / steps;
    }

    /** Mean synchronised backward pass, in milliseconds. */
    public double backwardMsPerStep() {
        return steps == 0 ? 0 : backwardNanos / 1e6 / steps;
    }
}
