package io.sparkgan.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PixelImageTest {

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    @Test
    void resizingToTheSameSizeKeepsEveryByte() {
        PixelImage image = new PixelImage(
                2, 3, 3, bytes(0, 1, 2, 50, 100, 150, 255, 254, 253, 7, 8, 9, 10, 11, 12, 200, 201, 202));

        assertArrayEquals(image.pixels(), Resampler.resize(image, 2, 3).pixels());
    }

    @Test
    void shrinkingAveragesTheAreaUnderEachPixel() {
        PixelImage image =
                new PixelImage(4, 4, 1, bytes(0, 4, 100, 100, 8, 12, 100, 100, 255, 255, 0, 0, 255, 255, 0, 1));

        assertArrayEquals(bytes(6, 100, 255, 0), Resampler.resize(image, 2, 2).pixels());
        // 3 -> 2: each target pixel covers 1.5 source pixels
        PixelImage row = new PixelImage(1, 3, 1, bytes(0, 90, 180));
        assertArrayEquals(bytes(30, 150), Resampler.resize(row, 1, 2).pixels());
    }

    @Test
    void growingInterpolatesBetweenPixelCentres() {
        PixelImage row = new PixelImage(1, 2, 1, bytes(0, 200));

        // target centres fall at source x = -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1)
        assertArrayEquals(bytes(0, 50, 150, 200), Resampler.resize(row, 1, 4).pixels());
    }

    @Test
    void convertsBetweenGrayAndRgb() {
        PixelImage gray = new PixelImage(1, 2, 1, bytes(7, 250));
        assertArrayEquals(bytes(7, 7, 7, 250, 250, 250), gray.withChannels(3).pixels());

        PixelImage rgb = new PixelImage(1, 2, 3, bytes(255, 0, 0, 10, 20, 30));
        // 0.299 * 255 = 76.2; 0.299 * 10 + 0.587 * 20 + 0.114 * 30 = 18.13
        assertArrayEquals(bytes(76, 18), rgb.withChannels(1).pixels());
    }

    @Test
    void readsOpenCvOrderAndCompositesAlphaOnBlack() {
        PixelImage bgr = PixelImage.fromBgr(1, 1, 3, bytes(30, 20, 10));
        assertArrayEquals(bytes(10, 20, 30), bgr.pixels());

        PixelImage bgra = PixelImage.fromBgr(1, 2, 4, bytes(50, 100, 200, 128, 9, 9, 9, 0));
        // 200 * 128 / 255 = 100.4, 100 * 128 / 255 = 50.2, 50 * 128 / 255 = 25.1; alpha 0 is black
        assertArrayEquals(bytes(100, 50, 25, 0, 0, 0), bgra.pixels());
    }

    @Test
    void conformsSizeAndChannelsTogether() {
        PixelImage rgb = new PixelImage(2, 2, 3, bytes(255, 0, 0, 255, 0, 0, 255, 0, 0, 255, 0, 0));

        PixelImage conformed = rgb.conformTo(new ImageShape(1, 1, 1));

        assertEquals(new ImageShape(1, 1, 1), conformed.shape());
        assertArrayEquals(bytes(76), conformed.pixels());
    }
}
