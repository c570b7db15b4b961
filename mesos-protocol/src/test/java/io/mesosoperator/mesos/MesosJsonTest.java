package io.mesosoperator.mesos;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.mesos.v1.Protos.Address;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.ExecutorID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.MasterInfo;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.Protos.Value;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.Test;

class MesosJsonTest {
    private static final Path TRANSCRIPTS = Path.of(System.getProperty("mesos.transcripts", "../../shared/mesos-transcripts"));

    private static Resource ports(long begin, long end) {
        return Resource.newBuilder().setName("ports").setType(Value.Type.RANGES)
                .setRanges(Value.Ranges.newBuilder().addRange(Value.Range.newBuilder().setBegin(begin).setEnd(end))).build();
    }

    private static <B extends Message.Builder> B parse(String json, B builder) throws InvalidProtocolBufferException {
        JsonFormat.parser().merge(json, builder);
        return builder;
    }

    @Test
    void printsSixtyFourBitIntegersAsNumbers() {
        assertThat(MesosJson.print(ports(31000, 32000)))
                .isEqualTo("{\"name\":\"ports\",\"type\":\"RANGES\",\"ranges\":{\"range\":[{\"begin\":31000,\"end\":32000}]}}");
        // uint32 (MasterInfo.ip) and uint64 beyond Long.MAX_VALUE stay unsigned
        MasterInfo info = MasterInfo.newBuilder().setId("m").setIp(-1).setPort(5050).build();
        assertThat(MesosJson.print(info)).contains("\"ip\":4294967295,");
        assertThat(MesosJson.print(Value.Range.newBuilder().setBegin(Long.MAX_VALUE).setEnd(-1).build()))
                .isEqualTo("{\"begin\":9223372036854775807,\"end\":18446744073709551615}");
        // int64 (TimeInfo.nanoseconds) keeps its sign
        assertThat(MesosJson.print(org.apache.mesos.v1.Protos.TimeInfo.newBuilder().setNanoseconds(-2).build()))
                .isEqualTo("{\"nanoseconds\":-2}");
    }

    @Test
    void fieldsComeInDeclarationOrderNotByNumber() {
        // TaskStatus declares timestamp (6) after executor_id (7), and source (9) before agent_id (5)
        TaskStatus status = TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue("t")).setState(TaskState.TASK_RUNNING)
                .setTimestamp(1795674094.046676).setExecutorId(ExecutorID.newBuilder().setValue("e"))
                .setAgentId(AgentID.newBuilder().setValue("a")).setSource(TaskStatus.Source.SOURCE_EXECUTOR).build();
        assertThat(MesosJson.print(status)).isEqualTo("{\"task_id\":{\"value\":\"t\"},\"state\":\"TASK_RUNNING\","
                + "\"source\":\"SOURCE_EXECUTOR\",\"agent_id\":{\"value\":\"a\"},\"executor_id\":{\"value\":\"e\"},"
                + "\"timestamp\":1795674094.046676}");
    }

    @Test
    void printsSetFieldsAndUndeprecatedDefaultsOnly() {
        // CommandInfo.shell has [default = true]; unset fields and empty repeated fields are left out
        assertThat(MesosJson.print(CommandInfo.newBuilder().setValue("sleep 1").build()))
                .isEqualTo("{\"shell\":true,\"value\":\"sleep 1\"}");
        // FrameworkInfo: failover_timeout and checkpoint have defaults; role's default "*" is deprecated
        assertThat(MesosJson.print(FrameworkInfo.newBuilder().setUser("root").setName("f").build()))
                .isEqualTo("{\"user\":\"root\",\"name\":\"f\",\"failover_timeout\":0.0,\"checkpoint\":false}");
        // a set field prints even when it holds the default
        assertThat(MesosJson.print(Resource.newBuilder().setName("cpus").setType(Value.Type.SCALAR).setRole("*")
                .setScalar(Value.Scalar.newBuilder().setValue(4)).build()))
                .isEqualTo("{\"name\":\"cpus\",\"type\":\"SCALAR\",\"scalar\":{\"value\":4.0},\"role\":\"*\"}");
    }

    @Test
    void printsDoublesAsRapidjsonDoes() {
        // Grisu2's last digit is not always the correctly rounded one (1795674353.7980342, 1.25e22): Mesos' is
        assertThat(List.of(15.0, 2.0, 0.1, 8160.0, 1795674094.046676, 1795674094.06394, 1795674353.7980342,
                100.0, 1e20, 0.001, 1.5e-6, 1e-7, 1.5e-7, 1e21, 1.25e22, -0.5, -0.0, 0.0, Double.NaN,
                Double.NEGATIVE_INFINITY).stream().map(MesosJson::number).toList())
                .containsExactly("15.0", "2.0", "0.1", "8160.0", "1795674094.046676", "1795674094.06394",
                        "1795674353.7980343", "100.0", "100000000000000000000.0", "0.001", "0.0000015", "1e-7",
                        "1.5e-7", "1e21", "1.2499999999999999e22", "-0.5", "-0.0", "0.0", "NaN", "\"-Infinity\"");
    }

    @Test
    void printsEveryDoubleAsTheRapidjsonMesosBundlesPrintedIt() throws IOException {
        try (var in = MesosJsonTest.class.getResourceAsStream("/rapidjson-doubles.txt")) {
            List<String> lines = new String(in.readAllBytes(), StandardCharsets.US_ASCII).lines()
                    .filter(l -> !l.startsWith("#")).toList();
            assertThat(lines).hasSizeGreaterThan(500);
            for (String line : lines) {
                String[] bitsAndText = line.split(" ");
                double value = Double.longBitsToDouble(Long.parseUnsignedLong(bitsAndText[0], 16));
                assertThat(MesosJson.number(value)).as(line).isEqualTo(bitsAndText[1]);
            }
        }
    }

    @Test
    void escapesOnlyWhatRapidjsonEscapesAndPrintsBytesAsBase64() {
        assertThat(MesosJson.string("a\"b\\c/d\n\t\u0001\u007fé✓")).isEqualTo("\"a\\\"b\\\\c/d\\n\\t\\u0001\u007fé✓\"");
        TaskStatus status = TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue("t")).setState(TaskState.TASK_RUNNING)
                .setUuid(ByteString.copyFrom(new byte[] {(byte) 0xfb, (byte) 0xff, 1})).build();
        assertThat(MesosJson.print(status)).endsWith("\"uuid\":\"+/8B\"}");
    }

    @Test
    void roundTripsThroughJsonFormatsParser() throws Exception {
        Event event = Event.newBuilder().setType(Event.Type.UPDATE).setUpdate(Event.Update.newBuilder().setStatus(
                TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue("t\"1")).setState(TaskState.TASK_FAILED)
                        .setMessage("line\nnext").setTimestamp(1795674094.046676).setUuid(Uuids.random())
                        .setHealthy(false))).build();
        Event parsed = parse(MesosJson.print(event), Event.newBuilder()).build();
        assertThat(parsed).isEqualTo(event);
        Resource range = ports(0, -1);
        assertThat(parse(MesosJson.print(range), Resource.newBuilder()).build()).isEqualTo(range);
        // a default printed for an unset field parses back as set to that default: same JSON again
        CommandInfo command = CommandInfo.newBuilder().setValue("true").build();
        assertThat(MesosJson.print(parse(MesosJson.print(command), CommandInfo.newBuilder()))).isEqualTo(MesosJson.print(command));
    }

    @Test
    void reprintsWhatARealMasterAndAgentSentByteForByte() throws IOException {
        for (String capture : List.of("scheduler-json.recordio", "scheduler-json-stream2.recordio", "executor-custom.recordio")) {
            Path file = TRANSCRIPTS.resolve(capture);
            org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(file), "capture not present: " + file);
            boolean executor = capture.startsWith("executor");
            for (byte[] record : RecordIo.readAll(Files.readAllBytes(file))) {
                String sent = new String(record, StandardCharsets.UTF_8);
                // QUOTA_V2 is newer than the 1.11 protobufs built against: the parser leaves an empty capability
                String expected = sent.replace("{\"type\":\"QUOTA_V2\"}", "{}");
                Message.Builder builder = executor ? org.apache.mesos.v1.executor.Protos.Event.newBuilder() : Event.newBuilder();
                JsonFormat.parser().ignoringUnknownFields().merge(sent, builder);
                assertThat(MesosJson.print(builder)).as(capture).isEqualTo(expected);
            }
        }
    }

    @Test
    void printsSortedKeysAsTheZooKeeperMasterInfo() throws IOException {
        MasterInfo info = MasterInfo.newBuilder().setId("70efc1d6-5a04-4b6a-b9f6-b6ee339a26a6").setIp(16777343).setPort(5050)
                .setPid("master@127.0.0.1:5050").setHostname("localhost").setVersion("1.12.0")
                .setAddress(Address.newBuilder().setHostname("localhost").setIp("127.0.0.1").setPort(5050))
                .addCapabilities(MasterInfo.Capability.newBuilder().setType(MasterInfo.Capability.Type.AGENT_UPDATE))
                .addCapabilities(MasterInfo.Capability.newBuilder().setType(MasterInfo.Capability.Type.AGENT_DRAINING))
                .build();
        Path file = TRANSCRIPTS.resolve("zk-master-info.txt");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(file), "capture not present: " + file);
        String line = Files.readAllLines(file).stream().filter(l -> l.contains("data (raw bytes, as stored)")).findFirst().orElseThrow();
        String stored = line.substring(line.indexOf("b'") + 2, line.lastIndexOf('\''));
        assertThat(MesosJson.printSorted(info)).isEqualTo(stored.replace(",{\"type\":\"QUOTA_V2\"}", ""));
    }
}
