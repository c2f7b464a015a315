package dev.tippen.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UserAgentsTest {
    static final UserAgents AGENTS = new UserAgents(100);

    @Test
    void peopleBrowsers() {
        Device d = AGENTS.parse("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1");
        assertThat(d).isEqualTo(new Device("iPhone", "iOS 17.5", "Mobile Safari 17", "iPhone - Mobile Safari", false));
        Device w = AGENTS.parse("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0");
        assertThat(w.device()).isEqualTo("Desktop");
        assertThat(w.browser()).isEqualTo("Edge 131");
        assertThat(w.role()).isEqualTo("Windows - Edge");
        assertThat(w.bot()).isFalse();
        Device a = AGENTS.parse("Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.81 Mobile Safari/537.36");
        assertThat(a.device()).isEqualTo("Samsung SM-S918B");
        assertThat(a.os()).isEqualTo("Android 14");
        assertThat(a.role()).isEqualTo("Android - Chrome Mobile");
        Device cubot = AGENTS.parse("Mozilla/5.0 (Linux; Android 10; CUBOT X30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36");
        assertThat(cubot.bot()).as("a phone brand ending in 'bot' is a person").isFalse();
    }

    @Test
    void crawlersToolsHeadlessBrowsersAndMonitorsAreBots() {
        for (String ua : new String[] {
                "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
                "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36",
                "curl/8.5.0", "python-requests/2.31.0", "Go-http-client/1.1",
                "Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)",
                "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)"}) {
            Device d = AGENTS.parse(ua);
            assertThat(d.bot()).as(ua).isTrue();
            assertThat(d.role()).as(ua).startsWith("Bot - ");
        }
    }

    @Test
    void noUserAgentIsUnknownNotABot() {
        assertThat(AGENTS.parse(null).bot()).isFalse();
        assertThat(AGENTS.parse("").role()).isEqualTo("Unknown Device - Unknown Browser");
    }
}
