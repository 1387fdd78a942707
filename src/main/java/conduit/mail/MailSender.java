package conduit.mail;

/** Delivers a rendered message: Amazon SES on AWS, files in the data directory in embedded mode. */
public interface MailSender {
    /**
     * Hands the message over for delivery.
     *
     * @return the provider's message id
     * @throws Rejected when the provider refuses this message for good (retrying cannot help)
     * @throws RuntimeException on any other failure, which a later attempt may overcome
     */
    String send(Mail mail);

    /** The provider refused the message itself (a bad address, a rejected content): do not retry. */
    final class Rejected extends RuntimeException {
        public Rejected(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
