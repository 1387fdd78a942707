package conduit;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Typed reads of environment variables, each failing with a message that names the variable:
 * a typo in a deployment's settings stops the start-up with a clear line, never a default in its place.
 */
final class Env {
    private final Map<String, String> env;

    Env(Map<String, String> env) {
        this.env = env;
    }

    /** The trimmed value, or null when unset or blank. */
    String text(String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? null : value.trim();
    }

    String text(String name, String fallback) {
        String value = text(name);
        return value == null ? fallback : value;
    }

    boolean has(String name) {
        return text(name) != null;
    }

    int integer(String name, int fallback) {
        String value = text(name);
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an integer, got '" + value + "'", e);
        }
    }

    Duration millis(String name, Duration fallback) {
        return Duration.ofMillis(integer(name, (int) fallback.toMillis()));
    }

    Duration seconds(String name, Duration fallback) {
        return Duration.ofSeconds(integer(name, (int) fallback.toSeconds()));
    }

    Duration minutes(String name, Duration fallback) {
        return Duration.ofMinutes(integer(name, (int) fallback.toMinutes()));
    }

    Duration hours(String name, Duration fallback) {
        return Duration.ofHours(integer(name, (int) fallback.toHours()));
    }

    boolean bool(String name, boolean fallback) {
        String value = text(name);
        if (value == null) {
            return fallback;
        }
        return switch (value.toLowerCase(java.util.Locale.ROOT)) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw new IllegalArgumentException(name + " must be true or false, got '" + value + "'");
        };
    }

    URI uri(String name) {
        String value = text(name);
        if (value == null) {
            return null;
        }
        try {
            return URI.create(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " must be a URL, got '" + value + "'", e);
        }
    }

    Path path(String name) {
        String value = text(name);
        return value == null ? null : Path.of(value);
    }

    /** A comma-separated list, items trimmed, empty items dropped; empty when unset. */
    List<String> list(String name) {
        String value = text(name);
        if (value == null) {
            return List.of();
        }
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    String required(String name, String because) {
        String value = text(name);
        if (value == null) {
            throw new IllegalArgumentException(name + " must be set " + because);
        }
        return value;
    }
}
