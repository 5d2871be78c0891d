package io.sparkgan.data;

import java.io.Serializable;

/** Height and width in pixels, the argument of {@code --resize}. */
public record ImageSize(int height, int width) implements Serializable {

    /** Parses {@code HxW}, e.g. {@code 64x64}. */
    public static ImageSize parse(String text) {
        int[] parts = ImageShape.positiveInts(text, 2, "HxW, e.g. 64x64");
        return new ImageSize(parts[0], parts[1]);
    }

    @Override
    public String toString() {
        return height + "x" + width;
    }
}
