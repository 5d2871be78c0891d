package io.sparkgan.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Between the dataset's pixels (uint8, row-major HWC, as stored in Parquet) and the networks' input
 * (float NCHW in [-1, 1], matching G's tanh output).
 */
public final class ImageTensors {

    private ImageTensors() {}

    /**
     * Builds a batch from images stored back to back in {@code pixels} (each {@code h*w*c} bytes), taking the
     * images at {@code indexes}.
     */
    public static INDArray batch(byte[] pixels, int[] indexes, int height, int width, int channels) {
        int size = height * width * channels;
        float[] out = new float[indexes.length * size];
        for (int b = 0; b < indexes.length; b++) {
            int src = indexes[b] * size;
            int dst = b * size;
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    for (int c = 0; c < channels; c++) {
                        int value = pixels[src + (y * width + x) * channels + c] & 0xFF;
                        out[dst + (c * height + y) * width + x] = value / 127.5f - 1f;
                    }
                }
            }
        }
        return Nd4j.create(out, new long[] {indexes.length, channels, height, width}, 'c');
    }

    /** The inverse: NCHW in [-1, 1] to uint8 HWC, one byte array per image (values clamped). */
    public static byte[][] toPixels(INDArray images) {
        int n = (int) images.size(0);
        int channels = (int) images.size(1);
        int height = (int) images.size(2);
        int width = (int) images.size(3);
        float[] values = images.castTo(DataType.FLOAT).reshape(images.length()).toFloatVector();
        byte[][] out = new byte[n][height * width * channels];
        for (int i = 0; i < n; i++) {
            int base = i * channels * height * width;
            for (int c = 0; c < channels; c++) {
                for (int y = 0; y < height; y++) {
                    for (int x = 0; x < width; x++) {
                        float v = values[base + (c * height + y) * width + x];
                        int value = Math.max(0, Math.min(255, Math.round((v + 1f) * 127.5f)));
                        out[i][(y * width + x) * channels + c] = (byte) value;
                    }
                }
            }
        }
        return out;
    }
}
