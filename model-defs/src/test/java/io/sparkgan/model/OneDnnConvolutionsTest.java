package io.sparkgan.model;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.lang.reflect.Field;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OneDnnConvolutionsTest {

    @Test
    void discriminatorConvolutionsRunOnOneDnnAndAgreeWithTheReferencePath() throws Exception {
        GanModelConfig config = GanModelConfig.dcgan(28, 28, 1);
        MultiLayerNetwork fast = GanNetworks.discriminator(config);
        MultiLayerNetwork reference = GanNetworks.discriminator(config);
        OneDnnConvolutions.disable(reference);
        assertEquals(2, OneDnnConvolutions.activeLayers(fast));
        assertEquals(0, OneDnnConvolutions.activeLayers(reference));

        INDArray images = GanStepTest.realBatch(1, 16, config);
        INDArray targets = Nd4j.ones(DataType.FLOAT, 16, 1);
        INDArray fastOut = fast.output(images, true);
        INDArray referenceOut = reference.output(images, true);
        INDArray fastInputGradient = fast.calculateGradients(images, targets, null, null).getSecond();
        INDArray fastGradient = fast.getFlattenedGradients().dup();
        INDArray referenceInputGradient = reference.calculateGradients(images, targets, null, null).getSecond();
        INDArray referenceGradient = reference.getFlattenedGradients().dup();

        // the oneDNN op really ran (its op context exists) and never fell back to the Java path
        for (Layer layer : fast.getLayers()) {
            if (layer.getClass() == ConvolutionLayer.class) {
                Object helper = field(ConvolutionLayer.class, "helper").get(layer);
                assertTrue(helper instanceof MKLDNNConvHelper);
                assertNotNull(field(MKLDNNConvHelper.class, "context").get(helper), "oneDNN forward op ran");
                assertEquals(0, field(ConvolutionLayer.class, "helperCountFail").getInt(layer), "no fallback");
            }
        }
        assertClose(referenceOut, fastOut);
        assertClose(referenceInputGradient, fastInputGradient);
        assertClose(referenceGradient, fastGradient);
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
