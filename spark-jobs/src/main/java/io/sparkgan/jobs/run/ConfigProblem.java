package io.sparkgan.jobs.run;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/** A config that does not parse (a --config file, a run's run.json), described in one line without Jackson's dump. */
public final class ConfigProblem {

    private ConfigProblem() {}

    /**
     * What is wrong in a config file and where, in one line: Jackson's message names its input on a line of its own,
     * and YAML's syntax errors quote the file around the problem.
     */
    public static String describe(JsonProcessingException e) {
        if (e.getCause() instanceof MarkedYAMLException yaml && yaml.getProblemMark() != null) {
            return "line " + (yaml.getProblemMark().getLine() + 1) + ", column "
                    + (yaml.getProblemMark().getColumn() + 1) + ": "
                    + (yaml.getContext() != null ? yaml.getContext() + ": " : "") + yaml.getProblem();
        }
        String field = e instanceof JsonMappingException mapping
                ? mapping.getPath().stream()
                        .map(at -> at.getFieldName() != null ? at.getFieldName() : "[" + at.getIndex() + "]")
                        .collect(Collectors.joining("."))
                        .replace(".[", "[")
                : "";
        String what;
        if (e instanceof UnrecognizedPropertyException unknown) {
            what = "unknown field '" + field + "'; known fields there: "
                    + unknown.getKnownPropertyIds().stream()
                            .map(String::valueOf)
                            .sorted()
                            .toList();
        } else {
            what = (field.isEmpty() ? "" : "field '" + field + "': ")
                    + SOURCE_IN_MESSAGE.matcher(e.getOriginalMessage()).replaceAll("line $1, column $2");
        }
        JsonLocation at = e.getLocation();
        // a config read from a tree (run.json's "config") has no location
        return (at == null || at.getLineNr() < 1
                        ? ""
                        : "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": ")
                + what.replaceAll("\\s*\\R\\s*", " ");
    }

    /** Where Jackson's message quotes the input, as in "start marker at [Source: (byte[])"{..."; line: 1, ...]". */
    private static final Pattern SOURCE_IN_MESSAGE =
            Pattern.compile("\\[Source: .*?; line: (\\d+), column: (\\d+)]", Pattern.DOTALL);
}
