package dev.coffer.client;

/** A checksum did not match: the node found corrupt data, or a value did not match its CRC32C. */
public class CorruptDataException extends CofferException {
    private static final long serialVersionUID = 1L;

    public CorruptDataException(String message) {
        super("CORRUPT_DATA", message);
    }
}
