package io.sparkgan.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkgan.model.GanModelConfig;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** One name per meaning across commands, the older spellings still accepted but no longer shown. */
class OptionNamesTest {

    @Test
    void benchStepTakesTrainsNamesAndItsOldOnes() {
        for (String[] names : new String[][] {{"--architecture", "--batch-per-worker"}, {"--arch", "--batch"}}) {
            BenchCommand bench = new BenchCommand();
            new CommandLine(bench).parseArgs(names[0], "DCGAN_K5", names[1], "8,16");
            assertEquals(GanModelConfig.Architecture.DCGAN_K5, bench.architecture, names[0]);
            assertArrayEquals(new int[] {8, 16}, bench.batches, names[1]);
        }
        String help = new CommandLine(new BenchCommand()).getUsageMessage();
        assertTrue(help.contains("--architecture") && help.contains("--batch-per-worker"), help);
        assertFalse(help.contains("--arch=") || help.contains("--batch="), help);
    }

    @Test
    void trainEvaluatorTakesTrainsBatchNameAndItsOldOne() {
        for (String name : new String[] {"--batch-per-worker", "--batch"}) {
            EvaluatorCommand evaluator = new EvaluatorCommand();
            new CommandLine(evaluator).parseArgs("--data", "d", "--test-data", "t", name, "16");
            assertEquals(16, evaluator.batch, name);
        }
        String help = new CommandLine(new EvaluatorCommand()).getUsageMessage();
        assertTrue(help.contains("--batch-per-worker"), help);
        assertFalse(help.contains("--batch="), help);
    }
}
