package io.mesosoperator.scheduler.spec;

import java.util.List;
import java.util.stream.Collectors;

/** A submitted spec that is refused; nothing that was running changes. */
public final class InvalidSpecException extends RuntimeException {
    private final List<FieldError> errors;

    public InvalidSpecException(List<FieldError> errors) {
        super(errors.stream().map(FieldError::describe).collect(Collectors.joining("; ")));
        this.errors = List.copyOf(errors);
    }

    public InvalidSpecException(FieldError error) {
        this(List.of(error));
    }

    public List<FieldError> errors() {
        return errors;
    }
}
