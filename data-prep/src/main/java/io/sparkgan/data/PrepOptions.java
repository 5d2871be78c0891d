package io.sparkgan.data;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * The options every source honours.
 *
 * @param resize target size, or null to keep the input's (which must then be uniform)
 * @param channels 1 or 3 (checked by the command), or null for 1 when every input image is gray and 3 otherwise
 * @param limit keep only the first this many records (at least 1), or null for all
 * @param maxPixels the most pixels one encoded image may decode to (decompression bombs are refused)
 */
record PrepOptions(ImageSize resize, Integer channels, Long limit, long maxPixels) {

    PrepOptions(ImageSize resize, Integer channels, Long limit) {
        this(resize, channels, limit, ImageCodec.DEFAULT_MAX_PIXELS);
    }

    /** Records to keep out of {@code available}. */
    long keep(long available) {
        return limit == null ? available : Math.min(limit, available);
    }

    /** The dataset's shape given the shapes found in the input. */
    ImageShape targetShape(Collection<ObservedShape> observed) {
        List<ObservedShape> shapes = observed.stream()
                .sorted(Comparator.comparing(ObservedShape::example))
                .toList();
        if (shapes.isEmpty()) {
            throw new IllegalStateException("no shapes observed");
        }
        ObservedShape first = shapes.get(0);
        if (resize == null) {
            shapes.stream()
                    .filter(s -> !s.size().equals(first.size()))
                    .findFirst()
                    .ifPresent(other -> {
                        throw new DatasetException("images have different sizes: " + first.example() + " is "
                                + first.size() + " but " + other.example() + " is " + other.size()
                                + " (height x width); pass --resize HxW");
                    });
        }
        int height = resize == null ? first.height() : resize.height();
        int width = resize == null ? first.width() : resize.width();
        int targetChannels = channels != null ? channels : shapes.stream().allMatch(ObservedShape::gray) ? 1 : 3;
        return new ImageShape(height, width, targetChannels);
    }
}
