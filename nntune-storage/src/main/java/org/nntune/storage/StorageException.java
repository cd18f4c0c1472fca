package org.nntune.storage;

/**
 * The database failed (cannot connect, lost connection, a statement the database refused for a
 * reason other than the caller's arguments). The message names the storage URL (password masked).
 */
public class StorageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what failed, with the storage URL */
    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
