package io.sparkgan.jobs.cli;

/** Option values the commands share the parsing of. */
final class OptionValues {

    private OptionValues() {}

    /** The constant of {@code type} that an option's value names (any case), or an error naming the option. */
    static <E extends Enum<E>> E choice(Class<E> type, String option, String value) {
        try {
            return Enum.valueOf(type, value.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + " must be one of "
                    + java.util.Arrays.stream(type.getEnumConstants())
                            .map(c -> c.name().toLowerCase(java.util.Locale.ROOT))
                            .toList()
                    + ", got '" + value + "'");
        }
    }
}
