package org.debian.bootc.scheduler.repository;

/**
 * PostgreSQL could not be reached or dropped the connection (no connection from the
 * pool, SQLSTATE class 08, an administrator shutdown 57P…, insufficient resources 53…).
 * Nothing the input did is wrong: a consumer waits and tries the same input again
 * rather than dead-lettering it.
 */
public class DatabaseUnavailableException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    public DatabaseUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
