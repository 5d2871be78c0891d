package io.sparkgan.jobs.engine;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.util.CrashReportingUtil;

/**
 * Trainers kept in an executor JVM between rounds: building networks costs as much as a few training steps, and
 * their weights are overwritten from the broadcast state anyway. Tasks running at the same time in one JVM
 * borrow separate instances. Trainers are pooled by architecture ({@link TrainerSpec#architecture()}), and only
 * those of the {@link #MODELS} most recently used architectures are kept: the runs that one executor JVM serves
 * one after another would otherwise leave theirs in memory for its life.
 */
public final class TrainerPool {

    static {
        // an executor's JVM: no DL4J memory crash dumps in its working directory (see SparkGanCli#run)
        CrashReportingUtil.crashDumpsEnabled(false);
    }

    public static final int MODELS = 2;
    private static final Map<String, Deque<LocalTrainer>> IDLE = new LinkedHashMap<>(4, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Deque<LocalTrainer>> eldest) {
            return size() > MODELS;
        }
    };

    private TrainerPool() {}

    /** An idle trainer of the spec's architecture, or a new one; configured for the spec's round either way. */
    public static LocalTrainer borrow(TrainerSpec spec) {
        LocalTrainer trainer = null;
        synchronized (IDLE) {
            Deque<LocalTrainer> idle = IDLE.get(spec.architecture());
            if (idle != null && !idle.isEmpty()) {
                trainer = idle.pop();
            }
        }
        if (trainer == null) {
            trainer = spec.create();
        }
        spec.configure(trainer);
        return trainer;
    }

    public static void release(TrainerSpec spec, LocalTrainer trainer) {
        synchronized (IDLE) {
            IDLE.computeIfAbsent(spec.architecture(), k -> new ArrayDeque<>()).push(trainer);
        }
    }

    /** How many architectures have idle trainers here. */
    public static int models() {
        synchronized (IDLE) {
            return IDLE.size();
        }
    }
}
