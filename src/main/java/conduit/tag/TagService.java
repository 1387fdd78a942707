package conduit.tag;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import conduit.cache.QueryCache;
import conduit.cache.Scopes;

/** The tag cloud. */
public final class TagService {
    /**
     * The list is bounded like every other; the newest tags are kept, so a tag that was just used
     * is always in it (clients and the conformance suite rely on that).
     */
    public static final int MAX_TAGS = 500;

    private final TagStore store;
    private final QueryCache cache;

    public TagService(TagStore store, QueryCache cache) {
        this.store = store;
        this.cache = cache;
    }

    /** Tags in use, alphabetical. */
    public List<String> all() {
        List<String> tags = new ArrayList<>(store.inUse(MAX_TAGS));
        Collections.sort(tags);
        return tags;
    }

    /** {@code {"tags":[...]}}, the same for everyone, so always through the cache. */
    public byte[] json() {
        return cache.json("tags", Scopes.TAGS, () -> Map.of("tags", all()));
    }
}
