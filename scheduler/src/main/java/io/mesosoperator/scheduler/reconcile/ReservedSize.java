package io.mesosoperator.scheduler.reconcile;

import io.mesosoperator.scheduler.spec.FieldError;
import java.util.ArrayList;
import java.util.List;

/**
 * What a stateful instance reserves on its agent at its first start, with its persistent volume:
 * its cpus, its mem and the volume's size. Every relaunch runs on that reservation, so a spec
 * that changes them once the resource exists would change nothing that runs (and a heap raised
 * with mem would outgrow the mem reserved): such a change is refused, naming the field.
 *
 * @param fields the spec paths of cpus, mem and the volume size, in that order
 */
public record ReservedSize(double cpus, double mem, double disk, List<String> fields) {
    public static ReservedSize of(double cpus, double mem, double disk, String cpusField, String memField, String diskField) {
        return new ReservedSize(cpus, mem, disk, List.of(cpusField, memField, diskField));
    }

    /** Why {@code next} cannot replace {@code running}: one error per reserved size it changes. */
    public List<FieldError> changesTo(ReservedSize next) {
        List<FieldError> errors = new ArrayList<>();
        double[] before = {cpus, mem, disk};
        double[] after = {next.cpus, next.mem, next.disk};
        for (int i = 0; i < 3; i++) {
            if (Math.abs(before[i] - after[i]) > 1e-9) {
                String was = before[i] == Math.rint(before[i]) ? Long.toString((long) before[i]) : Double.toString(before[i]);
                errors.add(FieldError.of(next.fields.get(i), "cannot change once the resource exists (it is " + was
                        + "): each instance reserved its cpus, mem and volume at its first start and runs on them;"
                        + " delete and re-create the resource to resize it"));
            }
        }
        return errors;
    }
}
