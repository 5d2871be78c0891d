package io.sparkgan.data;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;

/**
 * {@code --tile HxW}: every image cut into non-overlapping tiles of that size, left to right and top to bottom, the
 * remainder at the right and bottom edges dropped; each tile keeps its image's label. Tile k of the image with id
 * i gets id i * tilesPerImage + k, so ids stay unique and say where a tile came from. For patch datasets (such as
 * super-resolution's) cut from a few large photographs.
 */
final class ImageTiles {

    private ImageTiles() {}

    /** The tiles of {@code images}, which are all of one size (as every source makes them). */
    static PreparedImages cut(PreparedImages images, ImageSize tile) {
        JavaRDD<Row> tiles = images.rows().javaRDD().flatMap(row -> {
            PixelImage image = DatasetSchema.image(row);
            if (tile.height() > image.height() || tile.width() > image.width()) {
                throw new DatasetException("--tile " + tile + " is larger than the " + image.height() + "x"
                        + image.width() + " images; --resize them first");
            }
            int rows = image.height() / tile.height();
            int columns = image.width() / tile.width();
            long id = row.getLong(row.fieldIndex(DatasetSchema.ID));
            Integer label = DatasetSchema.label(row);
            List<Row> out = new ArrayList<>(rows * columns);
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < columns; c++) {
                    out.add(DatasetSchema.row(
                            id * rows * columns + (long) r * columns + c,
                            label,
                            crop(image, r * tile.height(), c * tile.width(), tile)));
                }
            }
            return out.iterator();
        });
        return new PreparedImages(
                images.rows().sparkSession().createDataFrame(tiles, DatasetSchema.SCHEMA),
                images.labelNames(),
                images.description() + ", cut into " + tile + " tiles");
    }

    private static PixelImage crop(PixelImage image, int top, int left, ImageSize tile) {
        int channels = image.channels();
        byte[] pixels = new byte[tile.height() * tile.width() * channels];
        int rowBytes = tile.width() * channels;
        for (int y = 0; y < tile.height(); y++) {
            System.arraycopy(
                    image.pixels(), ((top + y) * image.width() + left) * channels, pixels, y * rowBytes, rowBytes);
        }
        return new PixelImage(tile.height(), tile.width(), channels, pixels);
    }
}
