package io.mesosoperator.spark;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.launcher.JavaModuleOptions;
import org.apache.spark.util.Utils;
import scala.Tuple2;

/**
 * What every executor of the application runs, decided by the driver from its SparkConf so that
 * Spark's own rules apply (the operator adds the heap, the class path of the job's Spark, the
 * host and the executor id): {@code java -Xmx<memoryMiB>m <javaOptions> -cp
 * <extraClassPath>:$SPARK_HOME/jars/* org.apache.spark.executor.CoarseGrainedExecutorBackend
 * --driver-url <driverUrl> --executor-id <id> --hostname <host> --cores <cores> --app-id
 * <applicationId> --resourceProfileId <profile>}.
 *
 * @param javaOptions Spark's Java 17 module options, the executor start-up settings (-Dspark.rpc.*,
 *                    ports, authentication switches) and spark.executor.{default,extra}JavaOptions;
 *                    {@code {{EXECUTOR_ID}}} is left for the operator to fill in
 * @param env         spark.executorEnv.*
 */
public record ExecutorLaunch(String applicationId, String driverUrl, List<String> javaOptions, String extraClassPath,
                             String extraLibraryPath, Map<String, String> env) {

    static ExecutorLaunch of(SparkConf conf, String applicationId, String driverUrl) {
        List<String> options = new ArrayList<>(List.of(JavaModuleOptions.defaultModuleOptions().trim().split("\\s+")));
        // what standalone and Kubernetes pass as -D: SparkConf.isExecutorStartupConf, the same in 3.5 and 4.x
        // (Utils.sparkJavaOpts is not: its parameter became ReadOnlySparkConf in 4.1)
        for (Tuple2<String, String> kv : conf.getAll()) {
            if (SparkConf.isExecutorStartupConf(kv._1())) {
                options.add("-D" + kv._1() + "=" + kv._2());
            }
        }
        for (String key : List.of("spark.executor.defaultJavaOptions", "spark.executor.extraJavaOptions")) {
            if (conf.contains(key)) {
                Scala.forEach(Utils.splitCommandString(conf.get(key)),
                        o -> options.add(o.replace("{{APP_ID}}", applicationId)));
            }
        }
        Map<String, String> env = new LinkedHashMap<>();
        Scala.forEach(conf.getExecutorEnv(), kv -> env.put(kv._1(), kv._2()));
        return new ExecutorLaunch(applicationId, driverUrl, List.copyOf(options),
                conf.get("spark.executor.extraClassPath", ""), conf.get("spark.executor.extraLibraryPath", ""),
                env);
    }
}
