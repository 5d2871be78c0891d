package io.sparkgan.model.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkgan.model.GanModelConfig;
import io.sparkgan.model.GanStepTest;
import io.sparkgan.model.nets.GanNetworks;
import io.sparkgan.model.sampling.LatentNoise;
import java.lang.reflect.Field;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

class OneDnnLayersTest {

    @Test
    void discriminatorConvolutionsAndBatchNormRunOnOneDnnAndAgreeWithTheReferencePath() throws Exception {
        GanModelConfig config = GanModelConfig.dcgan(28, 28, 1);
        MultiLayerNetwork fast = GanNetworks.discriminator(config).layerStack();
        MultiLayerNetwork reference = GanNetworks.discriminator(config).layerStack();
        OneDnnLayers.disable(reference);
        assertEquals(3, OneDnnLayers.activeLayers(fast), "2 convolutions, 1 batch norm");
        assertEquals(0, OneDnnLayers.activeLayers(reference));

        INDArray images = GanStepTest.realBatch(1, 16, config);
        INDArray targets = Nd4j.ones(DataType.FLOAT, 16, 1);
        INDArray fastOut = fast.output(images, true);
        INDArray referenceOut = reference.output(images, true);
        INDArray fastInputGradient =
                fast.calculateGradients(images, targets, null, null).getSecond();
        INDArray fastGradient = fast.getFlattenedGradients().dup();
        INDArray referenceInputGradient =
                reference.calculateGradients(images, targets, null, null).getSecond();
        INDArray referenceGradient = reference.getFlattenedGradients().dup();

        assertOneDnnRan(fast);
        assertClose(referenceOut, fastOut);
        assertClose(referenceInputGradient, fastInputGradient);
        assertClose(referenceGradient, fastGradient);
    }

    @Test
    void generatorBatchNormRunsOnOneDnnAndAgreesWithTheReferencePath() throws Exception {
        GanModelConfig config = GanModelConfig.dcgan(28, 28, 1);
        config.baseWidth = 16;
        MultiLayerNetwork fast = GanNetworks.generator(config).layerStack();
        MultiLayerNetwork reference = GanNetworks.generator(config).layerStack();
        OneDnnLayers.disable(reference);
        assertEquals(2, OneDnnLayers.activeLayers(fast), "2 batch norms");

        // two passes: the helper computes the batch statistics itself from its second training call on
        for (int pass = 0; pass < 2; pass++) {
            INDArray z = LatentNoise.sample(3 + pass, 16, config.latentSize, DataType.FLOAT);
            INDArray imageGradient =
                    LatentNoise.sample(5 + pass, 16, 28 * 28, DataType.FLOAT).reshape(16, 1, 28, 28);
            INDArray[] fastResult = forwardAndBackward(fast, z, imageGradient);
            INDArray[] referenceResult = forwardAndBackward(reference, z, imageGradient);

            assertOneDnnRan(fast);
            for (int i = 0; i < fastResult.length; i++) {
                assertClose(referenceResult[i], fastResult[i]);
            }
            // the running mean and variance of batch norm are parameters, updated by each training pass
            assertClose(reference.params(), fast.params());
        }
    }

    @Test
    void batchStatisticsMatchADoublePrecisionReferenceEvenFarFromZero() {
        // a large mean against a small spread: summing x and x^2 unshifted in float would cancel
        INDArray x = Nd4j.randn(DataType.FLOAT, 8, 3, 5, 7).muli(0.01).addi(100);
        INDArray mean = Nd4j.create(DataType.FLOAT, 3);
        INDArray var = Nd4j.create(DataType.FLOAT, 3);
        ContiguousBatchNormHelper.perChannelStatistics(x, mean, var);

        INDArray exact = x.castTo(DataType.DOUBLE);
        INDArray exactMean = exact.mean(0, 2, 3);
        INDArray exactVar = exact.var(false, 0, 2, 3);
        for (int c = 0; c < 3; c++) {
            assertEquals(exactMean.getDouble(c), mean.getDouble(c), 1e-5);
            assertEquals(exactVar.getDouble(c), var.getDouble(c), 1e-4 * exactVar.getDouble(c));
        }
    }

    @Test
    void backwardPassMatchesLibnd4jsBatchNormBackward() {
        INDArray x = Nd4j.randn(DataType.FLOAT, 8, 6, 5, 7).muli(3).addi(1);
        INDArray dy = Nd4j.randn(DataType.FLOAT, 8, 6, 5, 7);
        INDArray gamma = Nd4j.rand(DataType.FLOAT, 6).addi(0.5);
        INDArray beta = Nd4j.randn(DataType.FLOAT, 6);
        INDArray mean = Nd4j.create(DataType.FLOAT, 6);
        INDArray var = Nd4j.create(DataType.FLOAT, 6);
        ContiguousBatchNormHelper.perChannelStatistics(x, mean, var);
        double eps = 1e-5;

        INDArray dx = x.ulike();
        float[][] scaleAndShift = ContiguousBatchNormHelper.backward(
                x, dy, mean.toFloatVector(), var.toFloatVector(), gamma.toFloatVector(), eps, dx);

        INDArray referenceDx = x.ulike();
        INDArray referenceDGamma = gamma.ulike();
        INDArray referenceDBeta = gamma.ulike();
        Nd4j.exec(DynamicCustomOp.builder("batchnorm_bp")
                .addInputs(x, mean, var, gamma, beta, dy)
                .addIntegerArguments(1, 1, 1)
                .addFloatingPointArguments(eps)
                .addOutputs(referenceDx, mean.ulike(), var.ulike(), referenceDGamma, referenceDBeta)
                .build());
        assertClose(referenceDx, dx);
        assertClose(referenceDGamma, Nd4j.createFromArray(scaleAndShift[0]));
        assertClose(referenceDBeta, Nd4j.createFromArray(scaleAndShift[1]));
    }

    /** Images, latent gradient and parameter gradient of one training-mode pass. */
    private static INDArray[] forwardAndBackward(MultiLayerNetwork g, INDArray z, INDArray imageGradient) {
        g.setInput(z);
        List<INDArray> activations = g.feedForward(true, false);
        INDArray images = activations.get(activations.size() - 1).dup();
        INDArray latentGradient = g.backpropGradient(imageGradient, LayerWorkspaceMgr.noWorkspaces())
                .getSecond();
        return new INDArray[] {
            images, latentGradient.dup(), g.getFlattenedGradients().dup()
        };
    }

    /** The oneDNN ops really ran (their op contexts exist) and never fell back to the Java path. */
    private static void assertOneDnnRan(MultiLayerNetwork net) throws Exception {
        for (Layer layer : net.getLayers()) {
            Class<?> layerType = layer.getClass();
            if (layerType == ConvolutionLayer.class
                    || layerType == LinearConvolution2D.LinearLayer.class
                    || layerType == BatchNormalization.class) {
                Class<?> type =
                        layerType == BatchNormalization.class ? BatchNormalization.class : ConvolutionLayer.class;
                Object helper = field(type, "helper").get(layer);
                assertTrue(helper instanceof MKLDNNConvHelper || helper instanceof MKLDNNBatchNormHelper);
                Class<?> helperType =
                        helper instanceof MKLDNNConvHelper ? MKLDNNConvHelper.class : MKLDNNBatchNormHelper.class;
                assertNotNull(field(helperType, "context").get(helper), "oneDNN op ran in " + type);
                assertEquals(0, field(type, "helperCountFail").getInt(layer), "no fallback in " + type);
            }
        }
    }

    private static Field field(Class<?> type, String name) throws NoSuchFieldException {
        Field field = type.getDeclaredField(name);
        field.setAccessible(true);
        return field;
    }

    private static void assertClose(INDArray expected, INDArray actual) {
        double scale = expected.amaxNumber().doubleValue();
        double error = expected.sub(actual).amaxNumber().doubleValue();
        assertTrue(error <= 1e-5 * scale, "max abs difference " + error + " at scale " + scale);
    }
}
