package io.sparkgan.data;

import java.io.IOException;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An output directory that is written in a hidden sibling first and renamed into place at the end, so a failed
 * write leaves neither a half output nor a damaged old one. With overwrite the old output is moved aside, the new
 * one renamed in, and only then the old one deleted; overwrite never replaces a directory that lacks the marker
 * file of this kind of output, nor, unless told to drop it, one that holds a trained evaluator ({@link #EVALUATOR}).
 * (On object stores such as S3 a directory rename is a copy, so there the switch is not atomic, but a failure still
 * never leaves a half output in place.)
 */
public final class OutputDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(OutputDirectory.class);

    /**
     * Where {@code sparkgan train-evaluator} stores a dataset's evaluator by default: minutes of training, and
     * tied to the dataset version it was trained on, so a replaced dataset cannot keep it.
     */
    public static final String EVALUATOR = "_evaluator";

    /** The option that lets overwrite delete a trained evaluator with the old output. */
    public static final String DROP_EVALUATOR = "--drop-evaluator";

    private final FileSystem fs;
    private final Path target;
    private final boolean overwrite;
    private final String marker;
    private final String kind;
    private final boolean dropEvaluator;

    /** An output whose overwrite refuses to delete a trained evaluator. */
    public OutputDirectory(Configuration conf, String uri, boolean overwrite, String marker, String kind) {
        this(conf, uri, overwrite, false, marker, kind);
    }

    /**
     * Checks the target at once, so that a command refuses before it does any work.
     *
     * @param dropEvaluator with overwrite: delete the old output's trained evaluator with it
     * @param marker the file that every output of this kind has (e.g. {@code _manifest.json})
     * @param kind what such an output is called in messages (e.g. "sparkgan dataset")
     */
    public OutputDirectory(
            Configuration conf, String uri, boolean overwrite, boolean dropEvaluator, String marker, String kind) {
        this.overwrite = overwrite;
        this.dropEvaluator = dropEvaluator;
        this.marker = marker;
        this.kind = kind;
        try {
            Path path = new Path(uri);
            this.fs = path.getFileSystem(conf);
            this.target = fs.makeQualified(path);
            if (target.getParent() == null) {
                throw new DatasetException("cannot write to the root directory " + target);
            }
            check();
        } catch (IOException e) {
            throw new DatasetException("cannot check output " + uri + ": " + e, e);
        }
    }

    public Path target() {
        return target;
    }

    public FileSystem fileSystem() {
        return fs;
    }

    /** A fresh hidden sibling of the target to write into. */
    public Path temporary() {
        return new Path(target.getParent(), "." + target.getName() + ".tmp-" + UUID.randomUUID());
    }

    private void check() throws IOException {
        if (!fs.exists(target)) {
            return;
        }
        if (!overwrite) {
            throw new DatasetException("output " + target + " already exists; pass --overwrite to replace it");
        }
        boolean ours = fs.exists(new Path(target, marker));
        if (!ours && (fs.isFile(target) || fs.listStatus(target).length > 0)) {
            throw new DatasetException("output " + target + " exists and is not a " + kind + " (it has no " + marker
                    + "); --overwrite only replaces those, delete it yourself if it should go");
        }
        Path evaluator = new Path(target, EVALUATOR);
        if (!dropEvaluator && fs.exists(evaluator)) {
            // A rewritten output is another dataset version: the evaluator's record of what it was trained on would
            // be false for it, and nothing would notice, so it is neither carried over nor deleted unasked.
            throw new DatasetException(evaluator + " holds the trained evaluator of the dataset that --overwrite"
                    + " would replace, and it would be deleted with it. To keep it, move it out of " + target
                    + " first (train, evaluate and upscale take --evaluator URI); to delete it, add " + DROP_EVALUATOR);
        }
    }

    /** Moves a completely written temporary directory into place (replacing the old output when allowed). */
    public void commit(Path temp) {
        try {
            if (!fs.exists(target)) {
                rename(temp, target);
                return;
            }
            // Checked again: the target may have appeared while the output was being written.
            check();
            Path old = new Path(target.getParent(), "." + target.getName() + ".old-" + UUID.randomUUID());
            rename(target, old);
            try {
                rename(temp, target);
            } catch (DatasetException e) {
                rename(old, target);
                throw e;
            }
            discard(old);
        } catch (IOException e) {
            throw new DatasetException("cannot move the new output into " + target + ": " + e, e);
        }
    }

    /** Deletes a temporary (or replaced) directory; a failure is only logged. */
    public void discard(Path path) {
        try {
            fs.delete(path, true);
        } catch (IOException e) {
            LOG.warn("could not delete {}: {}", path, e.toString());
        }
    }

    /** Renames, failing loudly when the file system says no. */
    public void rename(Path from, Path to) throws IOException {
        if (!fs.rename(from, to)) {
            throw new DatasetException("cannot rename " + from + " to " + to);
        }
    }
}
