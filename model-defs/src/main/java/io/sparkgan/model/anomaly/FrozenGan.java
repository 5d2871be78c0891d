package io.sparkgan.model.anomaly;

import io.sparkgan.model.GanModelConfig;
import io.sparkgan.model.nets.BatchNormFolding;
import io.sparkgan.model.nets.GanNetworks;
import io.sparkgan.model.nets.Network;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A trained G and D held fixed, as anomaly detection uses them: G's image for a latent vector, D's features for
 * an image (the activations before D's score, f-AnoGAN's f), and the two residuals of an image x against G(z),
 * per image: A_R = mean((x - G(z))^2) and A_D = mean((f(x) - f(G(z)))^2), with their gradient with respect to z.
 * Both networks run in inference mode (batch-norm running statistics), folded by {@link BatchNormFolding} so that
 * gradients pass through them; nothing here changes their weights.
 */
public final class FrozenGan {

    private final MultiLayerNetwork generator;
    private final MultiLayerNetwork features;

    private FrozenGan(MultiLayerNetwork generator, MultiLayerNetwork features) {
        this.generator = generator;
        this.features = features;
    }

    /** G and D of a trained unconditional GAN whose config is {@code config} (layer stacks). */
    public static FrozenGan of(GanModelConfig config, Network generator, Network discriminator) {
        if (config.conditional) {
            throw new IllegalArgumentException("anomaly scores need an unconditional GAN");
        }
        DataType type = generator.params().dataType();
        MultiLayerNetwork g =
                BatchNormFolding.fold(config, generator.layerStack(), c -> GanNetworks.generator(c, type));
        MultiLayerNetwork d =
                BatchNormFolding.fold(config, discriminator.layerStack(), c -> GanNetworks.discriminator(c, type));
        // D's features: everything before its output layer
        MultiLayerNetwork f =
                new TransferLearning.Builder(d).removeOutputLayer().build();
        return new FrozenGan(g, f);
    }

    /** The two residuals of each image, and (when asked) the gradient of sum_i (A_R + kappa A_D) by z. */
    public record Residuals(double[] image, double[] features, INDArray reconstruction, INDArray latentGradient) {
        /** A_R + kappa A_D per image. */
        public double[] combined(double kappa) {
            double[] out = new double[image.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = image[i] + kappa * features[i];
            }
            return out;
        }
    }

    /** G(z) for latent vectors z [b, latent], in inference mode. */
    public INDArray reconstruct(INDArray z) {
        return generator.output(z, false);
    }

    /**
     * The residuals of images {@code x} against G(z). With {@code kappa} not null, also the gradient with
     * respect to z of sum_i (A_R(i) + kappa A_D(i)).
     */
    public Residuals residuals(INDArray x, INDArray z, Double kappa) {
        LayerWorkspaceMgr noWorkspaces = LayerWorkspaceMgr.noWorkspaces();
        // first: output() clears the layer inputs that backprop needs
        INDArray onImages = features.output(x, false);
        INDArray reconstruction;
        INDArray onReconstruction;
        if (kappa != null) {
            generator.setInput(z);
            List<INDArray> g = generator.feedForward(true, false);
            reconstruction = g.get(g.size() - 1);
            features.setInput(reconstruction);
            List<INDArray> f = features.feedForward(true, false);
            onReconstruction = f.get(f.size() - 1);
        } else {
            reconstruction = generator.output(z, false);
            onReconstruction = features.output(reconstruction, false);
        }
        INDArray imageDifference = reconstruction.sub(x.castTo(reconstruction.dataType()));
        INDArray featureDifference = onReconstruction.sub(onImages);
        double[] image = perSampleMeanSquare(imageDifference);
        double[] feature = perSampleMeanSquare(featureDifference);
        INDArray latentGradient = null;
        if (kappa != null) {
            long batch = x.size(0);
            double featureValues = (double) featureDifference.length() / batch;
            double imageValues = (double) imageDifference.length() / batch;
            // d/dG(z) of the feature term, through D's features; then the image term; then back through G
            INDArray throughFeatures = features.backpropGradient(
                            featureDifference.mul(2 * kappa / featureValues), noWorkspaces)
                    .getSecond();
            INDArray onReconstructionGradient = throughFeatures.addi(imageDifference.mul(2 / imageValues));
            latentGradient = generator
                    .backpropGradient(onReconstructionGradient, noWorkspaces)
                    .getSecond();
        }
        return new Residuals(image, feature, reconstruction, latentGradient);
    }

    private static double[] perSampleMeanSquare(INDArray difference) {
        long batch = difference.size(0);
        INDArray flat = difference.reshape(batch, difference.length() / batch);
        return flat.mul(flat).mean(1).castTo(DataType.DOUBLE).toDoubleVector();
    }
}
