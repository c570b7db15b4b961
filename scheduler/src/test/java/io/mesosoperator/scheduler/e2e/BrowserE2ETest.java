package io.mesosoperator.scheduler.e2e;

import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.openqa.selenium.WebDriver;

/**
 * An end-to-end test of the dashboard: one headless Chromium for the class, opened before its tests and
 * closed after them. Subclasses carry {@code @EnabledIf} on {@link HeadlessChromium#installed}.
 */
abstract class BrowserE2ETest extends EmbeddedOperatorTest {
    HeadlessChromium chromium;
    WebDriver browser;

    @BeforeAll
    void openBrowser() throws IOException {
        chromium = new HeadlessChromium();
        browser = chromium.driver;
    }

    @AfterAll
    void closeBrowser() {
        if (chromium != null) {
            chromium.close();
        }
    }
}
