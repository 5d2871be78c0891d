package io.sparkgan.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layout's rules (docs/ARCHITECTURE.md), read from the main sources of all three modules: no import cycle
 * between packages, and the model-neutral packages import no model. A reference counts where code names a sparkgan
 * class of another package (an import or a qualified name), not in comments or strings.
 */
class PackageDependenciesTest {

    private static final Pattern PACKAGE = Pattern.compile("^package (io\\.sparkgan[\\w.]*);", Pattern.MULTILINE);
    private static final Pattern REFERENCE = Pattern.compile("\\b(io\\.sparkgan(?:\\.[a-z]\\w*)*)\\.[A-Z]");
    private static final Pattern COMMENT_OR_STRING =
            Pattern.compile("/\\*.*?\\*/|//[^\\n]*|\"(?:[^\"\\\\\\n]|\\\\.)*\"", Pattern.DOTALL);

    /** Each package's sparkgan packages it refers to. */
    private static final Map<String, Set<String>> DEPENDENCIES = new TreeMap<>();

    @BeforeAll
    static void readSources() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        for (String module : List.of("model-defs", "data-prep", "spark-jobs")) {
            try (Stream<Path> files = Files.walk(root.resolve(module).resolve("src/main/java"))) {
                files.filter(f -> f.toString().endsWith(".java")).forEach(PackageDependenciesTest::read);
            }
        }
    }

    private static void read(Path file) {
        String code;
        try {
            code = COMMENT_OR_STRING.matcher(Files.readString(file)).replaceAll(" ");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Matcher declared = PACKAGE.matcher(code);
        assertTrue(declared.find(), file + " declares no package");
        String pkg = declared.group(1);
        Set<String> uses = DEPENDENCIES.computeIfAbsent(pkg, p -> new TreeSet<>());
        Matcher reference = REFERENCE.matcher(code.substring(declared.end()));
        while (reference.find()) {
            if (!reference.group(1).equals(pkg)) {
                uses.add(reference.group(1));
            }
        }
    }

    @Test
    void noPackageDependsOnItselfThroughOthers() {
        assertTrue(DEPENDENCIES.size() > 20, "read " + DEPENDENCIES.keySet());
        List<String> cycles = new ArrayList<>();
        for (String start : DEPENDENCIES.keySet()) {
            for (String next : DEPENDENCIES.get(start)) {
                if (reaches(next, start, new TreeSet<>())) {
                    cycles.add(start + " -> " + next + " -> ... -> " + start);
                }
            }
        }
        assertEquals(List.of(), cycles);
    }

    @Test
    void theModelNeutralPackagesImportNoModel() {
        Set<String> models = Set.of(
                "io.sparkgan.jobs.gan",
                "io.sparkgan.jobs.superres",
                "io.sparkgan.jobs.anomaly",
                "io.sparkgan.jobs.cli");
        for (String neutral : List.of("io.sparkgan.jobs.run", "io.sparkgan.jobs.engine", "io.sparkgan.jobs.train")) {
            Set<String> wrong = new TreeSet<>(DEPENDENCIES.get(neutral));
            wrong.retainAll(models);
            assertEquals(Set.of(), wrong, neutral + " refers to a model package");
        }
        assertTrue(
                DEPENDENCIES.get("io.sparkgan.jobs.run").stream().noneMatch(p -> p.startsWith("io.sparkgan.jobs.")),
                "jobs.run refers to " + DEPENDENCIES.get("io.sparkgan.jobs.run"));
        assertTrue(
                DEPENDENCIES.entrySet().stream()
                        .filter(e -> e.getKey().startsWith("io.sparkgan.model")
                                || e.getKey().startsWith("io.sparkgan.data"))
                        .allMatch(e -> e.getValue().stream().noneMatch(p -> p.startsWith("io.sparkgan.jobs"))),
                "model-defs and data-prep know nothing of the jobs");
    }

    private static boolean reaches(String from, String target, Set<String> seen) {
        if (from.equals(target)) {
            return true;
        }
        if (!seen.add(from)) {
            return false;
        }
        return DEPENDENCIES.getOrDefault(from, Set.of()).stream().anyMatch(next -> reaches(next, target, seen));
    }
}
