package io.sparkgan.jobs.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkgan.model.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.util.ShutdownHookManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code run.lock} in a run directory: one trainer at a time. It is created with create-if-absent, which is atomic
 * on HDFS and local files (not on S3A, where two trainers starting in the same second can both get it), and names
 * its owner so that whoever is refused knows which process holds the run. It is released when training ends,
 * fails, or the JVM is stopped by Ctrl-C or SIGTERM. A trainer that dies without releasing it (SIGKILL, a lost
 * driver host) leaves a stale lock that only {@code --break-lock} removes: whether a process on another host is
 * still alive cannot be known from here.
 */
public final class RunLock implements AutoCloseable {

    public static final String FILE = "run.lock";
    private static final Logger LOG = LoggerFactory.getLogger(RunLock.class);

    /** Another trainer holds the run directory. */
    public static final class HeldException extends IllegalStateException {
        public HeldException(String message) {
            super(message);
        }
    }

    private final RunStorage storage;
    private final String owner;
    private boolean held;
    /**
     * Releases the lock when the JVM is stopped by a signal it can handle (Ctrl-C, SIGTERM from a scheduler): after
     * the trainer has stopped ({@link GracefulStop}), before Spark and the file systems are closed.
     */
    private final Runnable releaseOnExit = this::releaseQuietly;

    private RunLock(RunStorage storage, String owner) {
        this.storage = storage;
        this.owner = owner;
    }

    /**
     * Takes the lock, or fails naming the holder.
     *
     * @param breakStale remove a lock left by a trainer that is gone (refused when its process runs on this host)
     */
    public static RunLock acquire(RunStorage storage, String runId, boolean breakStale) throws IOException {
        ObjectNode owner = Json.MAPPER.createObjectNode();
        owner.put("host", host());
        owner.put("pid", ProcessHandle.current().pid());
        owner.put("runId", runId);
        owner.put("since", Instant.now().toString());
        RunLock lock = new RunLock(storage, Json.MAPPER.writeValueAsString(owner));
        if (lock.tryCreate()) {
            return lock;
        }
        JsonNode holder = lock.holder();
        if (!breakStale) {
            throw new HeldException("run directory " + storage.root() + " is in use by " + describe(holder)
                    + "; if that trainer is gone (killed, its host lost), pass --break-lock");
        }
        if (host().equals(holder.path("host").asText())
                && ProcessHandle.of(holder.path("pid").asLong())
                        .map(ProcessHandle::isAlive)
                        .orElse(false)) {
            throw new HeldException("--break-lock: run directory " + storage.root() + " is in use by "
                    + describe(holder) + ", which is still running on this host");
        }
        LOG.warn("breaking the lock of {} on {}", describe(holder), storage.root());
        storage.fs().delete(storage.path(FILE), false);
        if (!lock.tryCreate()) {
            throw new HeldException("run directory " + storage.root() + " was taken by " + describe(lock.holder())
                    + " while its stale lock was being broken");
        }
        return lock;
    }

    private boolean tryCreate() throws IOException {
        if (!storage.fs().mkdirs(storage.root())) {
            throw new IOException("cannot create the run directory " + storage.root());
        }
        byte[] bytes = owner.getBytes(StandardCharsets.UTF_8);
        try {
            if (storage.fs() instanceof RawLocalFileSystem local) {
                // Hadoop's local create checks, then opens: not atomic; the OS's exclusive create is
                Files.write(
                        local.pathToFile(storage.path(FILE)).toPath(),
                        bytes,
                        StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE);
            } else {
                try (FSDataOutputStream out = storage.fs().create(storage.path(FILE), false)) {
                    out.write(bytes);
                }
            }
        } catch (FileAlreadyExistsException | java.nio.file.FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            // HDFS answers a create racing another one that is still open with its own exception types
            if (storage.exists(FILE)) {
                return false;
            }
            throw e;
        }
        held = true;
        ShutdownHookManager.get().addShutdownHook(releaseOnExit, GracefulStop.LOCK_RELEASE_PRIORITY);
        return true;
    }

    /** The lock's owner; a lock that another trainer is writing at this moment is read again shortly after. */
    private JsonNode holder() throws IOException {
        for (int attempt = 0; ; attempt++) {
            try {
                JsonNode holder = Json.MAPPER.readTree(storage.readString(FILE));
                if (holder != null && holder.has("pid")) {
                    return holder;
                }
            } catch (IOException e) {
                // empty, half written or gone: try again below
            }
            if (attempt == 20) {
                return Json.MAPPER.createObjectNode().put("host", "?").put("pid", -1);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while reading " + storage.path(FILE), e);
            }
        }
    }

    private static String describe(JsonNode holder) {
        return "trainer pid " + holder.path("pid").asText("?") + " on host "
                + holder.path("host").asText("?") + " (run "
                + holder.path("runId").asText("?") + ", since "
                + holder.path("since").asText("?") + ")";
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** Releases the lock if this trainer still holds it (it is ours only while its content is ours). */
    @Override
    public synchronized void close() throws IOException {
        if (!held) {
            return;
        }
        held = false;
        try {
            ShutdownHookManager.get().removeShutdownHook(releaseOnExit);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: this is the hook itself, or a trainer that stopped for it
        }
        if (storage.exists(FILE) && owner.equals(storage.readString(FILE))) {
            storage.fs().delete(storage.path(FILE), false);
        }
    }

    private void releaseQuietly() {
        try {
            close();
        } catch (IOException | RuntimeException e) {
            System.err.println("could not release " + storage.path(FILE) + ": " + e);
        }
    }
}
