package io.sparkgan.jobs.run;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.util.ShutdownHookManager;
import org.apache.spark.SparkContext;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ends a training that the JVM is asked to stop (SIGTERM from a scheduler or {@code timeout}, Ctrl-C) at a round
 * boundary, before Spark's own shutdown hook stops the SparkContext under the running round.
 *
 * <p>On the signal its hook, which Hadoop's shutdown hook manager runs before Spark's, asks the trainer to stop,
 * cancels the Spark jobs running (the round is abandoned: nothing of it has been written, and everything after the
 * last checkpoint is redone on resume anyway), and waits until the trainer has reported where it stopped. Then the
 * run lock is released ({@link RunLock}, next in that order), Spark stops, and the JVM exits with 128 + the signal:
 * {@link #EXIT_CODE} for SIGTERM, 130 for Ctrl-C (SIGINT); {@link #exitCode()} is the same figure for the outcome.
 * A stop that does not end within {@link #LIMIT_PROPERTY} seconds (default 60; a driver was once seen hanging
 * forever after SIGTERM) is reported from here and the JVM halted with the same code, so a scheduler's timeout
 * never leaves a driver behind.
 */
public final class GracefulStop implements AutoCloseable {

    /** 128 + SIGTERM's 15: what shells and schedulers report for a process a SIGTERM ended. */
    public static final int EXIT_CODE = 143;
    /** The signal that started the JVM's shutdown (SIGTERM unless one of {@link #WATCHED} was seen). */
    private static volatile int signal = EXIT_CODE - 128;
    /** The signals whose number the exit code carries: the JVM's own handlers still run after ours. */
    private static final List<String> WATCHED = List.of("TERM", "INT", "HUP");

    private static final AtomicBoolean WATCHING = new AtomicBoolean();
    /** System property: seconds the stop may take before the JVM is halted. */
    public static final String LIMIT_PROPERTY = "sparkgan.stopLimitSeconds";

    private static final long DEFAULT_LIMIT_SECONDS = 60;
    /** The priority Spark's shutdown hooks (SparkContext.stop among them) run at in Hadoop's manager. */
    private static final int SPARK_HOOKS = FileSystem.SHUTDOWN_HOOK_PRIORITY + 30;
    // hooks of higher priority run first: the stop, then the lock's release, then Spark's
    static final int STOP_PRIORITY = SPARK_HOOKS + 20;
    static final int LOCK_RELEASE_PRIORITY = SPARK_HOOKS + 10;
    /** A trainer that has no stop installed: never asked to stop. */
    public static final GracefulStop NONE = new GracefulStop(null, () -> {});

    /** Where the run stood: rounds done, and the step of its latest checkpoint (-1 while unknown or none). */
    public record Position(long rounds, long latestCheckpoint) {}

    private final SparkContext sc;
    private final Runnable reportWhenHalting;
    private final long limitNanos;
    private final Runnable hook = this::stop;
    private final AtomicBoolean reported = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean requested;
    private volatile Position position = new Position(-1, -1);

    private GracefulStop(SparkContext sc, Runnable reportWhenHalting) {
        this.sc = sc;
        this.reportWhenHalting = reportWhenHalting;
        this.limitNanos = TimeUnit.SECONDS.toNanos(Long.getLong(LIMIT_PROPERTY, DEFAULT_LIMIT_SECONDS));
    }

    /**
     * Installs the stop for a training on {@code sc}, until {@link #close}.
     *
     * @param reportWhenHalting reports the stop (from {@link #position()}) when the trainer has not within the
     *     limit; runs only if the trainer has not claimed the report ({@link #claimReport})
     */
    public static GracefulStop install(SparkContext sc, Runnable reportWhenHalting) {
        watchSignals();
        GracefulStop stop = new GracefulStop(sc, reportWhenHalting);
        ShutdownHookManager.get()
                .addShutdownHook(
                        stop.hook, STOP_PRIORITY, stop.limitNanos + TimeUnit.SECONDS.toNanos(1), TimeUnit.NANOSECONDS);
        return stop;
    }

    /** 128 + the signal that stopped the JVM, as the shell reports it: 143 for SIGTERM, 130 for Ctrl-C. */
    public static int exitCode() {
        return 128 + signal;
    }

    /**
     * Notes which signal arrives before passing it on to the handler it replaces (the JVM's, which starts the
     * shutdown): a shutdown hook cannot tell SIGTERM from Ctrl-C otherwise.
     */
    private static void watchSignals() {
        if (!WATCHING.compareAndSet(false, true)) {
            return;
        }
        for (String name : WATCHED) {
            try {
                Signal watched = new Signal(name);
                AtomicReference<SignalHandler> previous = new AtomicReference<>();
                previous.set(Signal.handle(watched, received -> {
                    signal = received.getNumber();
                    SignalHandler next = previous.get();
                    if (next != null) {
                        next.handle(received);
                    } else {
                        // arrived before the JVM's handler was noted: do what it does
                        System.exit(exitCode());
                    }
                }));
                if (previous.get() == SignalHandler.SIG_DFL || previous.get() == SignalHandler.SIG_IGN) {
                    // no Java handler to pass it on to (-Xrs): leave the signal as it was
                    Signal.handle(watched, previous.get());
                }
            } catch (IllegalArgumentException e) {
                // a signal the JVM reserves: its exit code stays SIGTERM's
            }
        }
    }

    /** Whether the JVM is being stopped: the trainer starts no further round. */
    public boolean requested() {
        return requested;
    }

    /** Throws {@link Stopped} when a stop was requested: called where the trainer may stop. */
    public void stopIfRequested() {
        if (requested) {
            throw new Stopped();
        }
    }

    /** Records where the run stands, for the report of a stop. */
    public void at(long rounds, long latestCheckpoint) {
        position = new Position(rounds, latestCheckpoint);
    }

    public Position position() {
        return position;
    }

    /** How long the stop may take before the JVM is halted. */
    public long limitSeconds() {
        return TimeUnit.NANOSECONDS.toSeconds(limitNanos);
    }

    /** True for the one caller that reports the stop: the trainer, or the hook when the trainer took too long. */
    public boolean claimReport() {
        return reported.compareAndSet(false, true);
    }

    /** The command is done (reported, recorded): the shutdown may go on. Removes the hook outside a shutdown. */
    @Override
    public void close() {
        finished.countDown();
        if (sc != null) {
            try {
                ShutdownHookManager.get().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook runs, and has just been told that the command is done
            }
        }
    }

    private void stop() {
        long deadline = System.nanoTime() + limitNanos;
        Thread halt = new Thread(() -> haltAt(deadline), "sparkgan-stop-limit");
        halt.setDaemon(true);
        halt.start();
        requested = true;
        sc.cancelAllJobs();
        // a fifth of the limit is left to release the lock and report before the halt
        long reserve = limitNanos / 5;
        try {
            if (!finished.await(deadline - reserve - System.nanoTime(), TimeUnit.NANOSECONDS) && claimReport()) {
                reportWhenHalting.run();
            }
            // cancelled tasks end at their next step; Spark stopped under them would report them with stack traces
            while (Arrays.stream(sc.statusTracker().getExecutorInfos()).anyMatch(e -> e.numRunningTasks() > 0)
                    && System.nanoTime() < deadline - reserve) {
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void haltAt(long deadline) {
        try {
            TimeUnit.NANOSECONDS.sleep(deadline - System.nanoTime());
        } catch (InterruptedException e) {
            // halt now
        }
        System.err.flush();
        Runtime.getRuntime().halt(exitCode());
    }

    /** Thrown by the trainer where it stops on request; where it stood is {@link #position()}. */
    public static final class Stopped extends RuntimeException {
        Stopped() {
            super("stopped on request");
        }
    }
}
