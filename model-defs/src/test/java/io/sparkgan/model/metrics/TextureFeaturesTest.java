package io.sparkgan.model.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkgan.model.superres.BicubicResize;
import io.sparkgan.model.superres.ContentLoss;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class TextureFeaturesTest {

    private static final MultiLayerNetwork CONVOLUTIONS = ContentLoss.featureNetwork(
            EvaluatorNetwork.create(EvaluatorNetwork.autoencoderConfiguration(16, 16, 1, 7)));

    private static INDArray noise(long seed, int side) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.rand(DataType.FLOAT, 64, 1, side, side).muli(2).subi(1);
    }

    @Test
    void holdEachConvolutionsChannelMeansThenDeviations() {
        // the convolutions take any size; 96x96 images go through in chunks of 28
        INDArray images = noise(1, 96);
        double[][] features = TextureFeatures.of(CONVOLUTIONS, images);
        assertEquals(2 * (32 + 64), features[0].length);
        INDArray second = CONVOLUTIONS.feedForward(images, false).get(3).castTo(DataType.DOUBLE);
        INDArray channel = second.get(NDArrayIndex.point(40), NDArrayIndex.point(10));
        assertEquals(channel.meanNumber().doubleValue(), features[40][64 + 10], 1e-6);
        assertEquals(channel.stdNumber(false).doubleValue(), features[40][64 + 64 + 10], 1e-6);
    }

    @Test
    void fidInTextureFeaturesSeesBlurThatAnotherSampleDoesNotShow() {
        INDArray originals = noise(1, 16);
        FeatureStatistics real = FeatureStatistics.of(TextureFeatures.of(CONVOLUTIONS, originals));
        double anotherSample =
                FrechetDistance.between(FeatureStatistics.of(TextureFeatures.of(CONVOLUTIONS, noise(2, 16))), real);
        INDArray blurred = BicubicResize.upscale(BicubicResize.downscale(originals, 2), 2);
        double blur = FrechetDistance.between(FeatureStatistics.of(TextureFeatures.of(CONVOLUTIONS, blurred)), real);
        assertTrue(blur > 10 * anotherSample, "blurred " + blur + ", another sample " + anotherSample);
    }
}
