package io.sparkgan.model.superres;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkgan.model.GanModelConfig;
import io.sparkgan.model.SuperResolutionConfig;
import io.sparkgan.model.metrics.DetailEnergy;
import io.sparkgan.model.metrics.EvaluatorNetwork;
import io.sparkgan.model.metrics.Psnr;
import io.sparkgan.model.metrics.Ssim;
import io.sparkgan.model.nets.GanNetworks;
import io.sparkgan.model.nets.GraphNetwork;
import io.sparkgan.model.nets.Network;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class SuperResolutionModelTest {

    private static GanModelConfig small(int side, int channels, int scale) {
        GanModelConfig config = GanModelConfig.superResolution(side, side, channels, scale);
        config.baseWidth = 4;
        config.superResolution.blocks = 2;
        config.superResolution.features = 8;
        return config;
    }

    /** G is fully convolutional: any input size comes back scale times larger, in tanh's range. */
    @Test
    void generatorUpscalesImagesOfAnySizeIntoTheImageRange() {
        for (int scale : new int[] {2, 4}) {
            GanModelConfig config = small(16, 3, scale);
            Network g = GanNetworks.generator(config);
            assertTrue(g instanceof GraphNetwork);
            INDArray lowRes = Nd4j.rand(DataType.FLOAT, 2, 3, 16 / scale, 16 / scale)
                    .muli(2)
                    .subi(1);
            INDArray up = g.output(lowRes);
            assertArrayEquals(new long[] {2, 3, 16, 16}, up.shape());
            INDArray odd = g.output(Nd4j.rand(DataType.FLOAT, 1, 3, 5, 7));
            assertArrayEquals(new long[] {1, 3, 5L * scale, 7L * scale}, odd.shape());
            assertTrue(up.amaxNumber().doubleValue() <= 1);
            assertTrue(up.stdNumber().doubleValue() > 0, "G's output varies with its input");
        }
    }

    @Test
    void sidesThatTheScaleDoesNotDivideAreRefusedNamingTheShape() {
        GanModelConfig config = small(18, 1, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, config::validate);
        assertEquals(
                "a x4 super-resolution model needs image sides divisible by 4 and at least 16, got 18x18",
                e.getMessage());
    }

    /** The content loss's gradient (pixels, L1 or MSE, plus the evaluator's features) against finite differences. */
    @Test
    void contentLossGradientMatchesFiniteDifferences() {
        MultiLayerNetwork evaluator = EvaluatorNetwork.create(EvaluatorNetwork.configuration(8, 8, 1, 3, 5));
        MultiLayerNetwork features = ContentLoss.featureNetwork(evaluator.convertDataType(DataType.DOUBLE));
        for (SuperResolutionConfig.PixelLoss pixel : SuperResolutionConfig.PixelLoss.values()) {
            SuperResolutionConfig config = new SuperResolutionConfig();
            config.pixelLoss = pixel;
            config.featureWeight = 0.5;
            ContentLoss loss = new ContentLoss(config, features);
            INDArray target = Nd4j.rand(DataType.DOUBLE, 2, 1, 8, 8).muli(2).subi(1);
            INDArray generated = Nd4j.rand(DataType.DOUBLE, 2, 1, 8, 8).muli(2).subi(1);
            loss.setTarget(target);
            INDArray gradient = loss.gradient(generated).dup();
            double h = 1e-6;
            SplittableRandom pick = new SplittableRandom(3);
            for (int k = 0; k < 20; k++) {
                long at = pick.nextLong(generated.length());
                double original = generated.getDouble(at);
                generated.putScalar(at, original + h);
                double plus = total(loss, generated, config.featureWeight);
                generated.putScalar(at, original - h);
                double minus = total(loss, generated, config.featureWeight);
                generated.putScalar(at, original);
                double numeric = (plus - minus) / (2 * h);
                assertEquals(numeric, gradient.getDouble(at), 1e-6 + 1e-4 * Math.abs(numeric), pixel + " at " + at);
            }
        }
    }

    /** The loss summed over the batch, as the gradient is taken: per image, the pixel and weighted feature means. */
    private static double total(ContentLoss loss, INDArray generated, double featureWeight) {
        loss.gradient(generated);
        double[] terms = loss.last();
        return generated.size(0) * (terms[0] + featureWeight * terms[1]);
    }

    /**
     * A problem with a known answer: images of axis-aligned rectangles with sharp edges, which bicubic upscaling
     * blurs and a trained G can restore. After a short content-only training (SRResNet) G beats bicubic upscaling on
     * held-out images by more than 3 dB. Over 8 seeds (weights, data, test images) on each of two floating-point paths
     * (this Xeon's oneDNN and OpenBLAS kernels, AVX-512; and DNNL_MAX_CPU_ISA=AVX2 with OPENBLAS_CORETYPE=Haswell),
     * after these 150 steps G scored 22.1 dB and more (some runs restored every test image exactly) against
     * bicubic's 14.8-15.9 dB: at least 7 dB ahead in all 16 runs.
     */
    @Test
    void contentTrainingBeatsBicubicUpscalingOnSharpEdges() {
        GanModelConfig config = small(16, 1, 2);
        config.lrG = 1e-3;
        config.superResolution.adversarialWeight = 0;
        Network g = GanNetworks.generator(config);
        SuperResolutionStep step = new SuperResolutionStep(g, GanNetworks.discriminator(config), config, null);
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < 150; i++) {
            step.step(rectangles(16, random), i, false);
        }
        INDArray test = rectangles(64, new SplittableRandom(99));
        INDArray lowRes = BicubicResize.downscale(test, 2);
        double learned = mean(Psnr.perImage(g.output(lowRes), test, 2));
        double bicubic = mean(Psnr.perImage(BicubicResize.upscale(lowRes, 2), test, 2));
        assertTrue(learned > bicubic + 3, "SRResNet " + learned + " dB against bicubic " + bicubic + " dB");
    }

    /**
     * With the input skip, G is the input upscaled by nearest neighbour plus what its last convolution adds: with
     * that convolution zeroed, exactly the plain upscale, so training starts from the input's colours.
     */
    @Test
    void theInputSkipAddsGsOutputToTheNearestUpscaleOfItsInput() {
        GanModelConfig config = small(16, 3, 2);
        config.superResolution.inputSkip = true;
        Network g = GanNetworks.generator(config);
        INDArray lowRes = Nd4j.rand(DataType.FLOAT, 2, 3, 8, 8).muli(1.6).subi(0.8);
        g.model().paramTable().get("to-image_W").assign(0);
        g.model().paramTable().get("to-image_b").assign(0);
        INDArray nearest = lowRes.repeat(2, 2).repeat(3, 2);
        assertEquals(0, nearest.sub(g.output(lowRes)).amaxNumber().doubleValue(), 1e-6);
        g.model().paramTable().get("to-image_b").assign(5);
        assertEquals(1.0, g.output(lowRes).minNumber().doubleValue(), 1e-6, "clipped to the image range");
    }

    /** {@code n} 16x16 gray images: -1 with one to three rectangles of +1 (sides 3 to 10 pixels). */
    private static INDArray rectangles(int n, SplittableRandom random) {
        INDArray images = Nd4j.valueArrayOf(new long[] {n, 1, 16, 16}, -1.0, DataType.FLOAT);
        for (int i = 0; i < n; i++) {
            for (int r = 1 + random.nextInt(3); r > 0; r--) {
                int h = 3 + random.nextInt(8);
                int w = 3 + random.nextInt(8);
                int top = random.nextInt(16 - h);
                int left = random.nextInt(16 - w);
                for (int y = top; y < top + h; y++) {
                    for (int x = left; x < left + w; x++) {
                        images.putScalar(new long[] {i, 0, y, x}, 1);
                    }
                }
            }
        }
        return images;
    }

    private static double mean(double[] values) {
        return java.util.Arrays.stream(values).average().orElseThrow();
    }

    @Test
    void psnrAndSsimHaveTheirClosedForms() {
        // a constant 0.3 against 0.5 in [0, 1]: MSE 0.04, so 13.98 dB; SSIM is its luminance term alone
        INDArray a = Nd4j.valueArrayOf(new long[] {1, 1, 16, 16}, 2 * 0.3 - 1, DataType.DOUBLE);
        INDArray b = Nd4j.valueArrayOf(new long[] {1, 1, 16, 16}, 2 * 0.5 - 1, DataType.DOUBLE);
        assertEquals(10 * Math.log10(1 / 0.04), Psnr.perImage(a, b, 2)[0], 1e-9);
        double c1 = 1e-4;
        assertEquals((2 * 0.3 * 0.5 + c1) / (0.09 + 0.25 + c1), Ssim.perImage(a, b, 2)[0], 1e-9);
        INDArray noise = Nd4j.rand(DataType.DOUBLE, 2, 3, 16, 16).muli(2).subi(1);
        assertEquals(1, Ssim.perImage(noise, noise, 0)[1], 1e-12);
        assertTrue(Ssim.perImage(noise, noise.neg(), 0)[0] < -0.5, "an inverted image is anti-correlated");
    }

    @Test
    void detailEnergyIsZeroWhenFlatOneOnAPixelCheckerboardAndLostByBicubicUpscaling() {
        INDArray flat = Nd4j.valueArrayOf(new long[] {1, 3, 16, 16}, 0.2, DataType.DOUBLE);
        INDArray checkerboard = Nd4j.create(DataType.DOUBLE, 1, 1, 16, 16);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                checkerboard.putScalar(new int[] {0, 0, y, x}, (x + y) % 2 == 0 ? -1 : 1);
            }
        }
        assertEquals(0, DetailEnergy.perImage(flat, 2)[0], 1e-12);
        // luma alternates 0 and 1: every adjacent pair differs by 1
        assertEquals(1, DetailEnergy.perImage(checkerboard, 2)[0], 1e-12);
        INDArray noise = Nd4j.rand(DataType.DOUBLE, 4, 1, 32, 32).muli(2).subi(1);
        double original = mean(DetailEnergy.perImage(noise, 2));
        double bicubic = mean(DetailEnergy.perImage(BicubicResize.upscale(BicubicResize.downscale(noise, 2), 2), 2));
        assertTrue(bicubic < 0.2 * original, bicubic + " of " + original);
    }
}
