package io.mesosoperator.scheduler.spec;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One reason a spec was refused: the field path ("spec.instances"), what is wrong with it, and
 * where in the submitted text it is, when known.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FieldError(String path, String message, Integer line, Integer column) {
    public static FieldError of(String path, String message) {
        return new FieldError(path, message, null, null);
    }

    /** "7:14: spec.instances: must be >= 0" (the CLI puts the file name in front). */
    public String describe() {
        String where = line == null ? "" : line + ":" + (column == null ? "" : column + ":") + " ";
        return where + (path == null || path.isEmpty() ? "" : path + ": ") + message;
    }
}
