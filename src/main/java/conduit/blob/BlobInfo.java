package conduit.blob;

/** What is stored under a key: its size in bytes and the content type it was uploaded with. */
public record BlobInfo(long size, String contentType) {
}
