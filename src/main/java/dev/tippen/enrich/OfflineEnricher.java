package dev.tippen.enrich;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.List;

/**
 * Answers from what is on this machine: the loaded IP databases and the User-Agent parser. Every
 * lookup is in memory; the databases are swapped whole by {@link #replace} when the files change.
 */
public final class OfflineEnricher {
    private final UserAgents agents;
    private final NetworkKinds kinds;
    private final Cache<AsnRecord, String> kindByAsn = Caffeine.newBuilder().maximumSize(50_000).build();
    private volatile IpData data;

    public OfflineEnricher(IpData data, UserAgents agents, NetworkKinds kinds) {
        this.data = data;
        this.agents = agents;
        this.kinds = kinds;
    }

    public static OfflineEnricher load(IpDataFiles files, int userAgentCacheSize) {
        return new OfflineEnricher(IpDataLoader.load(files), new UserAgents(userAgentCacheSize), NetworkKinds.standard());
    }

    /**
     * Installs a newly loaded generation. The old one is left to the collector rather than closed,
     * which unmaps its files: a lookup still running on it must be able to finish.
     */
    void replace(IpData next) {
        data = next;
        kindByAsn.invalidateAll();
    }

    public UserAgents agents() {
        return agents;
    }

    public List<String> sources() {
        return data.sources();
    }

    /**
     * Everything the offline data says about an address and a browser. With no IP database loaded the
     * company and location are the original backend's guesses: the referring or visited host, and the
     * browser's time zone.
     */
    public Enrichment lookup(String ip, String userAgent, String timezone, String url, String referrer) {
        return lookup(ip, agents.parse(userAgent), timezone, url, referrer);
    }

    /** The same, with the User-Agent already parsed (see {@link Enricher}: parsing can be slow). */
    public Enrichment lookup(String ip, Device device, String timezone, String url, String referrer) {
        IpData d = data;
        byte[] address = IpAddresses.parse(ip);
        // An address that is not on the internet is never looked up: the data would name someone else.
        boolean onInternet = address != null && IpAddresses.isPublic(ip);
        AsnRecord as = onInternet ? d.asn(address) : null;
        Place place = onInternet ? d.place(address) : null;
        String network = address != null && !onInternet ? NetworkKinds.PRIVATE : as == null ? null : kindByAsn.get(as, kinds::kindOf);
        boolean bot = device.bot() || (NetworkKinds.HOSTING.equals(network) && device.browser() == null);

        String company;
        if (!d.hasAsn()) company = OfflineEnrichment.company(url, referrer);
        else if (as == null || NetworkKinds.ISP.equals(network)) company = null;
        else company = as.organization();
        String label = place == null ? null : place.label();
        String location = label != null ? label : OfflineEnrichment.location(timezone);

        Profile profile = new Profile(
                as == null || as.asn() == 0 ? null : as.asn(),
                as == null ? null : as.organization(),
                as == null ? null : as.domain(),
                network,
                place == null ? null : place.city(),
                place == null ? null : place.region(),
                place == null ? null : place.countryName(),
                place == null ? null : place.countryCode(),
                place == null ? null : place.latitude(),
                place == null ? null : place.longitude(),
                device.device(), device.os(), device.browser(), bot, "offline");
        return new Enrichment(company, location, device.role(), profile);
    }
}
