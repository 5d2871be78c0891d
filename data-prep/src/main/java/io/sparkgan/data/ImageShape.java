package io.sparkgan.data;

import java.io.Serializable;

/** Height, width and channel count of an image; channels 1 = gray, 3 = RGB. */
public record ImageShape(int height, int width, int channels) implements Serializable {

    public ImageShape {
        if (height <= 0 || width <= 0 || channels <= 0) {
            throw new IllegalArgumentException(
                    "image dimensions must be positive, got " + height + "x" + width + "x" + channels);
        }
    }

    /** Parses {@code HxWxC}, e.g. {@code 28x28x1}. */
    public static ImageShape parse(String text) {
        int[] parts = positiveInts(text, 3, "HxWxC, e.g. 28x28x1");
        return new ImageShape(parts[0], parts[1], parts[2]);
    }

    public int pixelBytes() {
        return height * width * channels;
    }

    @Override
    public String toString() {
        return height + "x" + width + "x" + channels;
    }

    /** Splits "AxBx..." into exactly {@code count} positive ints, or says what was expected. */
    static int[] positiveInts(String text, int count, String expected) {
        String[] parts = text.trim().toLowerCase().split("x", -1);
        if (parts.length != count) {
            throw new IllegalArgumentException("expected " + expected + ", got '" + text + "'");
        }
        int[] values = new int[count];
        for (int i = 0; i < count; i++) {
            try {
                values[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("expected " + expected + ", got '" + text + "'");
            }
            if (values[i] <= 0) {
                throw new IllegalArgumentException("expected positive numbers in " + expected + ", got '" + text + "'");
            }
        }
        return values;
    }
}
