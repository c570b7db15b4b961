package io.mesosoperator.scheduler.state;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mesosoperator.local.EmbeddedZooKeeper;
import io.mesosoperator.scheduler.spec.Resource;
import io.mesosoperator.scheduler.spec.ResourceKey;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base of the store tests: one real (embedded, single-server) ZooKeeper per class, and per test a
 * store under a root of its own (the test's name), closed after it with every other store the
 * test opened.
 */
abstract class ZooKeeperStoreTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final ResourceKey WEB = new ResourceKey("Service", "web");

    @TempDir
    static Path dir;
    static EmbeddedZooKeeper zk;
    ZkStore store;
    private final List<ZkStore> opened = new ArrayList<>();

    @BeforeAll
    static void startZooKeeper() throws Exception {
        zk = EmbeddedZooKeeper.start("127.0.0.1", 0, dir.resolve("zk"));
    }

    @AfterAll
    static void stopZooKeeper() {
        zk.close();
    }

    @BeforeEach
    void connect(TestInfo test) throws Exception {
        store = open("/" + test.getTestMethod().orElseThrow().getName());
    }

    @AfterEach
    void disconnect() {
        opened.forEach(ZkStore::close);
        opened.clear();
    }

    /** Another store on the same ZooKeeper (another operator instance, say), closed after the test. */
    ZkStore open(String root) throws InterruptedException {
        ZkStore s = new ZkStore(zk.connectString(), root);
        s.start();
        opened.add(s);
        return s;
    }

    static Resource service(String name, long generation, int instances) {
        ObjectNode doc = JSON.createObjectNode().put("apiVersion", Resource.API_VERSION).put("kind", "Service");
        doc.putObject("metadata").put("name", name).put("generation", generation);
        doc.putObject("spec").put("instances", instances).put("command", "sleep 600");
        return new Resource(doc);
    }
}
