package io.sparkgan.data;

import io.sparkgan.data.progress.SparkJobProgress;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code sparkgan prep}: makes a dataset from images, or with {@code --validate} checks one. Most of it is the
 * declaration of the options of every source; the work is the sources' and {@link DatasetWriter}'s.
 */
@Command(
        name = "prep",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Prepares an image dataset: Parquet shards plus _manifest.json, on any Hadoop file system.",
            "",
            "The images come from MNIST IDX files, a folder of PNG/JPEG images (labels from class"
                    + " sub-folders), Spark's image data source or an existing Parquet table. With --validate, checks"
                    + " an existing dataset against its manifest instead.",
            "",
            "Exit codes: 0 success, 2 bad options, bad input or an invalid dataset."
        })
public class PrepCommand implements Callable<Integer> {

    static final int FAILED = 2;

    /** Where the images come from. */
    public enum Source {
        MNIST_IDX,
        IMAGE_FOLDER,
        SPARK_IMAGE,
        PARQUET
    }

    /** Options that only one source understands. */
    private static final Map<String, Source> SOURCE_OPTIONS = Map.of(
            "--split", Source.MNIST_IDX,
            "--image-col", Source.PARQUET,
            "--label-col", Source.PARQUET,
            "--shape", Source.PARQUET);

    /** How Spark runs: the only options --validate takes. */
    private static final Set<String> SPARK_OPTIONS = Set.of("--master", "--conf", "--name", "--verbose");

    /**
     * Options that say how to run rather than what to make, left out of the manifest's provenance (--conf may hold
     * credentials).
     */
    private static final Set<String> RUN_OPTIONS = java.util.stream.Stream.concat(
                    SPARK_OPTIONS.stream(),
                    Set.of("--output", "--overwrite", OutputDirectory.DROP_EVALUATOR, "--max-image-pixels").stream())
            .collect(java.util.stream.Collectors.toUnmodifiableSet());

    @Spec
    private CommandSpec spec;

    @Mixin
    SparkOptions sparkOptions;

    @Option(
            names = "--from",
            paramLabel = "SOURCE",
            converter = SourceConverter.class,
            description = "mnist-idx, image-folder, spark-image or parquet")
    private Source from;

    @Option(
            names = "--input",
            paramLabel = "PATH",
            description = "mnist-idx: the images IDX file or a folder holding the split; image-folder, spark-image: the"
                    + " folder; parquet: the file or folder")
    private String input;

    @Option(
            names = "--output",
            paramLabel = "URI",
            description = "dataset directory (local path, file://, hdfs://, s3a://)")
    private String output;

    @Option(
            names = "--shards",
            paramLabel = "N",
            description = "exactly N Parquet files (default: one per 10000 images,"
                    + " or one per input partition for parquet)")
    private Integer shards;

    @Option(
            names = "--resize",
            paramLabel = "HxW",
            converter = SizeConverter.class,
            description = "resize every image (area averaging down, bilinear up); needed when sizes differ")
    private ImageSize resize;

    @Option(
            names = "--tile",
            paramLabel = "HxW",
            converter = SizeConverter.class,
            description = "cut every image (after --resize) into non-overlapping HxW tiles, for patch datasets")
    private ImageSize tile;

    @Option(
            names = "--channels",
            paramLabel = "1|3",
            converter = ChannelsConverter.class,
            description = "1 (gray) or 3 (RGB); default 1 if every image is gray, else 3")
    private Integer channels;

    @Option(names = "--limit", paramLabel = "N", description = "keep only the first N records")
    private Long limit;

    @Option(
            names = "--max-image-pixels",
            paramLabel = "N",
            description =
                    "refuse an encoded image whose header claims more pixels (default 64000000: decompression bombs)")
    private long maxImagePixels = ImageCodec.DEFAULT_MAX_PIXELS;

    @Option(
            names = "--overwrite",
            description = "replace an existing dataset at --output (refused while it holds a trained evaluator,"
                    + " _evaluator/, unless --drop-evaluator)")
    private boolean overwrite;

    @Option(
            names = OutputDirectory.DROP_EVALUATOR,
            description = "with --overwrite: delete the old dataset's trained evaluator with it (it was trained on"
                    + " the old data)")
    private boolean dropEvaluator;

    @Option(
            names = "--split",
            paramLabel = "train|test",
            converter = SplitConverter.class,
            description = "mnist-idx with a folder --input: which files (default train)")
    private MnistIdxSource.Split split;

    @Option(names = "--image-col", paramLabel = "NAME", description = "parquet: the image column (default image)")
    private String imageColumn;

    @Option(
            names = "--label-col",
            paramLabel = "NAME",
            description = "parquet: the label column (default label, if present)")
    private String labelColumn;

    @Option(
            names = "--shape",
            paramLabel = "HxWxC",
            converter = ShapeConverter.class,
            description = "parquet: the shape of raw pixel bytes when there are no height/width/channels columns")
    private ImageShape shape;

    @Option(names = "--validate", paramLabel = "URI", description = "validate this dataset and print its summary")
    private String validate;

    @Override
    public Integer call() {
        ParseResult given = spec.commandLine().getParseResult();
        checkOptions(given);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            SparkSession spark = SparkSessions.getOrCreate("sparkgan prep", sparkOptions);
            if (validate != null) {
                ValidationReport report = DatasetValidator.validate(spark, validate);
                out.print(report.summary());
                out.flush();
                report.requireValid();
            } else {
                // The writer checks the output before the source reads anything.
                DatasetWriter writer = new DatasetWriter(spark, output, shards, overwrite, dropEvaluator);
                PreparedImages prepared =
                        source().prepare(spark, new PrepOptions(resize, channels, limit, maxImagePixels));
                if (tile != null) {
                    prepared = ImageTiles.cut(prepared, tile);
                }
                DatasetManifest manifest;
                try (SparkJobProgress.Phase phase = SparkJobProgress.phase(spark, "prep: writing " + output)) {
                    manifest = writer.write(
                            prepared.rows(), prepared.labelNames(), prepared.description(), provenance(given));
                }
                out.print(manifest.describe(output));
            }
            out.flush();
            return 0;
        } catch (Exception e) {
            // Exception, not RuntimeException: Spark throws its checked SparkException undeclared.
            err.println("error: " + ErrorMessages.of(e));
            if (sparkOptions.verbose) {
                e.printStackTrace(err);
            }
            err.flush();
            return FAILED;
        }
    }

    private void checkOptions(ParseResult given) {
        if (validate != null) {
            List<String> others = given.matchedOptions().stream()
                    .map(OptionSpec::longestName)
                    .filter(name -> !name.equals("--validate") && !SPARK_OPTIONS.contains(name))
                    .toList();
            if (!others.isEmpty()) {
                throw new ParameterException(
                        spec.commandLine(),
                        "--validate takes no other options than "
                                + String.join(
                                        ", ", SPARK_OPTIONS.stream().sorted().toList()) + ", but got "
                                + String.join(", ", others));
            }
            return;
        }
        List<String> missing = new ArrayList<>();
        if (from == null) {
            missing.add("--from");
        }
        if (input == null) {
            missing.add("--input");
        }
        if (output == null) {
            missing.add("--output");
        }
        if (!missing.isEmpty()) {
            throw new ParameterException(
                    spec.commandLine(),
                    "Missing required options: " + String.join(", ", missing) + " (or --validate URI)");
        }
        for (Map.Entry<String, Source> option : SOURCE_OPTIONS.entrySet()) {
            if (given.hasMatchedOption(option.getKey()) && from != option.getValue()) {
                throw new ParameterException(
                        spec.commandLine(), option.getKey() + " applies only to --from " + cliName(option.getValue()));
            }
        }
        if (dropEvaluator && !overwrite) {
            throw new ParameterException(spec.commandLine(), OutputDirectory.DROP_EVALUATOR + " needs --overwrite");
        }
        if (shards != null && shards < 1) {
            throw new ParameterException(spec.commandLine(), "--shards must be at least 1, got " + shards);
        }
        if (limit != null && limit < 1) {
            throw new ParameterException(spec.commandLine(), "--limit must be at least 1, got " + limit);
        }
        if (maxImagePixels < 1) {
            throw new ParameterException(
                    spec.commandLine(), "--max-image-pixels must be at least 1, got " + maxImagePixels);
        }
    }

    private ImageSource source() {
        return switch (from) {
            case MNIST_IDX -> new MnistIdxSource(input, split == null ? MnistIdxSource.Split.TRAIN : split);
            case IMAGE_FOLDER -> new ImageFolderSource(input);
            case SPARK_IMAGE -> new SparkImageSource(input);
            case PARQUET ->
                new ParquetSource(input, imageColumn == null ? DatasetSchema.IMAGE : imageColumn, labelColumn, shape);
        };
    }

    /** The options that shaped the dataset, as typed, under "prep.<option>". */
    private static Map<String, String> provenance(ParseResult given) {
        Map<String, String> properties = new TreeMap<>();
        for (OptionSpec option : given.matchedOptions()) {
            if (!RUN_OPTIONS.contains(option.longestName())) {
                properties.put(
                        "prep." + option.longestName().substring(2), String.join(" ", option.originalStringValues()));
            }
        }
        return properties;
    }

    /** An enum constant's command-line spelling: lower case, '-' for '_'. */
    private static String cliName(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Parses enum constants by their {@link #cliName}, listing the valid ones when the value is not one. */
    private abstract static class CliEnumConverter<E extends Enum<E>> implements ITypeConverter<E> {
        private final Class<E> type;

        CliEnumConverter(Class<E> type) {
            this.type = type;
        }

        @Override
        public E convert(String value) {
            return Arrays.stream(type.getEnumConstants())
                    .filter(c -> cliName(c).equals(value))
                    .findFirst()
                    .orElseThrow(() -> new TypeConversionException("expected one of "
                            + Arrays.stream(type.getEnumConstants())
                                    .map(PrepCommand::cliName)
                                    .collect(Collectors.joining(", "))
                            + ", got '" + value + "'"));
        }
    }

    static final class SourceConverter extends CliEnumConverter<Source> {
        SourceConverter() {
            super(Source.class);
        }
    }

    static final class SplitConverter extends CliEnumConverter<MnistIdxSource.Split> {
        SplitConverter() {
            super(MnistIdxSource.Split.class);
        }
    }

    /** Turns a parser's IllegalArgumentException into picocli's error for the option. */
    private static <T> T parse(String value, Function<String, T> parser) {
        try {
            return parser.apply(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }

    static final class SizeConverter implements ITypeConverter<ImageSize> {
        @Override
        public ImageSize convert(String value) {
            return parse(value, ImageSize::parse);
        }
    }

    static final class ShapeConverter implements ITypeConverter<ImageShape> {
        @Override
        public ImageShape convert(String value) {
            ImageShape parsed = parse(value, ImageShape::parse);
            if (parsed.channels() != 1 && parsed.channels() != 3) {
                throw new TypeConversionException("channels must be 1 or 3, got '" + value + "'");
            }
            return parsed;
        }
    }

    static final class ChannelsConverter implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            if (!value.equals("1") && !value.equals("3")) {
                throw new TypeConversionException("expected 1 (gray) or 3 (RGB), got '" + value + "'");
            }
            return Integer.valueOf(value);
        }
    }
}
