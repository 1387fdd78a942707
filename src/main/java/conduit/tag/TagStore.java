package conduit.tag;

import java.util.List;

import conduit.db.Database;
import conduit.db.Rows;

/** SQL for the tag list. */
public final class TagStore {
    private final Database db;

    public TagStore(Database db) {
        this.db = db;
    }

    /** The newest {@code max} tags that some article still carries. */
    public List<String> inUse(int max) {
        return db.read(exec -> exec.createQuery("""
                        SELECT t.name FROM tags t
                        WHERE EXISTS (SELECT 1 FROM article_tags at WHERE at.tag_id = t.id)
                        ORDER BY t.id DESC LIMIT :max""")
                .addParam("max", max)
                .execute()
                .map(r -> Rows.string(r, "name"))
                .toList());
    }
}
