package io.sparkgan.model.nets;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Where a network's batch-norm moving statistics (mean, variance, log10 std) lie in its flat {@link
 * Network#params()}. They are parameters to DL4J, but a layer sets them from its activations: no optimizer moves
 * them, and a rule that extrapolates the optimizer's moves (the averaging engine's outer step) must leave them out.
 */
public final class MovingStatistics {

    private static final Set<String> NAMES = Set.of(
            BatchNormalizationParamInitializer.GLOBAL_MEAN,
            BatchNormalizationParamInitializer.GLOBAL_VAR,
            BatchNormalizationParamInitializer.GLOBAL_LOG_STD);

    private MovingStatistics() {}

    /** The {@code [from, to)} ranges of {@code network.params()} that hold moving statistics, in order. */
    public static List<long[]> spans(Network network) {
        INDArray flat = network.params();
        List<long[]> spans = new ArrayList<>();
        // the parameter table's arrays are views of the flat vector: their offsets say where they lie in it
        for (Map.Entry<String, INDArray> entry : network.model().paramTable().entrySet()) {
            String key = entry.getKey();
            if (!NAMES.contains(key.substring(key.lastIndexOf('_') + 1))) {
                continue;
            }
            INDArray view = entry.getValue();
            long from = view.offset() - flat.offset();
            if (view.data().address() != flat.data().address() || from < 0 || from + view.length() > flat.length()) {
                throw new IllegalStateException(key + " is not a view of the network's flat parameters");
            }
            spans.add(new long[] {from, from + view.length()});
        }
        spans.sort((a, b) -> Long.compare(a[0], b[0]));
        return spans;
    }
}
