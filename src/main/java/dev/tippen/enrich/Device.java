package dev.tippen.enrich;

/**
 * What a User-Agent says: the device ("iPhone", "Samsung SM-S918B", "Desktop"), the operating system
 * and browser with their major versions, the short "Device - Browser" role line the original dashboard
 * shows, and whether it is a machine rather than a person.
 */
public record Device(String device, String os, String browser, String role, boolean bot) {
    public static final Device UNKNOWN = new Device(null, null, null, "Unknown Device - Unknown Browser", false);
}
