package io.sparkgan.jobs.train;

import io.sparkgan.model.GanModelConfig;
import io.sparkgan.model.GanNetworks;
import io.sparkgan.model.GanStep;
import io.sparkgan.model.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Networks kept in an executor JVM between rounds: building G and D costs 0.1-0.5 s, as much as a few GAN steps,
 * and their weights are overwritten from the broadcast state anyway. Tasks running at the same time in one JVM
 * borrow separate instances. Only the networks of the {@link #MODELS} most recently used model configs are kept:
 * a rollback or a rejected round changes the config (its learning rates), and the old networks would otherwise
 * stay in memory for the life of the executor.
 */
final class NetworkPool {

    static final int MODELS = 2;
    private static final Map<String, Deque<GanStep>> IDLE = new LinkedHashMap<>(4, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Deque<GanStep>> eldest) {
            return size() > MODELS;
        }
    };

    private NetworkPool() {
    }

    static GanStep borrow(String modelConfigJson) {
        synchronized (IDLE) {
            Deque<GanStep> idle = IDLE.get(modelConfigJson);
            if (idle != null && !idle.isEmpty()) {
                return idle.pop();
            }
        }
        GanModelConfig config = parse(modelConfigJson);
        return new GanStep(GanNetworks.generator(config), GanNetworks.discriminator(config), config);
    }

    static void release(String modelConfigJson, GanStep step) {
        synchronized (IDLE) {
            IDLE.computeIfAbsent(modelConfigJson, k -> new ArrayDeque<>()).push(step);
        }
    }

    /** How many model configs have idle networks here. */
    static int models() {
        synchronized (IDLE) {
            return IDLE.size();
        }
    }

    static GanModelConfig parse(String modelConfigJson) {
        try {
            return Json.MAPPER.readValue(modelConfigJson, GanModelConfig.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
