package io.sparkgan.jobs.charts;

import java.awt.BasicStroke;
import java.awt.Color;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.DoubleStream;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * A line chart of a run's figures (against kimg unless told otherwise), drawn by JFreeChart into a PNG: titled axes
 * with units, a legend, vertical markers for events (the best checkpoint, collapse warnings, rollbacks), optionally
 * each line smoothed with the raw one kept faint behind it, and a text saying what it shows for an {@code alt}.
 */
public final class LineChart {

    public static final String KIMG = "thousands of real images shown (kimg)";

    private static final Color[] COLOURS = {
        new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd), new Color(0xff7f0e),
        new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)
    };

    /** A line; its colour null: the next of {@link #COLOURS}. */
    private record Line(String name, double[] x, double[] y, Color colour) {}

    private record Marker(double x, String label, Color colour) {}

    private final String title;
    private final String yLabel;
    private final List<Line> lines = new ArrayList<>();
    private final List<Marker> markers = new ArrayList<>();
    private String xLabel = KIMG;
    private boolean points;
    private double smoothing;

    public LineChart(String title, String yLabel) {
        this.title = title;
        this.yLabel = yLabel;
    }

    /** A line through (x[i], y[i]), skipping NaN values. */
    public LineChart line(String name, double[] x, double[] y) {
        return line(name, x, y, null);
    }

    /** A line in a colour of its own (one that must not be taken for a line of another chart in the same figure). */
    public LineChart line(String name, double[] x, double[] y, Color colour) {
        lines.add(new Line(name, x, y, colour));
        return this;
    }

    /** The x axis's title (default {@link #KIMG}). */
    public LineChart xAxis(String label) {
        xLabel = label;
        return this;
    }

    /** Dots on the lines too (few points, e.g. one per evaluation). */
    public LineChart withPoints() {
        points = true;
        return this;
    }

    /**
     * Each line drawn smoothed by an exponential moving average of weight {@code weight} in [0, 1) (as TensorBoard
     * does, debiased at the start), the raw line faint behind it; 0 draws the raw lines only.
     */
    public LineChart smoothed(double weight) {
        smoothing = weight;
        return this;
    }

    public LineChart marker(double x, String label, Color colour) {
        markers.add(new Marker(x, label, colour));
        return this;
    }

    public boolean isEmpty() {
        return lines.stream().allMatch(l -> finite(l.y).length == 0);
    }

    public byte[] png(int width, int height) {
        return ChartPng.of(plot(), title + (smoothing > 0 ? " (smoothed " + smoothing + ")" : ""), width, height);
    }

    /** The chart's plot, to draw alone or stacked with others on one x axis. */
    public XYPlot plot() {
        XYSeriesCollection data = new XYSeriesCollection();
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, points);
        for (int i = 0; i < lines.size(); i++) {
            Line line = lines.get(i);
            Color colour = line.colour != null ? line.colour : COLOURS[i % COLOURS.length];
            if (smoothing > 0) {
                int faint = data.getSeriesCount();
                data.addSeries(series(line.name + " (raw)", line.x, line.y));
                renderer.setSeriesPaint(faint, new Color(colour.getRed(), colour.getGreen(), colour.getBlue(), 60));
                renderer.setSeriesStroke(faint, new BasicStroke(1f));
                renderer.setSeriesVisibleInLegend(faint, false);
            }
            int drawn = data.getSeriesCount();
            data.addSeries(series(line.name, line.x, smoothing > 0 ? smooth(line.y, smoothing) : line.y));
            renderer.setSeriesPaint(drawn, colour);
            renderer.setSeriesStroke(drawn, new BasicStroke(2f));
        }
        NumberAxis y = new NumberAxis(yLabel);
        y.setAutoRangeIncludesZero(false);
        XYPlot plot = new XYPlot(data, new NumberAxis(xLabel), y, renderer);
        double[] xs = allX();
        for (Marker m : markers) {
            ValueMarker marker = new ValueMarker(
                    m.x,
                    m.colour,
                    new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {5f, 4f}, 0f));
            marker.setLabel(m.label);
            marker.setLabelPaint(m.colour);
            // the label on the side with room: right of a marker in the left half, left of one in the right half
            boolean rightHalf = m.x > (min(xs) + max(xs)) / 2;
            marker.setLabelAnchor(rightHalf ? RectangleAnchor.TOP_LEFT : RectangleAnchor.TOP_RIGHT);
            marker.setLabelTextAnchor(rightHalf ? TextAnchor.TOP_RIGHT : TextAnchor.TOP_LEFT);
            plot.addDomainMarker(marker);
        }
        return plot;
    }

    /**
     * What the chart shows, for an {@code alt} text: its title, each line's range and last value over the range of
     * x, and the markers, e.g. "Losses against kimg 0.5 to 120.3: D loss 1.19 to 1.42, last 1.32; ...".
     */
    public String description(String xName, String xUnit) {
        StringBuilder text = new StringBuilder(title);
        double[] xs = allX();
        if (xs.length > 0) {
            text.append(" against ")
                    .append(xName)
                    .append(", ")
                    .append(number(min(xs)))
                    .append(" to ")
                    .append(number(max(xs)))
                    .append(xUnit.isEmpty() ? "" : " " + xUnit);
        }
        String separator = ": ";
        for (Line line : lines) {
            double[] values = finite(line.y);
            if (values.length == 0) {
                continue;
            }
            text.append(separator)
                    .append(line.name)
                    .append(" from ")
                    .append(number(min(values)))
                    .append(" to ")
                    .append(number(max(values)))
                    .append(", last ")
                    .append(number(values[values.length - 1]));
            separator = "; ";
        }
        for (Marker m : markers) {
            text.append("; ").append(m.label).append(" marked at ").append(number(m.x));
        }
        if (smoothing > 0) {
            text.append(" (lines smoothed, weight ").append(smoothing).append(")");
        }
        return text.toString();
    }

    /** TensorBoard's smoothing: an exponential moving average debiased for its start; NaN values are skipped. */
    static double[] smooth(double[] values, double weight) {
        double[] out = new double[values.length];
        double last = 0;
        int seen = 0;
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                out[i] = Double.NaN;
                continue;
            }
            last = last * weight + (1 - weight) * values[i];
            seen++;
            out[i] = last / (1 - Math.pow(weight, seen));
        }
        return out;
    }

    private double[] allX() {
        return lines.stream().flatMapToDouble(l -> DoubleStream.of(l.x)).toArray();
    }

    private static XYSeries series(String name, double[] x, double[] y) {
        XYSeries series = new XYSeries(name, false, true);
        for (int i = 0; i < x.length; i++) {
            if (Double.isFinite(y[i])) {
                series.add(x[i], y[i]);
            }
        }
        return series;
    }

    private static double[] finite(double[] values) {
        return Arrays.stream(values).filter(Double::isFinite).toArray();
    }

    private static double min(double[] values) {
        return Arrays.stream(values).min().orElse(Double.NaN);
    }

    private static double max(double[] values) {
        return Arrays.stream(values).max().orElse(Double.NaN);
    }

    /** Three significant digits, or fewer decimals for large numbers: what an alt text needs. */
    public static String number(double value) {
        double magnitude = Math.abs(value);
        if (magnitude >= 100 || value == Math.rint(value) && magnitude < 1e6) {
            return String.format(Locale.ROOT, "%.1f", value).replaceAll("\\.0$", "");
        }
        return String.format(Locale.ROOT, "%.3g", value);
    }
}
