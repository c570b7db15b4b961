# The operator for a real Mesos cluster: the scheduler with its libraries, the executor jar
# that agents fetch, and the Spark plugin jar that SparkJob drivers with executors fetch (workloads.sparkPlugin) (serve it over HTTP and set mesos.executorUri, see README "Against a real
# Mesos cluster").
#   docker build -t mesos-operator .
#   docker run -p 8080:8080 mesos-operator --master http://mesos-master:5050 --zk zk1:2181
# --bind moves only the API; the admin port (health, metrics, tasks) stays on the container's
# loopback: scrape it from inside the network namespace (docs/real-cluster.md, section 2).
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# The whole reactor is copied (Maven reads every module's pom even when it builds a few), but only
# the operator and what it needs are built: not the workload distributions, samples or benchmark.
COPY . .
RUN mvn -B -q -DskipTests -pl scheduler,executor,spark-plugin -am package

FROM eclipse-temurin:17-jre
RUN groupadd --system operator && useradd --system --gid operator --home-dir /opt/mesos-operator operator
WORKDIR /opt/mesos-operator
COPY --from=build /src/scheduler/target/mesos-operator.jar lib/
COPY --from=build /src/scheduler/target/lib/ lib/
COPY --from=build /src/executor/target/mesos-operator-executor.jar lib/
COPY --from=build /src/spark-plugin/target/mesos-operator-spark-plugin.jar lib/
USER operator
EXPOSE 8080
ENTRYPOINT ["java", "-Xmx512m", "-cp", "/opt/mesos-operator/lib/*", "io.mesosoperator.scheduler.Main", "server", "--bind", "0.0.0.0"]
CMD ["--help"]
