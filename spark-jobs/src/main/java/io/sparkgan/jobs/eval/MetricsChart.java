package io.sparkgan.jobs.eval;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkgan.model.sampling.SampleGrid;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * The evaluations of a run as a PNG ({@code eval/metrics.png}), redrawn after each one: FID against kimg, with the
 * best checkpoint (lowest FID) marked, and precision, recall, coverage and the share of modes covered (all in [0, 1]) below
 * it. A collapse shows at a glance: FID turns up while recall and modes fall.
 */
public final class MetricsChart {

    private static final int WIDTH = 900;
    private static final int PANEL = 280;
    private static final int LEFT = 70;
    private static final int RIGHT = 150;
    private static final int TOP = 30;
    private static final int BOTTOM = 40;
    private static final Color[] COLOURS = {
        new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd)
    };

    private MetricsChart() {}

    /** Draws the chart of {@code evaluations} (lines of {@code eval/metrics.jsonl}). */
    public static byte[] png(List<JsonNode> evaluations) {
        BufferedImage image = new BufferedImage(WIDTH, 2 * PANEL, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, 2 * PANEL);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        double[] kimg = values(evaluations, "kimg", 1);
        double[] fid = values(evaluations, "fid", 1);
        double maxFid = 0;
        for (double f : fid) {
            maxFid = Math.max(maxFid, f);
        }
        Panel top = new Panel(g, 0, kimg, 0, maxFid > 0 ? maxFid * 1.05 : 1, "FID (lower is better)");
        top.line(fid, COLOURS[0], "FID");
        int best = -1;
        for (int i = 0; i < fid.length; i++) {
            if (!Double.isNaN(fid[i]) && (best < 0 || fid[i] < fid[best])) {
                best = i;
            }
        }
        if (best >= 0) {
            top.mark(best, fid[best]);
        }
        Panel bottom = new Panel(g, PANEL, kimg, 0, 1, "share (higher is better)");
        bottom.line(values(evaluations, "precision", 1), COLOURS[0], "precision");
        bottom.line(values(evaluations, "recall", 1), COLOURS[1], "recall");
        bottom.line(values(evaluations, "coverage", 1), COLOURS[2], "coverage");
        if (evaluations.stream().allMatch(e -> e.hasNonNull("modesCovered"))) {
            double classes = evaluations.isEmpty()
                    ? 1
                    : evaluations.get(0).get("classes").asDouble();
            bottom.line(values(evaluations, "modesCovered", classes), COLOURS[3], "modes covered");
        }
        g.dispose();
        return SampleGrid.encode(image);
    }

    private static double[] values(List<JsonNode> evaluations, String field, double divisor) {
        return evaluations.stream()
                .mapToDouble(e -> e.path(field).asDouble(Double.NaN) / divisor)
                .toArray();
    }

    /** One chart area: axes, ticks, a title, and lines with a legend on the right. */
    private static final class Panel {
        private final Graphics2D g;
        private final int y0;
        private final double[] x;
        private final double xMax;
        private final double yMin;
        private final double yMax;
        private int legend;

        Panel(Graphics2D g, int y0, double[] x, double yMin, double yMax, String title) {
            this.g = g;
            this.y0 = y0;
            this.x = x;
            double max = 0;
            for (double v : x) {
                max = Math.max(max, v);
            }
            this.xMax = max > 0 ? max : 1;
            this.yMin = yMin;
            this.yMax = yMax;
            g.setColor(Color.BLACK);
            g.drawString(title, LEFT, y0 + TOP - 10);
            g.drawRect(LEFT, y0 + TOP, plotWidth(), plotHeight());
            for (int t = 0; t <= 4; t++) {
                double yv = yMin + (yMax - yMin) * t / 4;
                int py = py(yv);
                g.setColor(new Color(0xdddddd));
                g.drawLine(LEFT + 1, py, LEFT + plotWidth() - 1, py);
                g.setColor(Color.BLACK);
                g.drawString(String.format(yMax >= 10 ? "%.0f" : "%.2f", yv), 10, py + 4);
                double xv = xMax * t / 4;
                g.drawString(String.format("%.0f", xv), px(xv) - 8, y0 + PANEL - BOTTOM + 16);
            }
            g.drawString("kimg", LEFT + plotWidth() / 2 - 12, y0 + PANEL - 8);
        }

        void line(double[] y, Color colour, String label) {
            g.setColor(colour);
            g.setStroke(new BasicStroke(2f));
            for (int i = 0; i < y.length; i++) {
                if (Double.isNaN(y[i])) {
                    continue;
                }
                g.fillOval(px(x[i]) - 3, py(y[i]) - 3, 6, 6);
                if (i > 0 && !Double.isNaN(y[i - 1])) {
                    g.drawLine(px(x[i - 1]), py(y[i - 1]), px(x[i]), py(y[i]));
                }
            }
            g.setStroke(new BasicStroke(1f));
            int ly = y0 + TOP + 15 + 18 * legend++;
            g.fillRect(LEFT + plotWidth() + 15, ly - 8, 14, 8);
            g.setColor(Color.BLACK);
            g.drawString(label, LEFT + plotWidth() + 35, ly);
        }

        void mark(int i, double y) {
            g.setColor(Color.BLACK);
            g.drawOval(px(x[i]) - 7, py(y) - 7, 14, 14);
            g.drawString("best", px(x[i]) - 12, py(y) - 10);
        }

        private int plotWidth() {
            return WIDTH - LEFT - RIGHT;
        }

        private int plotHeight() {
            return PANEL - TOP - BOTTOM;
        }

        private int px(double v) {
            return LEFT + (int) Math.round(v / xMax * plotWidth());
        }

        private int py(double v) {
            double clamped = Math.max(yMin, Math.min(yMax, v));
            return y0 + TOP + plotHeight() - (int) Math.round((clamped - yMin) / (yMax - yMin) * plotHeight());
        }
    }
}
