package io.sparkgan.data;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The images under a folder, listed on the driver through the Hadoop FileSystem API (so any Hadoop file
 * system works), in the order that gives them their ids.
 *
 * <p>Images in sub-folders are labelled with the sub-folder's name (folder names sorted give the label
 * indexes; deeper folders belong to their top-level class folder); images directly in the folder are
 * unlabelled, and a folder may not mix the two. Classes are interleaved (first image of each class, then the
 * second of each, ...) so that {@code --limit} keeps a sample of every class rather than the first class.
 * Files whose names start with '.' or '_' and files without a .png/.jpg/.jpeg extension are skipped.
 */
final class ImageFolderListing {

    private static final Logger LOG = LoggerFactory.getLogger(ImageFolderListing.class);
    private static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg");

    /**
     * @param path the file's Hadoop path, as a string that {@code new Path(path)} reads back
     * @param label index into the label names, null when unlabelled
     */
    record ImageFile(String path, long id, Integer label) implements Serializable {}

    private final String root;
    private final List<ImageFile> files;
    private final List<String> labelNames;

    private ImageFolderListing(String root, List<ImageFile> files, List<String> labelNames) {
        this.root = root;
        this.files = files;
        this.labelNames = labelNames;
    }

    /** Lists {@code input}, keeping the first {@code options.limit()} images. */
    static ImageFolderListing list(Configuration conf, String input, PrepOptions options) {
        try {
            Path rootPath = new Path(input);
            FileSystem fs = rootPath.getFileSystem(conf);
            if (!fs.exists(rootPath)) {
                throw new DatasetException("input folder " + input + " does not exist");
            }
            if (fs.isFile(rootPath)) {
                throw new DatasetException("input " + input + " is a file; this source takes a folder of images");
            }
            FileStatus[] children = fs.listStatus(rootPath);
            Arrays.sort(children);
            List<Path> rootImages = new ArrayList<>();
            Map<String, List<Path>> classes = new TreeMap<>();
            int skipped = 0;
            for (FileStatus child : children) {
                if (isHidden(child.getPath())) {
                    continue;
                }
                if (child.isDirectory()) {
                    List<Path> images = new ArrayList<>();
                    skipped += imagesUnder(fs, child.getPath(), images);
                    if (!images.isEmpty()) {
                        classes.put(child.getPath().getName(), images);
                    }
                } else if (isImage(child.getPath())) {
                    rootImages.add(child.getPath());
                } else {
                    skipped++;
                }
            }
            if (skipped > 0) {
                LOG.info("skipped {} non-image files (not .png/.jpg/.jpeg) under {}", skipped, input);
            }
            if (!rootImages.isEmpty() && !classes.isEmpty()) {
                throw new DatasetException("input folder " + input + " mixes images directly in it (e.g. "
                        + rootImages.get(0).getName() + ") with class sub-folders (e.g. "
                        + classes.keySet().iterator().next()
                        + "/); put every image in a class folder, or none for an unlabelled dataset");
            }
            if (rootImages.isEmpty() && classes.isEmpty()) {
                throw new DatasetException("no .png/.jpg/.jpeg images under " + input);
            }
            List<String> labelNames = classes.isEmpty() ? null : List.copyOf(classes.keySet());
            List<ImageFile> files = classes.isEmpty()
                    ? number(List.of(rootImages), false, options)
                    : number(new ArrayList<>(classes.values()), true, options);
            return new ImageFolderListing(fs.makeQualified(rootPath).toString(), files, labelNames);
        } catch (IOException e) {
            throw new DatasetException("cannot list input folder " + input + ": " + e, e);
        }
    }

    /** Takes images round-robin from the per-class lists (label = list index) and gives them ids in that order. */
    private static List<ImageFile> number(List<List<Path>> perClass, boolean labelled, PrepOptions options) {
        long total = perClass.stream().mapToLong(List::size).sum();
        long keep = options.keep(total);
        List<ImageFile> files = new ArrayList<>();
        for (int position = 0; files.size() < keep; position++) {
            for (int label = 0; label < perClass.size() && files.size() < keep; label++) {
                List<Path> images = perClass.get(label);
                if (position < images.size()) {
                    files.add(new ImageFile(images.get(position).toString(), files.size(), labelled ? label : null));
                }
            }
        }
        return files;
    }

    private static int imagesUnder(FileSystem fs, Path dir, List<Path> images) throws IOException {
        int skipped = 0;
        RemoteIterator<LocatedFileStatus> found = fs.listFiles(dir, true);
        List<Path> paths = new ArrayList<>();
        while (found.hasNext()) {
            Path path = found.next().getPath();
            if (isImage(path) && !isHidden(path)) {
                paths.add(path);
            } else if (!isHidden(path)) {
                skipped++;
            }
        }
        paths.sort(null);
        images.addAll(paths);
        return skipped;
    }

    private static boolean isHidden(Path path) {
        return path.getName().startsWith(".") || path.getName().startsWith("_");
    }

    private static boolean isImage(Path path) {
        String name = path.getName();
        int dot = name.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /** The qualified folder URI, for the manifest. */
    String root() {
        return root;
    }

    List<ImageFile> files() {
        return files;
    }

    /** Class folder names, or null when the images are unlabelled. */
    List<String> labelNames() {
        return labelNames;
    }
}
