package io.sparkgan.jobs.spark;

import org.apache.spark.broadcast.Broadcast;

/**
 * The one way sparkgan drops a broadcast it no longer needs. Replaces {@link Broadcast#destroy()}, which removes
 * the blocks asynchronously: Spark's context cleaner removes the same broadcast again once the object is garbage
 * collected, and when the two removals overlap the block manager logs every block as missing ("Asked to remove
 * block broadcast_N_piece1, which does not exist"), dozens of lines per run. Removing them before returning
 * leaves the cleaner nothing to find.
 */
public final class Broadcasts {

    private Broadcasts() {}

    public static void destroy(Broadcast<?> broadcast) {
        // Scala's private[spark] destroy(blocking) is public in bytecode: the blocking form Spark uses itself
        broadcast.destroy(true);
    }
}
