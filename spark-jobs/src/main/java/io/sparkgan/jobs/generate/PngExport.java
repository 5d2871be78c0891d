package io.sparkgan.jobs.generate;

import io.sparkgan.data.DatasetSchema;
import io.sparkgan.data.OutputDirectory;
import io.sparkgan.model.sampling.SampleGrid;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.apache.spark.util.SerializableConfiguration;

/**
 * Generated images as PNG files for people: {@code <class>/<id>.png} (or {@code images/<id>.png} when
 * unconditional), a contact sheet and {@code _generation.json}, written by the executors into a hidden sibling
 * and renamed into place. A file is named by its sample id and a retried task writes the same bytes to the same
 * name, so a retry cannot duplicate an image.
 */
public final class PngExport {

    /** The file every export has; --overwrite replaces only directories that have it. */
    public static final String MARKER = "_generation.json";

    public static final String CONTACT_SHEET = "contact-sheet.png";

    private PngExport() {}

    /** Writes the rows, the sheet and the description, then commits the directory. */
    public static void write(
            JavaRDD<Row> rows,
            List<String> folders,
            OutputDirectory output,
            byte[] contactSheet,
            String description,
            SerializableConfiguration conf) {
        Path temp = output.temporary();
        String root = temp.toString();
        try {
            rows.foreachPartition(partition -> {
                // an instance of its own, without checksum files: a local export holds only what people look at
                FileSystem fs = FileSystem.newInstance(new Path(root).toUri(), conf.value());
                fs.setWriteChecksum(false);
                // rows made by the generator carry no schema: fields by their place in the dataset schema
                while (partition.hasNext()) {
                    Row row = partition.next();
                    Object label = row.get(DatasetSchema.SCHEMA.fieldIndex(DatasetSchema.LABEL));
                    String folder = label == null ? "images" : folders.get((Integer) label);
                    byte[] png = SampleGrid.png(
                            (byte[]) row.get(DatasetSchema.SCHEMA.fieldIndex(DatasetSchema.IMAGE)),
                            row.getInt(DatasetSchema.SCHEMA.fieldIndex(DatasetSchema.HEIGHT)),
                            row.getInt(DatasetSchema.SCHEMA.fieldIndex(DatasetSchema.WIDTH)),
                            row.getInt(DatasetSchema.SCHEMA.fieldIndex(DatasetSchema.CHANNELS)));
                    write(
                            fs,
                            new Path(
                                    root,
                                    folder + "/"
                                            + String.format(
                                                    "%09d.png",
                                                    row.getLong(DatasetSchema.SCHEMA.fieldIndex(DatasetSchema.ID)))),
                            png);
                }
                fs.close();
            });
            try (FileSystem fs = FileSystem.newInstance(temp.toUri(), conf.value())) {
                fs.setWriteChecksum(false);
                write(fs, new Path(temp, CONTACT_SHEET), contactSheet);
                // written last, as the marker that the export is complete
                write(fs, new Path(temp, MARKER), description.getBytes(StandardCharsets.UTF_8));
            }
            output.commit(temp);
        } catch (Exception e) {
            output.discard(temp);
            throw e instanceof RuntimeException r
                    ? r
                    : new IllegalStateException("cannot write " + output.target() + ": " + e, e);
        }
    }

    private static void write(FileSystem fs, Path file, byte[] bytes) throws IOException {
        try (OutputStream out = fs.create(file, true)) {
            out.write(bytes);
        }
    }

    /** A folder name for each label: the name where it is a safe file name, else class-<index>. */
    public static List<String> folders(List<String> labelNames) {
        return java.util.stream.IntStream.range(0, labelNames.size())
                .mapToObj(i ->
                        labelNames.get(i).matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}") ? labelNames.get(i) : "class-" + i)
                .toList();
    }
}
