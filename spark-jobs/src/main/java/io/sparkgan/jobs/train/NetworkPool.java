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
 * borrow separate instances. Networks are pooled by architecture (the model config without learning rates,
 * which each round sets), and only those of the {@link #MODELS} most recently used architectures are kept: the
 * runs that one executor JVM serves one after another would otherwise leave theirs in memory for its life.
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

    static GanStep borrow(String architectureJson) {
        synchronized (IDLE) {
            Deque<GanStep> idle = IDLE.get(architectureJson);
            if (idle != null && !idle.isEmpty()) {
                return idle.pop();
            }
        }
        GanModelConfig config = parse(architectureJson);
        return new GanStep(GanNetworks.generator(config), GanNetworks.discriminator(config), config);
    }

    static void release(String architectureJson, GanStep step) {
        synchronized (IDLE) {
            IDLE.computeIfAbsent(architectureJson, k -> new ArrayDeque<>()).push(step);
        }
    }

    /** How many model configs have idle networks here. */
    static int models() {
        synchronized (IDLE) {
            return IDLE.size();
        }
    }

    static GanModelConfig parse(String architectureJson) {
        try {
            return Json.MAPPER.readValue(architectureJson, GanModelConfig.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
