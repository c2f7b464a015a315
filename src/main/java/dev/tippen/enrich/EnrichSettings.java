package dev.tippen.enrich;

import java.time.Duration;

/**
 * How a server enriches visitors: which offline databases, how often to look for new files, whether
 * addresses are anonymised, whether bots are shown, and the optional paid provider
 * ({@code provider} null when there is none).
 */
public record EnrichSettings(
        IpDataFiles ipData,
        Duration reloadCheck,
        boolean anonymizeIp,
        boolean showBots,
        int userAgentCacheSize,
        String provider,
        String providerUrl,
        String providerKey,
        RemoteEnricher.Settings remote) {

    public static EnrichSettings defaults() {
        return new EnrichSettings(IpDataFiles.none(), Duration.ofSeconds(10), false, false, 10_000, null, null, null,
                RemoteEnricher.Settings.defaults());
    }

    public EnrichSettings withIpData(IpDataFiles files) {
        return new EnrichSettings(files, reloadCheck, anonymizeIp, showBots, userAgentCacheSize, provider, providerUrl,
                providerKey, remote);
    }

    public EnrichSettings withProvider(String name, String url, String key, RemoteEnricher.Settings s) {
        return new EnrichSettings(ipData, reloadCheck, anonymizeIp, showBots, userAgentCacheSize, name, url, key, s);
    }

    public EnrichSettings withPrivacy(boolean anonymize, boolean bots) {
        return new EnrichSettings(ipData, reloadCheck, anonymize, bots, userAgentCacheSize, provider, providerUrl,
                providerKey, remote);
    }

    public EnrichSettings withReloadCheck(Duration d) {
        return new EnrichSettings(ipData, d, anonymizeIp, showBots, userAgentCacheSize, provider, providerUrl,
                providerKey, remote);
    }
}
