package dev.tippen.history;

import dev.tippen.enrich.Enrichment;
import dev.tippen.enrich.Profile;
import dev.tippen.visitor.Visitor;

/** Who made a visit, as known when it was recorded: the company and network, the place, the device. */
public record Facts(String company, String companyDomain, String network, Long asn, String country, String countryName,
                    String region, String city, String device, String os, String browser, boolean bot) {

    static final Facts NONE = new Facts(null, null, null, null, null, null, null, null, null, null, null, false);

    static Facts of(Visitor v) {
        Enrichment e = v.enrichment();
        Profile p = v.profile();
        if (p == null) return new Facts(e == null ? null : e.company(), null, null, null, null, null, null, null, null, null, null, false);
        return new Facts(e.company(), p.companyDomain(), p.network(), p.asn(), p.countryCode(), p.country(), p.region(), p.city(),
                p.device(), p.os(), p.browser(), p.bot());
    }

    /**
     * A company in the sense of the reports and notifications: a named network of kind business,
     * education or hosting. Not a consumer ISP, a private address, or a name guessed from a referrer.
     */
    public boolean namedCompany() {
        return company != null && !company.isBlank()
                && ("business".equals(network) || "education".equals(network) || "hosting".equals(network));
    }
}
