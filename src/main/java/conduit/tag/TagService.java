package conduit.tag;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The tag cloud. */
public final class TagService {
    /**
     * The list is bounded like every other; the newest tags are kept, so a tag that was just used
     * is always in it (clients and the conformance suite rely on that).
     */
    public static final int MAX_TAGS = 500;

    private final TagStore store;

    public TagService(TagStore store) {
        this.store = store;
    }

    /** Tags in use, alphabetical. */
    public List<String> all() {
        List<String> tags = new ArrayList<>(store.inUse(MAX_TAGS));
        Collections.sort(tags);
        return tags;
    }
}
