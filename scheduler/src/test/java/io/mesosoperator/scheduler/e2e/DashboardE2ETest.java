package io.mesosoperator.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The web dashboard in a real browser (headless Chromium driven by chromedriver) against the
 * embedded cluster with real processes: the page lists an applied Service going to Running without
 * a reload, shows the restart after a kill -9 of its process, scales it, follows its log, deletes it
 * after a confirmation, and shows a refused spec's errors. Screenshots go to
 * target/dashboard-screenshots/. Skipped only where no Chromium is installed (.ci/run installs it).
 */
@EnabledIf(value = "io.mesosoperator.scheduler.e2e.HeadlessChromium#installed", disabledReason = HeadlessChromium.MISSING)
class DashboardE2ETest extends BrowserE2ETest {
    private static final Duration WAIT = HeadlessChromium.WAIT;


    /** The charts' series sampled every second, so that they have points within the test. */
    @Override
    EmbeddedOperator.Options options() {
        return super.options().config("monitoring.historyIntervalSeconds", 1);
    }

    private String spec(String name, Object instances) {
        return """
                apiVersion: mesos-operator.io/v1
                kind: Service
                metadata:
                  name: %s
                  labels: {team: web}
                spec:
                  instances: %s
                  cpus: 0.1
                  mem: 32
                  env: {GREETING: hello}
                  command: 'echo "$GREETING from $MESOS_TASK_ID"; while true; do touch alive; sleep 1; done'
                  healthCheck: {type: command, command: test -f alive, intervalSeconds: 1, gracePeriodSeconds: 10}
                  killGracePeriodSeconds: 1
                """.formatted(name, instances);
    }

    @Test
    void showsAServiceGoingToRunningItsRestartAfterAKillAndScalesIt() throws Exception {
        browser.get(env.api() + "/");
        assertThat(browser.getCurrentUrl()).endsWith("/dashboard/");
        awaitText(By.id("live"), "live");
        // a mark the page would lose if it reloaded: everything below arrives through the event stream
        js("window.stillTheSamePage = true");

        assertThat(applyOwned(spec("shop", 1)).status()).isEqualTo(201);
        By row = By.cssSelector("tr[data-resource='Service/shop']");
        await("the overview lists Service/shop as Running, 1/1 ready").atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
            WebElement r = browser.findElement(row);
            assertThat(r.findElement(By.cssSelector(".phase-cell")).getText()).isEqualTo("Running");
            assertThat(r.findElement(By.cssSelector(".ready")).getText()).isEqualTo("1/1");
        });
        assertThat(browser.findElement(row).getText()).contains("Service", "team=web", "1 / 1");
        assertThat((Boolean) js("return window.stillTheSamePage === true")).as("the page was not reloaded").isTrue();
        screenshot("overview");
        chromium.phoneScreenshot("overview-phone");

        // filters: by kind and by label
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("kind-filter"))).selectByValue("KafkaCluster");
        assertThat(browser.findElements(row)).isEmpty();
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("kind-filter"))).selectByValue("");
        browser.findElement(By.id("label-filter")).sendKeys("team=nobody");
        assertThat(browser.findElements(row)).isEmpty();
        browser.findElement(By.id("label-filter")).clear();
        browser.findElement(By.id("label-filter")).sendKeys("team=web");
        assertThat(browser.findElements(row)).hasSize(1);

        browser.findElement(row).findElement(By.linkText("shop")).click();
        awaitText(By.id("ready"), "1/1 ready");
        await("the plan's step of instance 0 is complete").atMost(WAIT).ignoreExceptions().untilAsserted(() ->
                assertThat(browser.findElement(By.id("plan")).getText()).contains("shop-0", "COMPLETE"));
        await("the log of instance 0 shows its greeting").atMost(WAIT).ignoreExceptions().untilAsserted(() ->
                assertThat(browser.findElement(By.id("log")).getText()).contains("hello from "));

        // kill -9 of the task's process: the page shows the failure and the restart, live
        JsonNode task = env.tasks("Service/shop").get(0);
        EmbeddedOperator.crash(env.awaitTaskProcess(task));
        await("the instance shows 1 restart and is ready again").atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
            assertThat(browser.findElement(By.cssSelector("#instances tr[data-instance='0'] .restarts")).getText()).isEqualTo("1");
            assertThat(browser.findElement(By.id("ready")).getText()).isEqualTo("1/1 ready");
        });
        assertThat(browser.findElement(By.id("timeline")).getText()).contains("TASK_FAILED");
        assertThat(browser.findElement(By.id("tasks")).getText()).contains("TASK_RUNNING");
        assertThat((Boolean) js("return window.stillTheSamePage === true")).isTrue();
        screenshot("restarted");

        // scale from the page
        WebElement count = browser.findElement(By.id("scale-instances"));
        count.clear();
        count.sendKeys("2");
        browser.findElement(By.id("scale-instances-button")).click();
        awaitText(By.id("action-result"), "instances: 2 (scaled, generation 2)");
        awaitText(By.id("ready"), "2/2 ready");
        await("Mesos runs both instances").atMost(WAIT).untilAsserted(() -> assertThat(env.mesosRunningTasks()).hasSize(2));
        assertThat(env.get("/v1/resources/Service/shop").body().path("spec").path("instances").asInt()).isEqualTo(2);
        await("the spec history shows both generations and their diff").atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
            assertThat(browser.findElement(By.id("history")).getText()).contains("scaled");
            assertThat(browser.findElement(By.id("diff")).getText()).contains("-   \"instances\": 1", "+   \"instances\": 2");
        });
        screenshot("scaled");

        // the agents and what runs on each; the charts of the operator's series
        browser.findElement(By.linkText("Agents")).click();
        await("the agents page lists both instances").atMost(WAIT).ignoreExceptions().untilAsserted(() ->
                assertThat(browser.findElements(By.cssSelector("#agents li")).stream().map(WebElement::getText)
                        .filter(t -> t.startsWith("Service/shop")).toList()).hasSize(2));
        screenshot("agents");
        browser.findElement(By.linkText("Charts")).click();
        await("the tasks chart draws the running tasks").atMost(WAIT).ignoreExceptions().untilAsserted(() ->
                assertThat(browser.findElement(By.id("charts")).getText()).contains("Tasks by state", "RUNNING 2"));
        assertThat(browser.findElements(By.cssSelector("#charts polyline[data-series='RUNNING']"))).hasSize(1);
        assertThat(browser.findElement(By.id("charts")).getText()).contains("Restarts", "Service");
        screenshot("charts");
        browser.navigate().back();
        browser.navigate().back();
        awaitText(By.id("ready"), "2/2 ready");

        // a scale the schema refuses: the error names the field
        count = browser.findElement(By.id("scale-instances"));
        count.clear();
        count.sendKeys("-1");
        browser.findElement(By.id("scale-instances-button")).click();
        awaitText(By.cssSelector("#action-result .error"), "spec.instances");
        assertThat(browser.findElement(By.cssSelector("#action-result .error")).getText()).contains("Refused (422)")
                .doesNotContain("line");

        // on a phone-sized screen the resource page still reads
        chromium.phoneScreenshot("resource-phone");

        // delete, after a confirmation
        browser.findElement(By.id("delete-button")).click();
        browser.findElement(By.id("delete-cancel")).click();
        assertThat(env.get("/v1/resources/Service/shop").status()).as("cancel deletes nothing").isEqualTo(200);
        browser.findElement(By.id("delete-button")).click();
        browser.findElement(By.id("delete-confirm")).click();
        awaitText(By.id("action-result"), "Service/shop deleted");
        await("Service/shop is gone, and so are its tasks").atMost(WAIT).untilAsserted(() -> {
            assertThat(env.get("/v1/resources/Service/shop").status()).isEqualTo(404);
            assertThat(env.mesosRunningTasks()).isEmpty();
        });
    }

    @Test
    void showsARefusedSpecsErrorsAndChangesNothing() throws Exception {
        browser.get(env.api() + "/dashboard/");
        awaitText(By.id("live"), "live");
        browser.findElement(By.cssSelector("details.apply summary")).click();
        browser.findElement(By.id("apply-spec")).sendKeys(spec("refused", -1).replace("  cpus: 0.1", "  cpu: 0.1"));
        browser.findElement(By.id("apply-button")).click();
        awaitText(By.cssSelector("#apply-result .error"), "Refused (422)");
        String error = browser.findElement(By.cssSelector("#apply-result .error")).getText();
        assertThat(error).contains("spec.instances", "line 7").contains("spec.cpu");
        assertThat(env.get("/v1/resources/Service/refused").status()).isEqualTo(404);
        screenshot("refused");
    }

    private Object js(String script) {
        return chromium.js(script);
    }

    private void awaitText(By element, String text) {
        chromium.awaitText(element, text);
    }

    private void screenshot(String name) throws IOException {
        chromium.screenshot(name);
    }
}
