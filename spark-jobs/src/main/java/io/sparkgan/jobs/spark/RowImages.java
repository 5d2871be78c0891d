package io.sparkgan.jobs.spark;

import io.sparkgan.data.DatasetSchema;
import io.sparkgan.data.ImageDataset;
import io.sparkgan.model.ImageTensors;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Images collected from dataset rows as one batch. */
public final class RowImages {

    private RowImages() {}

    /** The pixel arrays (each H*W*C bytes, as the dataset stores them) as a batch [n, C, H, W] in [-1, 1]. */
    public static INDArray batch(List<byte[]> images, int height, int width, int channels) {
        int size = height * width * channels;
        byte[] pixels = new byte[images.size() * size];
        for (int i = 0; i < images.size(); i++) {
            System.arraycopy(images.get(i), 0, pixels, i * size, size);
        }
        int[] all = new int[images.size()];
        Arrays.setAll(all, i -> i);
        return ImageTensors.batch(pixels, all, height, width, channels);
    }

    /**
     * {@code count} images spread evenly over the dataset in id order (positions 0, n/count, 2n/count, ... of its n
     * rows), as a batch: what comparison pictures show. Not the first ones: a dataset of tiles keeps each
     * photograph's tiles together, so its first ids are all one corner of one photograph.
     */
    public static INDArray spreadById(ImageDataset dataset, int count) {
        long total = dataset.manifest().count();
        long[] positions = new long[(int) Math.min(count, total)];
        Arrays.setAll(positions, i -> i * total / positions.length);
        List<byte[]> images = dataset.rows()
                .orderBy(DatasetSchema.ID)
                .select(DatasetSchema.IMAGE)
                .javaRDD()
                .zipWithIndex()
                .filter(row -> Arrays.binarySearch(positions, row._2()) >= 0)
                .map(row -> row._1().<byte[]>getAs(0))
                .collect();
        return batch(
                images,
                dataset.manifest().height(),
                dataset.manifest().width(),
                dataset.manifest().channels());
    }
}
