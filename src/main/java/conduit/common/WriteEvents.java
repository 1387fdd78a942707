package conduit.common;

import java.util.Collection;
import java.util.function.IntPredicate;

/**
 * What a write changed, announced by the services after it committed. Services state facts;
 * what follows from them (which cached views are stale) is decided by the listener, in one place.
 */
public interface WriteEvents {
    /** An article was created with these tags. */
    void articleCreated(long authorId, Collection<String> tags);

    /**
     * An article's title, description, body or tags changed; {@code slug} is the one it had
     * before, {@code tags} those it had before and has now.
     */
    void articleEdited(String slug, Collection<String> tags);

    /** An article with these tags was deleted. */
    void articleDeleted(String slug, Collection<String> tags);

    /**
     * A user favourited or unfavourited an article that has these tags. {@code amongNewest}
     * answers, from the writer, whether fewer than {@code n} articles are newer than it (so it
     * may be on the first pages of the list of all articles): asked only by a listener that
     * needs it.
     */
    void favoriteChanged(long userId, String slug, Collection<String> tags, IntPredicate amongNewest);

    void followChanged(long followerId, long followeeId);

    void commentChanged(String slug);

    /** A user's public profile (username, bio or image) changed. */
    void profileChanged(long userId);

    /** Nobody listens (tests of a service alone). */
    WriteEvents NONE = new WriteEvents() {
        @Override
        public void articleCreated(long authorId, Collection<String> tags) {
        }

        @Override
        public void articleEdited(String slug, Collection<String> tags) {
        }

        @Override
        public void articleDeleted(String slug, Collection<String> tags) {
        }

        @Override
        public void favoriteChanged(long userId, String slug, Collection<String> tags, IntPredicate amongNewest) {
        }

        @Override
        public void followChanged(long followerId, long followeeId) {
        }

        @Override
        public void commentChanged(String slug) {
        }

        @Override
        public void profileChanged(long userId) {
        }
    };
}
