package dev.tippen.enrich;

/**
 * What a paid provider said about one address. {@link #NONE} is a real answer too ("nothing known"),
 * cached like any other so that an unknown address is not asked about again and again.
 */
public record RemoteAnswer(
        String company,
        String domain,
        String network,
        Long asn,
        String asOrganization,
        String city,
        String region,
        String country,
        String countryCode,
        Double latitude,
        Double longitude) {
    public static final RemoteAnswer NONE = new RemoteAnswer(null, null, null, null, null, null, null, null, null, null, null);

    public boolean known() {
        return !equals(NONE);
    }

    /** The offline enrichment with this answer laid over it: the provider wins where it knows something. */
    public Enrichment over(Enrichment offline, String provider) {
        Profile o = offline.profile();
        String net = network != null ? network : o.network();
        String name = NetworkKinds.ISP.equals(net) ? null : company != null ? company : offline.company();
        boolean placed = city != null || countryCode != null;
        Place place = placed ? new Place(city, region, country, countryCode, latitude, longitude) : null;
        String label = place == null ? null : place.label();
        boolean bot = o.bot() || (NetworkKinds.HOSTING.equals(net) && o.browser() == null);
        Profile p = new Profile(
                asn != null ? asn : o.asn(),
                asOrganization != null ? asOrganization : o.asOrganization(),
                domain != null ? domain : o.companyDomain(),
                net,
                placed ? city : o.city(),
                placed ? region : o.region(),
                placed ? place.countryName() : o.country(),
                placed ? countryCode : o.countryCode(),
                placed ? latitude : o.latitude(),
                placed ? longitude : o.longitude(),
                o.device(), o.os(), o.browser(), bot, provider);
        return new Enrichment(name, label != null ? label : offline.location(), offline.role(), p);
    }
}
