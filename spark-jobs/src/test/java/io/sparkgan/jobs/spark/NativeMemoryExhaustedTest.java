package io.sparkgan.jobs.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkgan.data.ErrorMessages;
import io.sparkgan.jobs.TestData;
import java.util.List;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

/** JavaCPP's memory limit in a task fails the task, not the JVM, and the command's error names the limit. */
class NativeMemoryExhaustedTest {

    /** As DL4J reports JavaCPP's refusal of an allocation past maxphysicalbytes. */
    private static RuntimeException dl4jRefusal() {
        OutOfMemoryError limit = new OutOfMemoryError(
                "Physical memory usage is too high: physicalBytes (3501M) > maxPhysicalBytes (3500M)");
        OutOfMemoryError allocation =
                new OutOfMemoryError("Cannot allocate new LongPointer(4): totalBytes = 512, physicalBytes = 3501M");
        allocation.initCause(limit);
        return new RuntimeException("Error during neural network backpropagation calculation", allocation);
    }

    @Test
    void theRefusalBecomesAnOrdinaryFailureThatNamesTheLimitAndOtherErrorsPassUnchanged() {
        NativeMemoryExhausted failure = assertThrows(
                NativeMemoryExhausted.class,
                () -> NativeMemoryExhausted.guard(() -> {
                    throw dl4jRefusal();
                }));
        assertTrue(
                failure.getMessage()
                        .startsWith("ND4J's native memory ran out: Physical memory usage is too high:"
                                + " physicalBytes (3501M) > maxPhysicalBytes (3500M); raise that limit (bin/sparkgan:"
                                + " SPARKGAN_MAX_MEMORY;"),
                failure.getMessage());
        assertEquals(null, failure.getCause(), "no OutOfMemoryError left for Spark to find");

        OutOfMemoryError heap = new OutOfMemoryError("Java heap space");
        assertSame(
                heap,
                assertThrows(
                        OutOfMemoryError.class,
                        () -> NativeMemoryExhausted.guard(() -> {
                            throw heap;
                        })));
        IllegalStateException other = new IllegalStateException("x");
        assertSame(
                other,
                assertThrows(
                        IllegalStateException.class,
                        () -> NativeMemoryExhausted.guard(() -> {
                            throw other;
                        })));
    }

    @Test
    void inLocalModeTheJobFailsWithTheLimitAndTheApplicationGoesOn() {
        JavaSparkContext sc =
                JavaSparkContext.fromSparkContext(TestData.localSpark().sparkContext());
        SparkException failed = assertThrows(
                SparkException.class,
                () -> sc.parallelize(List.of(1, 2), 2)
                        .map(i -> NativeMemoryExhausted.guard(() -> {
                            if (i == 2) {
                                throw dl4jRefusal();
                            }
                            return i;
                        }))
                        .collect());
        assertTrue(
                ErrorMessages.of(failed)
                        .startsWith("ND4J's native memory ran out: Physical memory usage is too"
                                + " high: physicalBytes (3501M) > maxPhysicalBytes (3500M)"),
                ErrorMessages.of(failed));
        // without the guard Spark's handler of fatal errors would have ended this JVM (exit code 52)
        assertEquals(
                List.of(3, 4), sc.parallelize(List.of(1, 2), 2).map(i -> i + 2).collect());
    }
}
