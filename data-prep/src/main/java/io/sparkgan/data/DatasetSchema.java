package io.sparkgan.data;

import java.util.Arrays;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The rows of a dataset: {@code id} (unique), {@code label} (index into the manifest's labelNames, null when
 * unlabelled), {@code height}, {@code width}, {@code channels} and {@code image} (uint8 pixels, row-major HWC,
 * gray or R,G,B).
 */
public final class DatasetSchema {

    public static final String ID = "id";
    public static final String LABEL = "label";
    public static final String HEIGHT = "height";
    public static final String WIDTH = "width";
    public static final String CHANNELS = "channels";
    public static final String IMAGE = "image";

    public static final StructType SCHEMA = new StructType(new StructField[] {
        DataTypes.createStructField(ID, DataTypes.LongType, false),
        DataTypes.createStructField(LABEL, DataTypes.IntegerType, true),
        DataTypes.createStructField(HEIGHT, DataTypes.IntegerType, false),
        DataTypes.createStructField(WIDTH, DataTypes.IntegerType, false),
        DataTypes.createStructField(CHANNELS, DataTypes.IntegerType, false),
        DataTypes.createStructField(IMAGE, DataTypes.BinaryType, false),
    });

    private DatasetSchema() {}

    public static Row row(long id, Integer label, PixelImage image) {
        return RowFactory.create(id, label, image.height(), image.width(), image.channels(), image.pixels());
    }

    /** The pixels of a row in this schema. */
    public static PixelImage image(Row row) {
        return new PixelImage(
                row.getInt(row.fieldIndex(HEIGHT)),
                row.getInt(row.fieldIndex(WIDTH)),
                row.getInt(row.fieldIndex(CHANNELS)),
                row.getAs(IMAGE));
    }

    /** The label of a row in this schema, or null when it has none. */
    public static Integer label(Row row) {
        int index = row.fieldIndex(LABEL);
        return row.isNullAt(index) ? null : row.getInt(index);
    }

    /**
     * Checks that {@code actual} has every column of the dataset schema with the right type; {@code where} names
     * the rows' origin in the error.
     */
    static void requireColumns(StructType actual, String where) {
        for (StructField expected : SCHEMA.fields()) {
            if (!Arrays.asList(actual.fieldNames()).contains(expected.name())) {
                throw new DatasetException(where + " has no column '" + expected.name() + "' (columns: "
                        + String.join(", ", actual.fieldNames()) + ")");
            }
            DataType type = actual.apply(expected.name()).dataType();
            if (!type.equals(expected.dataType())) {
                throw new DatasetException(where + ": column '" + expected.name() + "' has type " + type.simpleString()
                        + ", expected " + expected.dataType().simpleString());
            }
        }
    }
}
