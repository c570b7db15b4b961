package io.mesosoperator.scheduler.kind;

import io.mesosoperator.scheduler.spec.FieldError;
import java.util.ArrayList;
import java.util.List;

/**
 * What a stateful instance reserves on its agent at its first start, with its persistent volume:
 * its cpus, its mem and the volume's size. Every relaunch runs on that reservation, so a spec
 * that changes them once the resource exists would change nothing that runs (and a heap raised
 * with mem would outgrow the mem reserved): such a change is refused, naming the field.
 */
public record ReservedSize(double cpus, double mem, double disk) {
    /**
     * Why {@code next} cannot replace these sizes: one error per size it changes, at the spec path
     * the kind keeps it under ({@code diskField}: the volume's size).
     */
    public List<FieldError> changesTo(ReservedSize next, String cpusField, String memField, String diskField) {
        List<FieldError> errors = new ArrayList<>();
        double[] before = {cpus, mem, disk};
        double[] after = {next.cpus, next.mem, next.disk};
        String[] fields = {cpusField, memField, diskField};
        for (int i = 0; i < 3; i++) {
            if (Math.abs(before[i] - after[i]) > 1e-9) {
                String was = before[i] == Math.rint(before[i]) ? Long.toString((long) before[i]) : Double.toString(before[i]);
                errors.add(FieldError.of(fields[i], "cannot change once the resource exists (it is " + was
                        + "): each instance reserved its cpus, mem and volume at its first start and runs on them;"
                        + " delete and re-create the resource to resize it"));
            }
        }
        return errors;
    }
}
