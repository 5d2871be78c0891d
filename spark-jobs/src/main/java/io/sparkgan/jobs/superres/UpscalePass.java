package io.sparkgan.jobs.superres;

import io.sparkgan.data.ImageShape;
import io.sparkgan.jobs.eval.NetworkBroadcast;
import io.sparkgan.jobs.spark.IdBlockBatches;
import io.sparkgan.jobs.spark.RowImages;
import io.sparkgan.model.ImageTensors;
import io.sparkgan.model.metrics.EvaluatorNetwork;
import io.sparkgan.model.metrics.Psnr;
import io.sparkgan.model.metrics.Ssim;
import io.sparkgan.model.nets.Network;
import io.sparkgan.model.superres.BicubicResize;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The executors' half of {@link Upscaling}: each batch of fixed ids ({@link IdBlockBatches}) through G in inference
 * mode. When evaluating, the images are the originals: they are downscaled first, and each row also carries the
 * PSNR and SSIM of G's and of bicubic upscaling against the original, and (with an evaluator) the evaluator
 * features of all three for FID.
 */
final class UpscalePass {

    private UpscalePass() {}

    /**
     * Rows (id, label, height, width, channels, image) of the upscaled images; evaluating, followed by psnr, ssim,
     * bicubicPsnr, bicubicSsim and the three feature vectors (null without an evaluator).
     */
    static IdBlockBatches.Factory<Row> factory(
            NetworkBroadcast generator, NetworkBroadcast evaluator, ImageShape shape, int scale, boolean evaluate) {
        return () -> {
            Network g = generator.build();
            MultiLayerNetwork features =
                    evaluator == null ? null : evaluator.build().layerStack();
            return batch -> upscale(batch, g, features, shape, scale, evaluate);
        };
    }

    private static List<Row> upscale(
            List<Row> batch, Network g, MultiLayerNetwork features, ImageShape shape, int scale, boolean evaluate) {
        INDArray images = RowImages.batch(
                batch.stream().map(r -> r.<byte[]>getAs(2)).toList(), shape.height(), shape.width(), shape.channels());
        INDArray lowRes = evaluate ? BicubicResize.downscale(images, scale) : images;
        INDArray upscaled = g.output(lowRes);
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
                Ssim.perImage(bicubic, images, scale)
            };
            if (features != null) {
                featureSets = new double[][][] {
                    EvaluatorNetwork.evaluate(features, upscaled).features(),
                    EvaluatorNetwork.evaluate(features, bicubic).features(),
                    EvaluatorNetwork.evaluate(features, images).features()
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
                for (int set = 0; set < 3; set++) {
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
