package io.sparkgan.jobs.report;

import io.sparkgan.jobs.charts.ChartPng;
import java.awt.BasicStroke;
import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * A line chart of a run's figures against kimg, drawn by JFreeChart into a PNG: titled axes with units, a legend,
 * and vertical markers for events (the best checkpoint, collapse warnings, rollbacks).
 */
final class LineChart {

    private static final Color[] COLOURS = {
        new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd), new Color(0xff7f0e)
    };

    private final String title;
    private final String yLabel;
    private final XYSeriesCollection data = new XYSeriesCollection();
    private final List<ValueMarker> markers = new ArrayList<>();
    private boolean points;

    LineChart(String title, String yLabel) {
        this.title = title;
        this.yLabel = yLabel;
    }

    /** A line through (x[i], y[i]), skipping NaN values. */
    LineChart line(String name, double[] x, double[] y) {
        XYSeries series = new XYSeries(name, false, true);
        for (int i = 0; i < x.length; i++) {
            if (Double.isFinite(y[i])) {
                series.add(x[i], y[i]);
            }
        }
        data.addSeries(series);
        return this;
    }

    /** Dots on the lines too (few points, e.g. one per evaluation). */
    LineChart withPoints() {
        points = true;
        return this;
    }

    LineChart marker(double x, String label, Color colour) {
        ValueMarker marker = new ValueMarker(
                x,
                colour,
                new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {5f, 4f}, 0f));
        marker.setLabel(label);
        marker.setLabelPaint(colour);
        marker.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
        marker.setLabelTextAnchor(TextAnchor.TOP_LEFT);
        markers.add(marker);
        return this;
    }

    boolean isEmpty() {
        return data.getSeriesCount() == 0 || data.getItemCount(0) == 0;
    }

    byte[] png(int width, int height) {
        NumberAxis x = new NumberAxis("thousands of real images shown (kimg)");
        NumberAxis y = new NumberAxis(yLabel);
        y.setAutoRangeIncludesZero(false);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, points);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            renderer.setSeriesPaint(i, COLOURS[i % COLOURS.length]);
            renderer.setSeriesStroke(i, new BasicStroke(2f));
        }
        XYPlot plot = new XYPlot(data, x, y, renderer);
        markers.forEach(plot::addDomainMarker);
        return ChartPng.of(plot, title, width, height);
    }
}
