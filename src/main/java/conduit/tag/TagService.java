package conduit.tag;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import conduit.cache.QueryCache;

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
        return List.of(cache.get("tags", String[].class, () -> {
            List<String> tags = new ArrayList<>(store.inUse(MAX_TAGS));
            Collections.sort(tags);
            return tags.toArray(String[]::new);
        }));
    }
}
