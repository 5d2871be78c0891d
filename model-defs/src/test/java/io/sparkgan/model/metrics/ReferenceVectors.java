package io.sparkgan.model.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkgan.model.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** The cases in reference-vectors.json, made by scipy/numpy (make_reference_vectors.py next to it). */
final class ReferenceVectors {

    record Case(
            String name,
            double[][] a,
            double[][] b,
            double fid,
            double kidFullSet,
            double[][] covarianceA,
            double[][] sqrtCovarianceA) {}

    private ReferenceVectors() {}

    static List<Case> cases() {
        try (InputStream in = ReferenceVectors.class.getResourceAsStream("/metrics/reference-vectors.json")) {
            List<Case> cases = new ArrayList<>();
            for (JsonNode c : Json.MAPPER.readTree(in).get("cases")) {
                cases.add(new Case(
                        c.get("name").asText(),
                        matrix(c.get("a")),
                        matrix(c.get("b")),
                        c.get("fid").asDouble(),
                        c.get("kidFullSet").asDouble(),
                        matrix(c.get("covarianceA")),
                        matrix(c.get("sqrtCovarianceA"))));
            }
            return cases;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double[][] matrix(JsonNode rows) {
        double[][] out = new double[rows.size()][];
        for (int i = 0; i < out.length; i++) {
            JsonNode row = rows.get(i);
            out[i] = new double[row.size()];
            for (int j = 0; j < out[i].length; j++) {
                out[i][j] = row.get(j).asDouble();
            }
        }
        return out;
    }

    /** max |expected - actual| / max |expected| */
    static double relativeError(double[][] expected, double[][] actual) {
        double error = 0;
        double scale = 0;
        for (int i = 0; i < expected.length; i++) {
            for (int j = 0; j < expected[i].length; j++) {
                error = Math.max(error, Math.abs(expected[i][j] - actual[i][j]));
                scale = Math.max(scale, Math.abs(expected[i][j]));
            }
        }
        return error / scale;
    }
}
