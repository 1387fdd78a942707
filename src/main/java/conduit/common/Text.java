package conduit.common;

/** Field rules shared by every feature: required, bounded text. */
public final class Text {
    private Text() {
    }

    /** The value, which must be present, not blank and at most {@code max} characters. */
    public static String required(String field, String value, int max) {
        if (value == null || value.isBlank()) {
            throw Failure.blank(field);
        }
        return bounded(field, value, max);
    }

    /** The value (may be null), at most {@code max} characters (counted as code points). */
    public static String bounded(String field, String value, int max) {
        if (value != null && value.length() > max && value.codePointCount(0, value.length()) > max) {
            throw Failure.tooLong(field, max);
        }
        return value;
    }

    /** Null for null or blank, else the value: RealWorld normalises "" to null for optional text. */
    public static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
