package org.nntune.tune.storage;

/** An {@link ArtifactStore} that is full or cannot be reached; what it held before is kept. */
public final class ArtifactStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why a call failed. */
    public enum Kind {
        /** the put would pass the store's cap */
        FULL,
        /** the store cannot be reached (a folder that disappeared, a lost connection, a full disk) */
        UNAVAILABLE
    }

    /** why the call failed (part of the serialized form) */
    private final Kind kind;

    /**
     * @param kind why the call failed
     * @param message what failed, where, and what to do
     */
    public ArtifactStoreException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    /**
     * @param kind why the call failed
     * @param message what failed, where, and what to do
     * @param cause the store's own exception (an I/O or database error)
     */
    public ArtifactStoreException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    /** @return why the call failed */
    public Kind kind() {
        return kind;
    }
}
