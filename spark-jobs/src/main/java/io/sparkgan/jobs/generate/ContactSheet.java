package io.sparkgan.jobs.generate;

import io.sparkgan.jobs.eval.SampleBlocks;
import io.sparkgan.model.GanModelConfig;
import io.sparkgan.model.nets.Network;
import io.sparkgan.model.sampling.SampleGrid;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A first look at a synthetic set: the first samples of each class (one row per class, as the training grids
 * have), or the first 64 of an unconditional set, made on the driver by the same function as the executors' so
 * the sheet shows images that are in the output.
 */
public final class ContactSheet {

    private static final int COLUMNS = 10;
    private static final int UNCONDITIONAL = 64;
    private static final int MAX_BLOCKS = 8;

    private ContactSheet() {}

    public static byte[] png(SampleBlocks samples, Network generator, Network discriminator, GanModelConfig model) {
        int classes = model.conditional ? model.classes : 1;
        int wanted = model.conditional ? COLUMNS : UNCONDITIONAL;
        List<List<INDArray>> rows = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            rows.add(new ArrayList<>());
        }
        for (int block = 0; block < MAX_BLOCKS && block * SampleBlocks.SIZE < samples.count(); block++) {
            INDArray images = samples.generate(generator, discriminator, model, block);
            int[] labels = samples.labels(block);
            for (int i = 0; i < images.size(0); i++) {
                List<INDArray> row = rows.get(labels == null ? 0 : labels[i]);
                if (row.size() < wanted) {
                    row.add(images.slice(i).dup());
                }
            }
            if (rows.stream().allMatch(r -> r.size() >= Math.min(wanted, samples.count()))) {
                break;
            }
        }
        List<INDArray> cells = new ArrayList<>();
        INDArray blank = Nd4j.zeros(firstShape(rows)).subi(1);
        for (List<INDArray> row : rows) {
            if (row.isEmpty()) {
                continue; // a class with no samples in the output
            }
            cells.addAll(row);
            int fill = model.conditional ? COLUMNS - row.size() : 0;
            for (int i = 0; i < fill; i++) {
                cells.add(blank);
            }
        }
        INDArray grid = Nd4j.stack(0, cells.toArray(INDArray[]::new));
        return SampleGrid.png(grid, model.conditional ? COLUMNS : 8);
    }

    private static long[] firstShape(List<List<INDArray>> rows) {
        return rows.stream()
                .filter(r -> !r.isEmpty())
                .findFirst()
                .orElseThrow()
                .get(0)
                .shape();
    }
}
