package io.sparkgan.model.augment;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Differentiable augmentation (Zhao et al., 2020, "DiffAugment"): random colour changes, translation and cutout,
 * applied to <em>every</em> image D sees, real and generated, in D's step and in G's, with G's gradient passed back
 * through the augmentation. Augmenting only the real images would teach D that augmented means real, and G to
 * reproduce the augmentation; {@link io.sparkgan.model.training.GanStep} applies the policy to all of D's inputs, and
 * there is no way to ask it for less.
 *
 * <p>Every operation is affine in the image once its random parameters are drawn, so the backward pass is the
 * transposed linear map: exact, and cheap. Images are NCHW in [-1, 1]; each image of a batch gets its own draw.
 * <ul>
 *   <li>{@link Kind#COLOR}: brightness x + (r - 0.5), saturation (x - channel mean) * 2r + channel mean (a no-op on
 *   gray images), contrast (x - image mean) * (r + 0.5) + image mean, r ~ U[0, 1) each.</li>
 *   <li>{@link Kind#TRANSLATION}: a shift of up to 1/8 of each side, uncovered pixels 0.</li>
 *   <li>{@link Kind#CUTOUT}: a square of half the side at a random place set to 0.</li>
 * </ul>
 */
public final class DiffAugment {

    /** The operations a policy may hold. */
    public enum Kind {
        COLOR,
        TRANSLATION,
        CUTOUT
    }

    private final Set<Kind> policy;

    public DiffAugment(Set<Kind> policy) {
        this.policy = policy.isEmpty() ? EnumSet.noneOf(Kind.class) : EnumSet.copyOf(policy);
    }

    /** A policy from {@code --augment}: a comma-separated subset of color, translation, cutout; or none. */
    public static Set<Kind> parse(String flag) {
        EnumSet<Kind> kinds = EnumSet.noneOf(Kind.class);
        if (flag == null || flag.isBlank() || flag.trim().equalsIgnoreCase("none")) {
            return kinds;
        }
        for (String part : flag.split(",")) {
            try {
                kinds.add(Kind.valueOf(part.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--augment takes color, translation, cutout (any subset) or none;"
                        + " got '" + part.trim() + "'");
            }
        }
        return kinds;
    }

    /** The policy as {@code --augment} writes it. */
    public static String format(Set<Kind> policy) {
        return policy.isEmpty()
                ? "none"
                : policy.stream().map(k -> k.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(","));
    }

    public boolean enabled() {
        return !policy.isEmpty();
    }

    /** Draws the parameters of one augmentation of a batch of {@code n} images [C, H, W]. */
    public Augmentation sample(SplittableRandom random, int n, int channels, int height, int width) {
        double[] brightness = new double[n];
        double[] saturation = new double[n];
        double[] contrast = new double[n];
        int[] shiftY = new int[n];
        int[] shiftX = new int[n];
        int[] cutY = new int[n];
        int[] cutX = new int[n];
        int maxY = height / 8;
        int maxX = width / 8;
        for (int i = 0; i < n; i++) {
            // drawn in a fixed order whatever the policy, so adding an operation leaves the others' draws alone
            brightness[i] = random.nextDouble() - 0.5;
            saturation[i] = random.nextDouble() * 2;
            contrast[i] = random.nextDouble() + 0.5;
            shiftY[i] = random.nextInt(-maxY, maxY + 1);
            shiftX[i] = random.nextInt(-maxX, maxX + 1);
            cutY[i] = random.nextInt(height);
            cutX[i] = random.nextInt(width);
        }
        return new Augmentation(
                n, channels, height, width, brightness, saturation, contrast, shiftY, shiftX, cutY, cutX);
    }

    /** One drawn augmentation of a batch: the forward map and its transpose. */
    public final class Augmentation {
        private final int n;
        private final int c;
        private final int h;
        private final int w;
        private final double[] brightness;
        private final double[] saturation;
        private final double[] contrast;
        private final int[] shiftY;
        private final int[] shiftX;
        private final int[] cutY;
        private final int[] cutX;

        private Augmentation(
                int n,
                int c,
                int h,
                int w,
                double[] brightness,
                double[] saturation,
                double[] contrast,
                int[] shiftY,
                int[] shiftX,
                int[] cutY,
                int[] cutX) {
            this.n = n;
            this.c = c;
            this.h = h;
            this.w = w;
            this.brightness = brightness;
            this.saturation = saturation;
            this.contrast = contrast;
            this.shiftY = shiftY;
            this.shiftX = shiftX;
            this.cutY = cutY;
            this.cutX = cutX;
        }

        /** The augmented images (a new array; the input is left alone). */
        public INDArray apply(INDArray images) {
            double[] x = values(images);
            if (policy.contains(Kind.COLOR)) {
                for (int i = 0; i < n; i++) {
                    addConstant(x, i, brightness[i]);
                    mixWithChannelMean(x, i, saturation[i]);
                    mixWithImageMean(x, i, contrast[i]);
                }
            }
            if (policy.contains(Kind.TRANSLATION)) {
                x = translate(x, 1);
            }
            if (policy.contains(Kind.CUTOUT)) {
                cutOut(x);
            }
            return Nd4j.create(x, images.shape(), 'c').castTo(images.dataType());
        }

        /** The gradient with respect to the original images, given the gradient with respect to the augmented. */
        public INDArray backward(INDArray gradient) {
            double[] g = values(gradient);
            if (policy.contains(Kind.CUTOUT)) {
                cutOut(g);
            }
            if (policy.contains(Kind.TRANSLATION)) {
                g = translate(g, -1);
            }
            if (policy.contains(Kind.COLOR)) {
                // the colour maps in reverse order; each is self-adjoint, brightness passes the gradient unchanged
                for (int i = 0; i < n; i++) {
                    mixWithImageMean(g, i, contrast[i]);
                    mixWithChannelMean(g, i, saturation[i]);
                }
            }
            return Nd4j.create(g, gradient.shape(), 'c').castTo(gradient.dataType());
        }

        private double[] values(INDArray batch) {
            if (batch.size(0) != n || batch.length() != (long) n * c * h * w) {
                throw new IllegalArgumentException("augmentation drawn for " + n + "x" + c + "x" + h + "x" + w
                        + ", applied to " + java.util.Arrays.toString(batch.shape()));
            }
            return batch.dup('c').reshape(batch.length()).toDoubleVector();
        }

        private void addConstant(double[] x, int image, double value) {
            int base = image * c * h * w;
            for (int k = 0; k < c * h * w; k++) {
                x[base + k] += value;
            }
        }

        /** x <- s x + (1 - s) mean over channels, per pixel. */
        private void mixWithChannelMean(double[] x, int image, double s) {
            int base = image * c * h * w;
            int plane = h * w;
            for (int p = 0; p < plane; p++) {
                double mean = 0;
                for (int ch = 0; ch < c; ch++) {
                    mean += x[base + ch * plane + p];
                }
                mean /= c;
                for (int ch = 0; ch < c; ch++) {
                    int at = base + ch * plane + p;
                    x[at] = s * x[at] + (1 - s) * mean;
                }
            }
        }

        /** x <- s x + (1 - s) mean over the whole image. */
        private void mixWithImageMean(double[] x, int image, double s) {
            int base = image * c * h * w;
            int size = c * h * w;
            double mean = 0;
            for (int k = 0; k < size; k++) {
                mean += x[base + k];
            }
            mean /= size;
            for (int k = 0; k < size; k++) {
                x[base + k] = s * x[base + k] + (1 - s) * mean;
            }
        }

        /** Moves each image by (direction * shift); pixels moved in from outside are 0. */
        private double[] translate(double[] x, int direction) {
            double[] out = new double[x.length];
            for (int i = 0; i < n; i++) {
                int dy = direction * shiftY[i];
                int dx = direction * shiftX[i];
                for (int ch = 0; ch < c; ch++) {
                    int base = ((i * c) + ch) * h * w;
                    for (int y = 0; y < h; y++) {
                        int sy = y - dy;
                        if (sy < 0 || sy >= h) {
                            continue;
                        }
                        for (int xx = 0; xx < w; xx++) {
                            int sx = xx - dx;
                            if (sx >= 0 && sx < w) {
                                out[base + y * w + xx] = x[base + sy * w + sx];
                            }
                        }
                    }
                }
            }
            return out;
        }

        /** Zeroes a square of half each side centred at the drawn place (clipped at the borders). */
        private void cutOut(double[] x) {
            int halfH = h / 4;
            int halfW = w / 4;
            for (int i = 0; i < n; i++) {
                for (int ch = 0; ch < c; ch++) {
                    int base = ((i * c) + ch) * h * w;
                    for (int y = Math.max(0, cutY[i] - halfH); y < Math.min(h, cutY[i] + halfH); y++) {
                        for (int xx = Math.max(0, cutX[i] - halfW); xx < Math.min(w, cutX[i] + halfW); xx++) {
                            x[base + y * w + xx] = 0;
                        }
                    }
                }
            }
        }
    }
}
