package io.sparkgan.jobs.superres;

import io.sparkgan.data.ImageShape;
import io.sparkgan.jobs.eval.NetworkBroadcast;
import io.sparkgan.jobs.spark.IdBlockBatches;
import io.sparkgan.jobs.spark.RowImages;
import io.sparkgan.model.ImageTensors;
import io.sparkgan.model.metrics.DetailEnergy;
import io.sparkgan.model.metrics.EvaluatorNetwork;
import io.sparkgan.model.metrics.Psnr;
import io.sparkgan.model.metrics.Ssim;
import io.sparkgan.model.metrics.TextureFeatures;
import io.sparkgan.model.nets.Network;
import io.sparkgan.model.nets.NetworkMemory;
import io.sparkgan.model.superres.BicubicResize;
import io.sparkgan.model.superres.ContentLoss;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The executors' half of {@link Upscaling}: each batch of fixed ids ({@link IdBlockBatches}) through G in inference
 * mode. When evaluating, the images are the originals: they are downscaled first, and each row also carries the
 * PSNR and SSIM of G's and of bicubic upscaling against the original, the detail energy of all three, and (with an
 * evaluator) the evaluator features and texture features of all three for the two FIDs.
 */
final class UpscalePass {

    private UpscalePass() {}

    /**
     * Rows (id, label, height, width, channels, image) of the upscaled images; evaluating, followed by psnr, ssim,
     * bicubicPsnr, bicubicSsim, detail, bicubicDetail, originalDetail, the three feature vectors and the three
     * texture feature vectors (null without an evaluator).
     */
    static IdBlockBatches.Factory<Row> factory(
            NetworkBroadcast generator, NetworkBroadcast evaluator, ImageShape shape, int scale, boolean evaluate) {
        return () -> {
            Network g = generator.build();
            MultiLayerNetwork features =
                    evaluator == null ? null : evaluator.build().layerStack();
            MultiLayerNetwork texture = features == null ? null : ContentLoss.featureNetwork(features);
            return batch -> upscale(batch, g, features, texture, shape, scale, evaluate);
        };
    }

    /** G's activations in one chunk of a batch. */
    static final long CHUNK_ACTIVATION_BYTES = 256L << 20;

    /**
     * Images per chunk of a batch that G runs on, from G's activations per image ({@link
     * NetworkMemory#inferenceActivationBytes}; this G keeps every activation of a pass until the collector runs): a
     * whole batch of 256 photographs of 64x64x3 upscaled 2x holds 16 GB, and failed past the launcher's 3.5 GB limit.
     */
    static int chunkSize(long activationBytesPerImage) {
        return (int) Math.max(1, Math.min(IdBlockBatches.BATCH, CHUNK_ACTIVATION_BYTES / activationBytesPerImage));
    }

    /** G on {@code lowRes} in chunks of {@code chunk} images, fixed by the batch, so any partitioning gives the same. */
    static INDArray outputInChunks(Network g, INDArray lowRes, int chunk) {
        long n = lowRes.size(0);
        if (n <= chunk) {
            return g.output(lowRes);
        }
        List<INDArray> parts = new ArrayList<>();
        for (long from = 0; from < n; from += chunk) {
            parts.add(g.output(lowRes.get(NDArrayIndex.interval(from, Math.min(n, from + chunk)))));
        }
        return Nd4j.concat(0, parts.toArray(INDArray[]::new));
    }

    private static List<Row> upscale(
            List<Row> batch,
            Network g,
            MultiLayerNetwork features,
            MultiLayerNetwork texture,
            ImageShape shape,
            int scale,
            boolean evaluate) {
        INDArray images = RowImages.batch(
                batch.stream().map(r -> r.<byte[]>getAs(2)).toList(), shape.height(), shape.width(), shape.channels());
        INDArray lowRes = evaluate ? BicubicResize.downscale(images, scale) : images;
        InputType lowResType = InputType.convolutional(lowRes.size(2), lowRes.size(3), lowRes.size(1));
        INDArray upscaled =
                outputInChunks(g, lowRes, chunkSize(NetworkMemory.inferenceActivationBytes(g, lowResType, 1)));
        byte[][] pixels = ImageTensors.toPixels(upscaled);
        int h = (int) upscaled.size(2);
        int w = (int) upscaled.size(3);
        double[][] metrics = null;
        double[][][] featureSets = null;
        if (evaluate) {
            INDArray bicubic = BicubicResize.upscale(lowRes, scale);
            metrics = new double[][] {
                Psnr.perImage(upscaled, images, scale),
                Ssim.perImage(upscaled, images, scale),
                Psnr.perImage(bicubic, images, scale),
                Ssim.perImage(bicubic, images, scale),
                DetailEnergy.perImage(upscaled, scale),
                DetailEnergy.perImage(bicubic, scale),
                DetailEnergy.perImage(images, scale)
            };
            if (features != null) {
                featureSets = new double[][][] {
                    EvaluatorNetwork.evaluate(features, upscaled).features(),
                    EvaluatorNetwork.evaluate(features, bicubic).features(),
                    EvaluatorNetwork.evaluate(features, images).features(),
                    TextureFeatures.of(texture, upscaled),
                    TextureFeatures.of(texture, bicubic),
                    TextureFeatures.of(texture, images)
                };
            }
        }
        List<Row> out = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            Row r = batch.get(i);
            List<Object> values = new ArrayList<>(List.of(r.getLong(0)));
            values.add(r.isNullAt(1) ? null : r.getInt(1));
            values.addAll(List.of(h, w, shape.channels(), pixels[i]));
            if (metrics != null) {
                for (double[] metric : metrics) {
                    values.add(metric[i]);
                }
                for (int set = 0; set < 6; set++) {
                    values.add(featureSets == null ? null : floats(featureSets[set][i]));
                }
            }
            out.add(RowFactory.create(values.toArray()));
        }
        return out;
    }

    private static float[] floats(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }
}
