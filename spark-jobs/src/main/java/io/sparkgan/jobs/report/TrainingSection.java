package io.sparkgan.jobs.report;

import io.sparkgan.jobs.charts.LineChart;

/** D's and G's losses, D's outputs, any content loss, the speed and where a round's time went, per round. */
final class TrainingSection implements ReportSection {

    @Override
    public String html(ReportContext context) {
        double[] x = context.roundX();
        StringBuilder s = new StringBuilder("<h2>Training</h2>\n<div class=\"charts\">");
        s.append(image(
                context,
                context.chart("Losses", "loss (mean per round)")
                        .line("D loss", x, ReportContext.values(context.rounds, "dLoss"))
                        .line("G loss", x, ReportContext.values(context.rounds, "gLoss"))));
        s.append(image(
                context,
                context.chart("D's outputs", "mean D output (probability of real)")
                        .line("D(x), real images", x, ReportContext.values(context.rounds, "dReal"))
                        .line("D(G(z)), generated", x, ReportContext.values(context.rounds, "dFake"))));
        if (context.rounds.stream().anyMatch(r -> r.has("pixelLoss"))) {
            s.append(image(
                    context,
                    context.chart("Content loss", "pixel loss (mean per round)")
                            .line("pixel loss", x, ReportContext.values(context.rounds, "pixelLoss"))));
        }
        s.append(image(
                context,
                context.chart("Speed", "images per second")
                        .line("images/s (whole round)", x, ReportContext.values(context.rounds, "imagesPerSecond"))));
        s.append(image(
                context,
                context.chart("Where a round's time went", "seconds per round")
                        .line("whole round", x, ReportContext.values(context.rounds, "seconds"))
                        .line("training steps (slowest worker)", x, ReportContext.values(context.rounds, "stepSeconds"))
                        .line("waiting for input", x, ReportContext.values(context.rounds, "inputWaitSeconds"))
                        .line("state transfer", x, ReportContext.values(context.rounds, "stateSeconds"))));
        return s.append("</div>\n").toString();
    }

    /** Per-round curves are noisy: these are the ones --smoothing smooths. */
    private static String image(ReportContext context, LineChart chart) {
        return context.image(chart.smoothed(context.options.smoothing()));
    }
}
