package conduit.mail;

/** One message, rendered: who gets it, and its subject and bodies (plain text and HTML). */
public record Mail(String to, String subject, String text, String html) {
    /** Without the bodies (which may hold a one-time link): safe to log. */
    @Override
    public String toString() {
        return "Mail[subject=" + subject + "]";
    }
}
