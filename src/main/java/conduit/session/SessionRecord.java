package conduit.session;

/**
 * The stored form of a session: {@code userId:createdAt:lastWriteAt}. Text with the first three
 * fields fixed, so a record written by any release can be read by any other during a rolling
 * deploy (a later release may append fields after a fourth colon; readers ignore what they do
 * not know).
 */
record SessionRecord(long userId, long createdAt, long lastWriteAt) {

    String encode() {
        return userId + ":" + createdAt + ":" + lastWriteAt;
    }

    static SessionRecord decode(String value) {
        String[] parts = value.split(":", -1);
        return new SessionRecord(Long.parseLong(parts[0]), Long.parseLong(parts[1]), Long.parseLong(parts[2]));
    }

    SessionRecord wroteAt(long at) {
        return new SessionRecord(userId, createdAt, at);
    }
}
