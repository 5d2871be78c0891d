package io.sparkgan.jobs.charts;

import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.plot.XYPlot;

/** sparkgan's charts drawn the one way: white background, light grid, a title and a legend, as a PNG. */
public final class ChartPng {

    private ChartPng() {}

    /** An XY plot (lines, a histogram, plots stacked on one x axis) or a category plot (bars). */
    public static byte[] of(Plot plot, String title, int width, int height) {
        style(plot);
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ChartUtils.writeChartAsPNG(out, chart, width, height);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void style(Plot plot) {
        plot.setBackgroundPaint(Color.WHITE);
        if (plot instanceof CombinedDomainXYPlot combined) {
            combined.getSubplots().forEach(ChartPng::style);
        } else if (plot instanceof XYPlot xy) {
            xy.setDomainGridlinePaint(Color.LIGHT_GRAY);
            xy.setRangeGridlinePaint(Color.LIGHT_GRAY);
        } else if (plot instanceof CategoryPlot category) {
            category.setRangeGridlinePaint(Color.LIGHT_GRAY);
        }
    }
}
