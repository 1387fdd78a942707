package conduit.viewer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongPredicate;
import java.util.function.ToLongFunction;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * The public JSON of a view that carries per-viewer booleans (a list page, an article, an
 * article's comments, a profile) as an anonymous visitor sees it, every {@code favorited} and
 * {@code following} false, with what a signed-in viewer's copy needs: for each item on it (an
 * article, a comment, the profile), its id, its author's id, and where its per-viewer booleans are
 * in the bytes. A viewer's copy is then the public bytes with some {@code false} spliced to
 * {@code true}: no parsing and no serialising per request, and nothing of one viewer is ever
 * stored (the query cache holds only the public form).
 *
 * <p>Stored form (what the query cache keeps): one ASCII header line, then the JSON:
 * {@code id,authorId,favoritedAt,followingAt;...\n}, offsets into the JSON; {@code favoritedAt}
 * is 0 for items that cannot be favourited (comments, profiles), as no boolean starts a JSON text.
 */
public final class PublicPage {
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final byte[] TRUE = "true".getBytes(StandardCharsets.US_ASCII);

    private final byte[] stored;
    private final int jsonStart;
    private final long[] ids;
    private final long[] authorIds;
    private final int[] favoritedAt;
    private final int[] followingAt;

    private PublicPage(byte[] stored, int jsonStart, long[] ids, long[] authorIds, int[] favoritedAt, int[] followingAt) {
        this.stored = stored;
        this.jsonStart = jsonStart;
        this.ids = ids;
        this.authorIds = authorIds;
        this.favoritedAt = favoritedAt;
        this.followingAt = followingAt;
    }

    /**
     * The stored form of public JSON written from these items, in the order they appear in it.
     *
     * @param ids         each item's id (an article's, a comment's, a user's)
     * @param authorIds   each item's author (for a profile, the user), whose {@code following} it shows
     * @param favoritable true when each item is an article with a {@code favorited} of its own
     * @throws IllegalStateException when the JSON does not hold exactly one {@code "following":false}
     *                               per item, and one {@code "favorited":false} per item when they
     *                               are favouritable, else none (a bug: the items were not loaded
     *                               as an anonymous visitor sees them)
     */
    public static byte[] store(byte[] json, long[] ids, long[] authorIds, boolean favoritable) {
        int n = ids.length;
        int[] favorited = new int[n];
        int[] following = new int[n];
        int f = 0;
        int g = 0;
        try (JsonParser parser = FACTORY.createParser(json)) {
            for (JsonToken t = parser.nextToken(); t != null; t = parser.nextToken()) {
                if (t != JsonToken.FIELD_NAME) {
                    continue;
                }
                String name = parser.currentName();
                boolean isFavorited = name.equals("favorited");
                if (!isFavorited && !name.equals("following")) {
                    continue;
                }
                if (parser.nextToken() != JsonToken.VALUE_FALSE || (isFavorited ? f : g) >= n || (isFavorited && !favoritable)) {
                    throw new IllegalStateException("not an anonymous view of " + n + " items");
                }
                int at = (int) parser.currentTokenLocation().getByteOffset();
                if (isFavorited) {
                    favorited[f++] = at;
                } else {
                    following[g++] = at;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if ((favoritable && f != n) || g != n) {
            throw new IllegalStateException("not an anonymous view of " + n + " items");
        }
        StringBuilder header = new StringBuilder(n * 32 + 1);
        for (int i = 0; i < n; i++) {
            header.append(ids[i]).append(',').append(authorIds[i]).append(',').append(favorited[i]).append(',')
                    .append(following[i]).append(';');
        }
        byte[] head = header.append('\n').toString().getBytes(StandardCharsets.US_ASCII);
        byte[] out = Arrays.copyOf(head, head.length + json.length);
        System.arraycopy(json, 0, out, head.length, json.length);
        return out;
    }

    /** {@link #store(byte[], long[], long[], boolean)} for items whose ids and authors are read off each. */
    public static <T> byte[] store(byte[] json, List<T> items, ToLongFunction<T> id, ToLongFunction<T> author, boolean favoritable) {
        long[] ids = new long[items.size()];
        long[] authors = new long[items.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = id.applyAsLong(items.get(i));
            authors[i] = author.applyAsLong(items.get(i));
        }
        return store(json, ids, authors, favoritable);
    }

    /** Reads the stored form back. */
    public static PublicPage of(byte[] stored) {
        int n = 0;
        int end = 0;
        while (stored[end] != '\n') {
            if (stored[end] == ';') {
                n++;
            }
            end++;
        }
        long[] ids = new long[n];
        long[] authors = new long[n];
        int[] favorited = new int[n];
        int[] following = new int[n];
        int at = 0;
        long[] field = new long[4];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < 4; k++) {
                long v = 0;
                for (byte b = stored[at]; b >= '0' && b <= '9'; b = stored[++at]) {
                    v = v * 10 + (b - '0');
                }
                field[k] = v;
                at++; // the ',' or ';'
            }
            ids[i] = field[0];
            authors[i] = field[1];
            favorited[i] = (int) field[2];
            following[i] = (int) field[3];
        }
        return new PublicPage(stored, end + 1, ids, authors, favorited, following);
    }

    /** The JSON as an anonymous visitor sees it. */
    byte[] anonymous() {
        return Arrays.copyOfRange(stored, jsonStart, stored.length);
    }

    /** True when there is nothing per viewer on it (an empty page). */
    boolean empty() {
        return ids.length == 0;
    }

    /** The ids of the items on it that can be favourited (none on a page of comments or a profile). */
    long[] favoritableIds() {
        return ids.length > 0 && favoritedAt[0] > 0 ? ids : new long[0];
    }

    /** The authors of the items on it, whose {@code following} it shows. */
    long[] authorIds() {
        return authorIds;
    }

    /** The JSON as a viewer sees it who favourited these articles and follows these authors. */
    byte[] as(LongPredicate favoritedIds, LongPredicate followedAuthors) {
        int n = ids.length;
        int[] flips = new int[n * 2];
        int count = 0;
        // Per article, favorited comes before its author's following: the offsets are ascending.
        for (int i = 0; i < n; i++) {
            if (favoritedAt[i] > 0 && favoritedIds.test(ids[i])) {
                flips[count++] = favoritedAt[i];
            }
            if (followedAuthors.test(authorIds[i])) {
                flips[count++] = followingAt[i];
            }
        }
        int length = stored.length - jsonStart;
        byte[] out = new byte[length - count]; // "false" -> "true": one byte shorter each
        int from = 0;
        int to = 0;
        for (int k = 0; k < count; k++) {
            int at = flips[k];
            System.arraycopy(stored, jsonStart + from, out, to, at - from);
            to += at - from;
            System.arraycopy(TRUE, 0, out, to, TRUE.length);
            to += TRUE.length;
            from = at + 5;
        }
        System.arraycopy(stored, jsonStart + from, out, to, length - from);
        return out;
    }
}
