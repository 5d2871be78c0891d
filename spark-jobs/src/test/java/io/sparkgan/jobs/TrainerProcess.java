package io.sparkgan.jobs;

import io.sparkgan.jobs.cli.SparkGanCli;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code sparkgan} as a process of its own, with this JVM's classpath and options: what tests kill or signal. */
public final class TrainerProcess {

    private TrainerProcess() {}

    /**
     * Starts {@code sparkgan <arguments>} with the extra JVM {@code properties} (-D...), stdout and stderr together
     * into {@code log}.
     */
    public static Process start(Path log, List<String> properties, List<String> arguments) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> !a.startsWith("-agentlib") && !a.startsWith("-javaagent"))
                .toList());
        command.addAll(properties);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), SparkGanCli.class.getName()));
        command.addAll(arguments);
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }
}
