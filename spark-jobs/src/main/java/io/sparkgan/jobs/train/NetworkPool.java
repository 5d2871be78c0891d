package io.sparkgan.jobs.train;

import io.sparkgan.model.GanModelConfig;
import io.sparkgan.model.GanNetworks;
import io.sparkgan.model.GanStep;
import io.sparkgan.model.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Networks kept in an executor JVM between rounds: building G and D costs 0.1-0.5 s, as much as a few GAN steps,
 * and their weights are overwritten from the broadcast state anyway. Tasks running at the same time in one JVM
 * borrow separate instances.
 */
final class NetworkPool {

    private static final Map<String, Queue<GanStep>> IDLE = new ConcurrentHashMap<>();

    private NetworkPool() {
    }

    static GanStep borrow(String modelConfigJson) {
        GanStep step = IDLE.computeIfAbsent(modelConfigJson, k -> new ConcurrentLinkedQueue<>()).poll();
        if (step != null) {
            return step;
        }
        GanModelConfig config = parse(modelConfigJson);
        return new GanStep(GanNetworks.generator(config), GanNetworks.discriminator(config), config);
    }

    static void release(String modelConfigJson, GanStep step) {
        IDLE.get(modelConfigJson).add(step);
    }

    static GanModelConfig parse(String modelConfigJson) {
        try {
            return Json.MAPPER.readValue(modelConfigJson, GanModelConfig.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
