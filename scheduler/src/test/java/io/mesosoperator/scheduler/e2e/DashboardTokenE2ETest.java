package io.mesosoperator.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.openqa.selenium.By;

/**
 * The dashboard of an operator that protects reads and writes with a bearer token: the page itself
 * loads, the API refuses it until the user gives the token, and then it works as the API does for
 * a client with that token.
 */
@EnabledIf(value = "io.mesosoperator.scheduler.e2e.HeadlessChromium#installed", disabledReason = HeadlessChromium.MISSING)
class DashboardTokenE2ETest extends BrowserE2ETest {
    private static final String TOKEN = "dash-tok-51c2e8";


    @Override
    EmbeddedOperator startEnvironment(Path dir) throws Exception {
        Files.createDirectories(dir);
        Path tokens = Files.writeString(dir.resolve("tokens"), TOKEN + "\n");
        return new EmbeddedOperator(dir, EmbeddedOperator.Options.defaults()
                .config("api.tokenFile", tokens.toString()).config("api.protectReads", true));
    }

    @Test
    void asksForTheTokenAndThenWorksWithIt() throws Exception {
        browser.get(env.api() + "/");
        chromium.awaitText(By.id("banner"), "requires a bearer token");
        chromium.screenshot("token-asked");

        browser.findElement(By.id("token-input")).sendKeys("not-the-token");
        browser.findElement(By.cssSelector("#banner button[type='submit']")).click();
        chromium.awaitText(By.id("banner"), "the bearer token is not valid");

        browser.findElement(By.id("token-input")).sendKeys(TOKEN);
        browser.findElement(By.cssSelector("#banner button[type='submit']")).click();
        chromium.awaitText(By.id("live"), "live");
        browser.findElement(By.cssSelector("details.apply summary")).click();
        browser.findElement(By.id("apply-spec")).sendKeys(Specs.service("guarded", 1, "sleep 600"));
        browser.findElement(By.id("apply-button")).click();
        chromium.awaitText(By.id("apply-result"), "Service/guarded: created (generation 1)");
        chromium.awaitText(By.cssSelector("tr[data-resource='Service/guarded']"), "guarded");
        assertThat(env.get("/v1/resources/Service/guarded").status()).as("without the token the API refuses reads").isEqualTo(401);
        browser.get(env.api() + "/dashboard/#/r/Service/guarded");
        browser.findElement(By.id("delete-button")).click();
        browser.findElement(By.id("delete-confirm")).click();
        chromium.awaitText(By.id("action-result"), "Service/guarded deleted");
    }
}
