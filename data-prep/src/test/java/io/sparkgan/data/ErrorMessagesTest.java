package io.sparkgan.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.AccessDeniedException;
import org.apache.spark.SparkException;
import org.junit.jupiter.api.Test;

/** prep's and export's errors get the same one line as every other command's. */
class ErrorMessagesTest {

    @Test
    void aPathOnlyMessageGetsItsReasonAndSparksWrappersGiveWayToTheCause() {
        assertEquals(
                "/out/_manifest.json: permission denied",
                ErrorMessages.of(new AccessDeniedException("/out/_manifest.json")));
        SparkException wrapped = new SparkException(
                "Job aborted due to stage failure: Task 0 in stage 1.0 failed",
                new AccessDeniedException("/out/part-0.parquet"));
        assertEquals("/out/part-0.parquet: permission denied", ErrorMessages.of(wrapped));
        SparkException dataset =
                new SparkException("Job aborted", new DatasetException("row 7 of a.parquet: 2 labels"));
        assertEquals("row 7 of a.parquet: 2 labels", ErrorMessages.of(dataset));
    }
}
