package io.sparkgan.jobs.run;

/**
 * Faults that tests inject into workers, to prove the guards against them. Set by system property, so only in
 * local mode (where the executors are the driver's JVM); nothing is injected unless a test sets it.
 *
 * <p>{@code sparkgan.inject.nonFinite=STEP:PARTITION[:always]}: the worker of that partition, in the round that
 * starts at global step STEP, reports NaN losses and parameters, in the first attempt of that round only (or in
 * every attempt with {@code :always}).
 *
 * <p>{@code sparkgan.inject.haltAt=POINT@STEP}: the JVM halts at once (as if killed) when training reaches that
 * point of that step, e.g. {@code checkpoint-renamed@4}; for fault tests that run the trainer as a process.
 *
 * <p>{@code sparkgan.inject.failAt=POINT}: the driver throws when it reaches that point, e.g.
 * {@code registry-version-written}: a crash in the middle of an update, for tests that run in-process.
 *
 * <p>{@code sparkgan.inject.hangAt=POINT}: the thread that reaches that point waits forever, e.g. {@code stop}: a
 * trainer that never stops when asked to.
 */
public final class FaultInjection {

    public static final String NON_FINITE = "sparkgan.inject.nonFinite";
    public static final String HALT_AT = "sparkgan.inject.haltAt";
    public static final String FAIL_AT = "sparkgan.inject.failAt";
    public static final String HANG_AT = "sparkgan.inject.hangAt";
    private static final java.util.Set<String> FIRED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private FaultInjection() {}

    public static boolean nonFinite(long firstStep, int partition) {
        String spec = System.getProperty(NON_FINITE);
        if (spec == null) {
            return false;
        }
        String[] parts = spec.split(":");
        if (Long.parseLong(parts[0]) != firstStep || Integer.parseInt(parts[1]) != partition) {
            return false;
        }
        return parts.length > 2 && parts[2].equals("always") || FIRED.add(spec);
    }

    public static void haltAt(String point, long step) {
        if ((point + "@" + step).equals(System.getProperty(HALT_AT))) {
            System.err.println("fault injection: halting at " + point + " of step " + step);
            Runtime.getRuntime().halt(137);
        }
    }

    public static void failAt(String point) {
        if (point.equals(System.getProperty(FAIL_AT))) {
            throw new IllegalStateException("fault injection: failing at " + point);
        }
    }

    public static void hangAt(String point) {
        if (point.equals(System.getProperty(HANG_AT))) {
            System.err.println("fault injection: hanging at " + point);
            while (true) {
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    // hangs on
                }
            }
        }
    }

    /** Forgets which one-time faults have fired (between tests). */
    public static void reset() {
        FIRED.clear();
    }
}
