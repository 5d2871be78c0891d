package io.sparkgan.jobs.spark;

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
}
