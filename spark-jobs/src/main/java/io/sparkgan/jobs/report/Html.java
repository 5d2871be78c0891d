package io.sparkgan.jobs.report;

import java.util.Base64;
import java.util.Locale;

/** The bits of HTML the sections write the same way. */
final class Html {

    private Html() {}

    static String escape(String text) {
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;");
    }

    /** A table row of a name and a value (both escaped). */
    static void row(StringBuilder s, String name, String value) {
        s.append("<tr><th>")
                .append(escape(name))
                .append("</th><td>")
                .append(escape(value))
                .append("</td></tr>");
    }

    /** A PNG inlined as a data: URI, with its alt text and any style. */
    static String image(byte[] png, String alt, String attributes) {
        return "<img alt=\"" + escape(alt) + "\" " + attributes + " src=\"data:image/png;base64,"
                + Base64.getEncoder().encodeToString(png) + "\">";
    }

    static String fixed(double value, int digits) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%." + digits + "f", value) : "";
    }

    static String significant(double value) {
        return String.format(Locale.ROOT, "%.3g", value);
    }

    static String percent(double share) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * share);
    }
}
