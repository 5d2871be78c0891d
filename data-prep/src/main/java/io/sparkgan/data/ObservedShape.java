package io.sparkgan.data;

import java.io.Serializable;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A size and colour kind found in the input, with one record that has it, for error messages.
 *
 * @param gray true when the record has one channel (gray, or a palette of grays)
 * @param example names the record: a file, or a Parquet file and row
 */
record ObservedShape(int height, int width, boolean gray, String example) implements Serializable {

    String size() {
        return height + "x" + width;
    }

    /**
     * One entry per distinct size and colour kind, keeping the alphabetically first example: a survey job calls
     * this per partition so that only a handful of entries travel to the driver, and the driver again on those.
     */
    static List<ObservedShape> distinct(Iterator<ObservedShape> shapes) {
        Map<String, ObservedShape> byKind = new TreeMap<>();
        shapes.forEachRemaining(shape -> byKind.merge(
                shape.size() + (shape.gray ? " gray" : " colour"),
                shape,
                (kept, other) -> kept.example.compareTo(other.example) <= 0 ? kept : other));
        return List.copyOf(byKind.values());
    }
}
