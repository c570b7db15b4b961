package io.mesosoperator.scheduler.kind;

import io.mesosoperator.scheduler.spec.ResourceKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The pod of a kind that runs one distribution the agent fetches and extracts into the sandbox
 * (a Kafka, Cassandra or application tarball): a PodSpec named field by field, with what such pods
 * leave out (sandbox disk, further artifacts, files, volume, placement) left out.
 */
public final class DistributionPod {
    private final ResourceKey resource;
    private final int instance;
    private final String distribution;
    private double cpus;
    private double memMb;
    private String command;
    private Map<String, String> env = Map.of();
    private List<String> portNames = List.of();
    private PodSpec.HealthCheckSpec healthCheck;
    private Duration killGracePeriod;
    private String configHash;
    private PodSpec.Volume volume;
    private List<PodSpec.ConfigFile> files = List.of();
    private Integer maxPerAgent;
    private String group;
    private List<PodSpec.RequiredAttribute> requiredAttributes = List.of();
    private List<PodSpec.ConfigFile> jmxFiles = List.of();
    private boolean ownExecutor;

    private DistributionPod(ResourceKey resource, int instance, String distribution) {
        this.resource = resource;
        this.instance = instance;
        this.distribution = distribution;
    }

    /** Instance {@code instance} of the resource, running what the tarball at {@code distribution} holds. */
    public static DistributionPod of(ResourceKey resource, int instance, String distribution) {
        return new DistributionPod(resource, instance, distribution);
    }

    public DistributionPod resources(double cpus, double memMb) {
        this.cpus = cpus;
        this.memMb = memMb;
        return this;
    }

    public DistributionPod command(String command) {
        this.command = command;
        return this;
    }

    public DistributionPod env(Map<String, String> env) {
        this.env = env;
        return this;
    }

    public DistributionPod ports(List<String> portNames) {
        this.portNames = portNames;
        return this;
    }

    public DistributionPod healthCheck(PodSpec.HealthCheckSpec healthCheck) {
        this.healthCheck = healthCheck;
        return this;
    }

    public DistributionPod killGracePeriod(Duration killGracePeriod) {
        this.killGracePeriod = killGracePeriod;
        return this;
    }

    public DistributionPod configHash(String configHash) {
        this.configHash = configHash;
        return this;
    }

    public DistributionPod volume(PodSpec.Volume volume) {
        this.volume = volume;
        return this;
    }

    public DistributionPod files(List<PodSpec.ConfigFile> files) {
        this.files = files;
        return this;
    }

    public DistributionPod maxPerAgent(Integer maxPerAgent) {
        this.maxPerAgent = maxPerAgent;
        return this;
    }

    public DistributionPod group(String group) {
        this.group = group;
        return this;
    }

    public DistributionPod requiredAttributes(List<PodSpec.RequiredAttribute> requiredAttributes) {
        this.requiredAttributes = requiredAttributes;
        return this;
    }

    /**
     * The pod's JVM opens the JDK's JMX agent for the operator ({@link Jmx}): a {@value Jmx#PORT} port
     * after the pod's own ports, and the credential files ({@value Jmx#USER} with {@code secret} as
     * its password and {@code access}: readonly, readwrite) after its own files. Its command passes
     * the options that open the agent ({@link Jmx#remoteJvmOptions()}, or the workload's own spelling).
     */
    public DistributionPod jmxForOperator(String secret, String access) {
        this.jmxFiles = Jmx.credentialFiles(secret, access);
        return this;
    }

    /** Under the operator's executor, one of its own: its container's CPU and memory are the instance's (PodSpec). */
    public DistributionPod ownExecutor() {
        this.ownExecutor = true;
        return this;
    }

    public PodSpec build() {
        List<String> ports = portNames;
        List<PodSpec.ConfigFile> allFiles = files;
        if (!jmxFiles.isEmpty()) {
            ports = new java.util.ArrayList<>(portNames);
            ports.add(Jmx.PORT);
            allFiles = new java.util.ArrayList<>(files);
            allFiles.addAll(jmxFiles);
        }
        return new PodSpec(resource, instance, cpus, memMb, 0, command, env,
                List.of(new PodSpec.Artifact(distribution, true, false, null)), ports, healthCheck, killGracePeriod,
                configHash, volume, allFiles, maxPerAgent, group, requiredAttributes, ownExecutor);
    }
}
