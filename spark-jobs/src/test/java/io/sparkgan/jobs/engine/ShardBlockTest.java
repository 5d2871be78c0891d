package io.sparkgan.jobs.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Shards are held in chunks of whole images: what goes in comes out, across chunk boundaries. */
class ShardBlockTest {

    @Test
    void imagesComeBackWhateverChunkTheyLandedIn() {
        int imageBytes = 28 * 28;
        // 3 images per chunk, 10 images: four chunks, the last one partial
        ShardBlock.Builder builder = new ShardBlock.Builder(4, imageBytes, 3 * imageBytes + 100);
        byte[][] images = new byte[10][imageBytes];
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < images.length; i++) {
            for (int b = 0; b < imageBytes; b++) {
                images[i][b] = (byte) random.nextInt(256);
            }
            builder.add(100 + i, i % 7, images[i]);
        }
        ShardBlock block = builder.build();
        assertEquals(10, block.size());
        assertEquals(104, block.ids[4]);
        assertEquals(2, block.labels[9]);
        int[] indexes = {9, 0, 3, 2, 6, 9};
        byte[] gathered = block.gather(indexes);
        for (int i = 0; i < indexes.length; i++) {
            byte[] one = new byte[imageBytes];
            System.arraycopy(gathered, i * imageBytes, one, 0, imageBytes);
            assertArrayEquals(images[indexes[i]], one, "image " + indexes[i]);
        }
    }
}
