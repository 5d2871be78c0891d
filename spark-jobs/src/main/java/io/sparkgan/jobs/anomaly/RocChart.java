package io.sparkgan.jobs.anomaly;

import io.sparkgan.jobs.charts.ChartPng;
import io.sparkgan.model.metrics.Roc;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The ROC curve of anomaly scores as a PNG, with the diagonal of a score that knows nothing. */
final class RocChart {

    private RocChart() {}

    static byte[] png(Roc roc, String title) throws IOException {
        XYSeries curve = new XYSeries("scores", false, true);
        for (Roc.Point p : roc.curve()) {
            curve.add(p.falsePositiveRate(), p.truePositiveRate());
        }
        curve.add(1.0, 1.0);
        XYSeries chance = new XYSeries("chance", false, true);
        chance.add(0.0, 0.0);
        chance.add(1.0, 1.0);
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(curve);
        data.addSeries(chance);
        NumberAxis x = new NumberAxis("false-positive rate (normal images flagged)");
        NumberAxis y = new NumberAxis("true-positive rate (anomalies flagged)");
        x.setRange(0, 1);
        y.setRange(0, 1);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        renderer.setSeriesPaint(0, new Color(0x1f, 0x77, 0xb4));
        renderer.setSeriesStroke(0, new BasicStroke(2f));
        renderer.setSeriesPaint(1, Color.GRAY);
        renderer.setSeriesStroke(
                1, new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {4f, 4f}, 0f));
        XYPlot plot = new XYPlot(data, x, y, renderer);
        return ChartPng.of(plot, title, 560, 520);
    }
}
