package io.mesosoperator.scheduler.e2e;

/** Service specs for the end-to-end tests: one shape, the parts a test cares about as arguments. */
final class Specs {
    private Specs() {}

    /** A Service of {@code instances} running {@code command}, with extra `spec:` lines (each indented by two). */
    static String service(String name, int instances, String command, String... extraSpecLines) {
        StringBuilder yaml = new StringBuilder("""
                apiVersion: mesos-operator.io/v1
                kind: Service
                metadata: {name: %s}
                spec:
                  instances: %d
                  mem: 32
                  command: '%s'
                """.formatted(name, instances, command.replace("'", "''")));
        for (String line : extraSpecLines) {
            yaml.append("  ").append(line).append('\n');
        }
        return yaml.toString();
    }
}
