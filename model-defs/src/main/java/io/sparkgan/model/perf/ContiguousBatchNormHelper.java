package io.sparkgan.model.perf;

import java.nio.FloatBuffer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J's oneDNN batch-norm helper, with the batch mean and variance, and the backward pass, computed in passes over
 * contiguous memory.
 *
 * <p>In training mode {@link MKLDNNBatchNormHelper} takes the statistics from ND4J's mean and variance reductions
 * over axes (0, 2, 3) of an NCHW activation, which stride through memory. Here each H*W row is summed in double,
 * shifted by its channel's first value so that the variance does not cancel: several times faster, the same
 * values to 3e-8 (docs/PERFORMANCE.md). The statistics are written into the
 * parent's own caches, which its backward pass and the layer's running averages read, and oneDNN's forward op then
 * runs with them as given statistics: the same op as before, fed statistics that differ only in the last bits.
 *
 * <p>The backward pass is libnd4j's {@code batchnorm_bp} in the parent: oneDNN's kernel, then a correction of the
 * input gradient with strided broadcast ops and reductions (ND4J's op profiler shows them). Here it is two passes
 * over the H*W rows, with the channel sums in double.
 */
public final class ContiguousBatchNormHelper extends MKLDNNBatchNormHelper {

    public ContiguousBatchNormHelper() {
        super(DataType.FLOAT);
    }

    @Override
    public INDArray preOutput(
            INDArray x,
            boolean training,
            long[] shape,
            INDArray gamma,
            INDArray beta,
            INDArray mean,
            INDArray var,
            double decay,
            double eps,
            CNN2DFormat format,
            LayerWorkspaceMgr workspaceMgr) {
        if (!training || x.rank() != 4 || format != CNN2DFormat.NCHW || !NativeFloats.addressable(x)) {
            return super.preOutput(x, training, shape, gamma, beta, mean, var, decay, eps, format, workspaceMgr);
        }
        if (getMeanCache(DataType.FLOAT) == null) {
            // the parent allocates its caches (outside any workspace) in a training call; that call's output is
            // dropped, so that the first call normalises with the same statistics as every later one (a network
            // loaded from a checkpoint then takes exactly the steps the saved one would have)
            super.preOutput(x, true, shape, gamma, beta, mean, var, decay, eps, format, workspaceMgr);
        }
        INDArray batchMean = getMeanCache(DataType.FLOAT);
        INDArray batchVar = getVarCache(DataType.FLOAT);
        perChannelStatistics(x, batchMean, batchVar);
        return super.preOutput(x, false, shape, gamma, beta, batchMean, batchVar, decay, eps, format, workspaceMgr);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(
            INDArray input,
            INDArray epsilon,
            long[] shape,
            INDArray gamma,
            INDArray beta,
            INDArray dGammaView,
            INDArray dBetaView,
            double eps,
            CNN2DFormat format,
            LayerWorkspaceMgr workspaceMgr) {
        INDArray mean = getMeanCache(DataType.FLOAT);
        if (input.rank() != 4
                || format != CNN2DFormat.NCHW
                || mean == null
                || gamma == null
                || dGammaView == null
                || !NativeFloats.addressable(input)) {
            return super.backpropGradient(
                    input, epsilon, shape, gamma, beta, dGammaView, dBetaView, eps, format, workspaceMgr);
        }
        INDArray outputGradient = NativeFloats.addressable(epsilon) ? epsilon : epsilon.dup('c');
        INDArray inputGradient =
                workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, input.shape(), 'c');
        float[][] scaleAndShift = backward(
                input,
                outputGradient,
                mean.toFloatVector(),
                getVarCache(DataType.FLOAT).toFloatVector(),
                gamma.toFloatVector(),
                eps,
                inputGradient);
        dGammaView.assign(Nd4j.createFromArray(scaleAndShift[0]).reshape(dGammaView.shape()));
        dBetaView.assign(Nd4j.createFromArray(scaleAndShift[1]).reshape(dBetaView.shape()));
        Gradient gradient = new DefaultGradient();
        gradient.setGradientFor(BatchNormalizationParamInitializer.GAMMA, dGammaView);
        gradient.setGradientFor(BatchNormalizationParamInitializer.BETA, dBetaView);
        return new Pair<>(gradient, inputGradient);
    }

    /**
     * Batch norm's backward pass for NCHW arrays normalised with the batch statistics {@code mean} and {@code var}:
     * writes dL/dx into {@code inputGradient} and returns {dL/dgamma, dL/dbeta}. With x^ = (x - mean) / std and
     * M = N*H*W values per channel: dbeta = sum dy, dgamma = sum dy x^, dx = gamma / std (dy - dbeta/M - x^ dgamma/M).
     */
    static float[][] backward(
            INDArray x, INDArray dy, float[] mean, float[] var, float[] gamma, double eps, INDArray inputGradient) {
        int batch = Math.toIntExact(x.size(0));
        int channels = Math.toIntExact(x.size(1));
        int plane = Math.toIntExact(x.size(2) * x.size(3));
        FloatBuffer in = NativeFloats.of(x);
        FloatBuffer gradientIn = NativeFloats.of(dy);
        FloatBuffer gradientOut = NativeFloats.of(inputGradient);
        float[] row = new float[plane];
        float[] gradientRow = new float[plane];
        double[] dBeta = new double[channels];
        double[] dCentred = new double[channels];
        forEachRow(batch, channels, plane, in, gradientIn, row, gradientRow, (offset, c) -> {
            float m = mean[c];
            double s = 0;
            double sc = 0;
            for (int i = 0; i < plane; i++) {
                s += gradientRow[i];
                sc += gradientRow[i] * (double) (row[i] - m);
            }
            dBeta[c] += s;
            dCentred[c] += sc;
        });
        double count = (double) batch * plane;
        float[] dGamma = new float[channels];
        float[] dBetaOut = new float[channels];
        float[] scale = new float[channels];
        float[] centredScale = new float[channels];
        float[] offsetTerm = new float[channels];
        for (int c = 0; c < channels; c++) {
            double inverseStd = 1 / Math.sqrt(var[c] + eps);
            dGamma[c] = (float) (dCentred[c] * inverseStd);
            dBetaOut[c] = (float) dBeta[c];
            // dx = k dy - k/M dbeta - k/M dgamma x^, with k = gamma / std and x^ = (x - mean) / std
            double k = gamma[c] * inverseStd;
            scale[c] = (float) k;
            centredScale[c] = (float) (k * dCentred[c] * inverseStd * inverseStd / count);
            offsetTerm[c] = (float) (k * dBeta[c] / count);
        }
        forEachRow(batch, channels, plane, in, gradientIn, row, gradientRow, (offset, c) -> {
            float m = mean[c];
            float k = scale[c];
            float kc = centredScale[c];
            float ko = offsetTerm[c];
            for (int i = 0; i < plane; i++) {
                gradientRow[i] = k * gradientRow[i] - kc * (row[i] - m) - ko;
            }
            gradientOut.put(offset, gradientRow, 0, plane);
        });
        return new float[][] {dGamma, dBetaOut};
    }

    /** What is done with one H*W row of x and dy, copied into the caller's row buffers. */
    private interface RowVisitor {
        void visit(int offset, int channel);
    }

    /** Copies each (sample, channel) row of x and dy into {@code row} and {@code gradientRow}, in memory order. */
    private static void forEachRow(
            int batch,
            int channels,
            int plane,
            FloatBuffer x,
            FloatBuffer dy,
            float[] row,
            float[] gradientRow,
            RowVisitor visitor) {
        for (int n = 0; n < batch; n++) {
            for (int c = 0; c < channels; c++) {
                int offset = (n * channels + c) * plane;
                x.get(offset, row, 0, plane);
                dy.get(offset, gradientRow, 0, plane);
                visitor.visit(offset, c);
            }
        }
    }

    /** Mean and biased variance over N, H and W of each channel of an NCHW array. */
    static void perChannelStatistics(INDArray x, INDArray mean, INDArray var) {
        int batch = Math.toIntExact(x.size(0));
        int channels = Math.toIntExact(x.size(1));
        int plane = Math.toIntExact(x.size(2) * x.size(3));
        FloatBuffer in = NativeFloats.of(x);
        float[] shift = new float[channels];
        for (int c = 0; c < channels; c++) {
            shift[c] = in.get(c * plane);
        }
        double[] sum = new double[channels];
        double[] squares = new double[channels];
        float[] row = new float[plane];
        for (int n = 0; n < batch; n++) {
            for (int c = 0; c < channels; c++) {
                in.get((n * channels + c) * plane, row, 0, plane);
                float k = shift[c];
                double s = 0;
                double q = 0;
                for (int i = 0; i < plane; i++) {
                    double d = row[i] - k;
                    s += d;
                    q += d * d;
                }
                sum[c] += s;
                squares[c] += q;
            }
        }
        double count = (double) batch * plane;
        float[] means = new float[channels];
        float[] variances = new float[channels];
        for (int c = 0; c < channels; c++) {
            double shifted = sum[c] / count;
            means[c] = (float) (shift[c] + shifted);
            variances[c] = (float) Math.max(0, squares[c] / count - shifted * shifted);
        }
        NativeFloats.of(mean).put(means);
        NativeFloats.of(var).put(variances);
    }
}
