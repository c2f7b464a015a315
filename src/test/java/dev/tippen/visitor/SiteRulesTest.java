package dev.tippen.visitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tippen.enrich.Enrichment;
import dev.tippen.enrich.Profile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The rules as a table: every event against every state a visitor can be in, then the cases around them. */
class SiteRulesTest {
    static final long GRACE = 10_000;
    static final SiteRules RULES = rules(false, GRACE);
    static final String PAGE = "https://shop.example/a";
    static final String LOAD = "load-a";

    static SiteRules rules(boolean showBots, long graceMillis) {
        return new SiteRules(new SiteSettings(Duration.ofMinutes(30), Duration.ofSeconds(5), Duration.ofMinutes(5), 1000,
                showBots, Duration.ofMillis(graceMillis), Duration.ofMinutes(30)));
    }

    static VisitorEvent event(EventType type, String url, String pageLoadId) {
        return new VisitorEvent(type, "v1", "shop.example", new Page(url, "https://www.google.com/", "Title of " + url),
                new Browser("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) AppleWebKit Safari/604.1", null, null, "Asia/Tokyo"),
                "2026-01-01T00:00:00Z", "203.0.113.9", null, pageLoadId);
    }

    static VisitorEvent event(EventType type) {
        return event(type, PAGE, LOAD);
    }

    // ---- the states a visitor can be in, each reached through the rules themselves ----------------------

    enum State {
        NONE, ACTIVE, INVITED, IN_CALL, LEFT, EXITING;

        Visitor make() {
            Visitor active = RULES.track(null, event(EventType.PAGEVIEW), 1_000, null).after();
            return switch (this) {
                case NONE -> null;
                case ACTIVE -> active;
                case INVITED -> RULES.invite(active, "inv_1", "https://meet.example/1", Sender.API_KEY, false, 2_000).after();
                case IN_CALL -> RULES.track(INVITED.make(), event(EventType.VIDEO_ACCEPTED), 3_000, null).after();
                case EXITING -> RULES.track(active, event(EventType.EXIT), 2_000, null).after();
                case LEFT -> RULES.settle(EXITING.make(), 2_000 + GRACE).after();
            };
        }
    }

    static Stream<Arguments> table() {
        // state, event, status after (null: no visitor), page views after, notices
        return Stream.of(
                row(State.NONE, EventType.PAGEVIEW, "active", 1, "VisitorChanged", "PageViewed"),
                row(State.NONE, EventType.HEARTBEAT, "active", 1, "VisitorChanged", "PageViewed"),
                row(State.NONE, EventType.EXIT, null, 0),
                row(State.NONE, EventType.VIDEO_ACCEPTED, "in_call", 1, "VisitorChanged", "PageViewed"),
                row(State.NONE, EventType.VIDEO_DECLINED, "active", 1, "VisitorChanged", "PageViewed"),

                row(State.ACTIVE, EventType.PAGEVIEW, "active", 2, "VisitorChanged", "PageViewed"),
                row(State.ACTIVE, EventType.HEARTBEAT, "active", 1, "VisitorChanged"),
                row(State.ACTIVE, EventType.EXIT, "active", 1),
                row(State.ACTIVE, EventType.VIDEO_ACCEPTED, "in_call", 1, "VisitorChanged"),
                row(State.ACTIVE, EventType.VIDEO_DECLINED, "active", 1, "VisitorChanged"),

                row(State.INVITED, EventType.PAGEVIEW, "video_invited", 2, "VisitorChanged", "PageViewed"),
                row(State.INVITED, EventType.HEARTBEAT, "video_invited", 1, "VisitorChanged"),
                row(State.INVITED, EventType.EXIT, "video_invited", 1),
                row(State.INVITED, EventType.VIDEO_ACCEPTED, "in_call", 1, "VisitorChanged", "InviteAnswered"),
                row(State.INVITED, EventType.VIDEO_DECLINED, "active", 1, "VisitorChanged", "InviteAnswered"),

                row(State.IN_CALL, EventType.PAGEVIEW, "in_call", 2, "VisitorChanged", "PageViewed"),
                row(State.IN_CALL, EventType.HEARTBEAT, "in_call", 1, "VisitorChanged"),
                row(State.IN_CALL, EventType.EXIT, "in_call", 1),
                row(State.IN_CALL, EventType.VIDEO_ACCEPTED, "in_call", 1, "VisitorChanged"),
                row(State.IN_CALL, EventType.VIDEO_DECLINED, "active", 1, "VisitorChanged"),

                // Coming back after a real exit is a new visit.
                row(State.LEFT, EventType.PAGEVIEW, "active", 1, "VisitorChanged", "PageViewed"),
                row(State.LEFT, EventType.HEARTBEAT, "active", 1, "VisitorChanged", "PageViewed"),
                row(State.LEFT, EventType.EXIT, "left", 1),
                row(State.LEFT, EventType.VIDEO_ACCEPTED, "in_call", 1, "VisitorChanged", "PageViewed"),
                row(State.LEFT, EventType.VIDEO_DECLINED, "active", 1, "VisitorChanged", "PageViewed"),

                // Within an exit's grace the visitor is still there; the next page view calls the exit off.
                row(State.EXITING, EventType.PAGEVIEW, "active", 2, "VisitorChanged", "PageViewed"),
                row(State.EXITING, EventType.HEARTBEAT, "active", 1, "VisitorChanged"),
                row(State.EXITING, EventType.EXIT, "active", 1),
                row(State.EXITING, EventType.VIDEO_ACCEPTED, "in_call", 1, "VisitorChanged"),
                row(State.EXITING, EventType.VIDEO_DECLINED, "active", 1, "VisitorChanged"));
    }

    static Arguments row(State state, EventType type, String status, int pageViews, String... notices) {
        return Arguments.of(state, type, status, pageViews, List.of(notices));
    }

    @ParameterizedTest(name = "{0} + {1} -> {2}")
    @MethodSource("table")
    void everyEventInEveryState(State state, EventType type, String status, int pageViews, List<String> notices) {
        Visitor before = state.make();
        Change c = RULES.track(before, event(type), 5_000, null);
        if (status == null) {
            assertThat(c.after()).isNull();
        } else {
            assertThat(c.after().status()).isEqualTo(status);
            assertThat(c.after().pageViews()).isEqualTo(pageViews);
        }
        assertThat(kinds(c)).isEqualTo(notices);
        if (c.after() != null && c.writes()) {
            assertThat(c.after().lastActivity()).as("the server's clock decides activity").isEqualTo(5_000);
        }
    }

    static List<String> kinds(Change c) {
        return c.notices().stream().map(n -> n.getClass().getSimpleName()).toList();
    }

    // ---- page views and heartbeats -------------------------------------------------------------------------

    @Test
    void heartbeatsAreNotPageViewsAndOnlyTouchActivity() {
        Visitor v = RULES.track(null, event(EventType.PAGEVIEW), 1_000, null).after();
        assertThat(v.firstSeen()).isEqualTo(1_000);
        assertThat(v.enrichment().role()).isEqualTo("iPhone - Safari");
        assertThat(v.enrichment().company()).isEqualTo("google.com");
        Change beat = RULES.track(v, event(EventType.HEARTBEAT, "https://shop.example/ignored", LOAD), 2_000, null);
        assertThat(beat.activityOnly()).isTrue();
        assertThat(beat.after().pageViews()).isEqualTo(1);
        assertThat(beat.after().page().url()).as("a heartbeat does not move the visitor").isEqualTo(PAGE);
        assertThat(beat.after().lastActivity()).isEqualTo(2_000);
        Visitor next = RULES.track(beat.after(), event(EventType.PAGEVIEW, "https://shop.example/b", "load-b"), 3_000, null).after();
        assertThat(next.pageViews()).isEqualTo(2);
        assertThat(next.page().url()).isEqualTo("https://shop.example/b");
        assertThat(next.visit().trail()).extracting(PageVisit::url).containsExactly(PAGE, "https://shop.example/b");
        assertThat(next.visit().trail().get(0).seconds(next.lastActivity())).isEqualTo(2);
        assertThat(next.visit().trail().get(1).seconds(60_000)).isEqualTo(57);
    }

    @Test
    void theTrailKeepsTheLastPagesWithinItsBounds() {
        Visitor v = RULES.track(null, event(EventType.PAGEVIEW), 0, null).after();
        for (int i = 1; i <= 30; i++) {
            v = RULES.track(v, event(EventType.PAGEVIEW, "https://shop.example/p" + i + "/" + "x".repeat(2000), "l" + i),
                    i * 1000L, null).after();
        }
        List<PageVisit> trail = v.visit().trail();
        assertThat(trail.size()).isLessThanOrEqualTo(Visit.MAX_PAGES);
        assertThat(trail.get(trail.size() - 1).url()).startsWith("https://shop.example/p30/").hasSize(Visit.TRAIL_URL_MAX);
        assertThat(trail.stream().mapToLong(PageVisit::chars).sum()).isLessThanOrEqualTo(Visit.MAX_TRAIL_CHARS);
        assertThat(v.pageViews()).isEqualTo(31);
    }

    @Test
    void campaignTagsComeFromTheEntryPage() {
        Visitor v = RULES.track(null, event(EventType.PAGEVIEW,
                "https://shop.example/?utm_source=news&utm_medium=email&utm_campaign=fall%20sale&x=1#top", LOAD), 0, null).after();
        assertThat(v.visit().utm()).isEqualTo(new Utm("news", "email", "fall sale", null, null));
        assertThat(v.visit().entryReferrer()).isEqualTo("https://www.google.com/");
        Visitor later = RULES.track(v, event(EventType.PAGEVIEW, "https://shop.example/b?utm_source=other", "l2"), 1, null).after();
        assertThat(later.visit().utm().source()).as("the entry's tags stay").isEqualTo("news");
        assertThat(Utm.of("https://x.example/?q=1")).isNull();
        assertThat(Utm.of("https://x.example/?utm_source=%zz")).isEqualTo(new Utm("%zz", null, null, null, null));
    }

    @Test
    void aVisitorSeenAgainAfterTheGapStartsANewVisit() {
        Visitor v = RULES.track(null, event(EventType.PAGEVIEW), 0, null).after();
        long later = Duration.ofMinutes(30).toMillis();
        Change c = RULES.track(v, event(EventType.PAGEVIEW, "https://shop.example/b", "l2"), later, null);
        assertThat(c.after().visit().visitId()).isNotEqualTo(v.visit().visitId());
        assertThat(c.after().pageViews()).isEqualTo(1);
        assertThat(c.after().firstSeen()).isEqualTo(later);
        assertThat(kinds(c)).containsExactly("VisitEnded", "VisitorChanged", "PageViewed");
        Notice.VisitEnded ended = (Notice.VisitEnded) c.notices().get(0);
        assertThat(ended.endedAt()).isEqualTo(0);
        assertThat(ended.reason()).isEqualTo(Removal.INACTIVE);
    }

    @Test
    void theSameVisitGetsTheSameIdWhenDecidedAgain() {
        Visitor a = RULES.track(null, event(EventType.PAGEVIEW), 42, null).after();
        Visitor b = RULES.track(null, event(EventType.PAGEVIEW), 42, null).after();
        assertThat(a.visit().visitId()).isEqualTo(b.visit().visitId()).startsWith("vis_");
    }

    // ---- exits -----------------------------------------------------------------------------------------------

    @Test
    void anExitWaitsOutItsGraceThenTakesTheVisitorOffTheList() {
        Visitor exiting = State.EXITING.make();
        assertThat(exiting.live()).isTrue();
        assertThat(RULES.settleAt(exiting)).isEqualTo(2_000 + GRACE);
        assertThat(RULES.settle(exiting, 2_000 + GRACE - 1).writes()).as("not yet").isFalse();
        Change left = RULES.settle(exiting, 2_000 + GRACE);
        assertThat(left.after().status()).isEqualTo(VisitorStatus.LEFT);
        assertThat(kinds(left)).containsExactly("VisitorChanged", "VisitorsRemoved", "VisitEnded");
        assertThat(((Notice.VisitorsRemoved) left.notices().get(1)).reason()).isEqualTo(Removal.EXIT);
        assertThat(((Notice.VisitEnded) left.notices().get(2)).endedAt()).isEqualTo(2_000);
        assertThat(RULES.settleAt(left.after())).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aLateExitOfThePageBeforeChangesNothing() {
        Visitor a = RULES.track(null, event(EventType.PAGEVIEW, PAGE, "load-a"), 0, null).after();
        Visitor b = RULES.track(a, event(EventType.PAGEVIEW, "https://shop.example/b", "load-b"), 100, null).after();
        assertThat(RULES.track(b, event(EventType.EXIT, PAGE, "load-a"), 150, null).writes()).as("by page load").isFalse();
        // An older tracker sends no page-load id: the page it names tells.
        Visitor c = RULES.track(null, event(EventType.PAGEVIEW, PAGE, null), 0, null).after();
        Visitor d = RULES.track(c, event(EventType.PAGEVIEW, "https://shop.example/b", null), 100, null).after();
        assertThat(RULES.track(d, event(EventType.EXIT, PAGE, null), 150, null).writes()).as("by page").isFalse();
        Change current = RULES.track(d, event(EventType.EXIT, "https://shop.example/b", null), 160, null);
        assertThat(current.after().visit().exitAt()).isEqualTo(160);
    }

    @Test
    void aHeartbeatFromTheExitedPageLoadCallsTheExitOff() {
        Visitor exiting = State.EXITING.make();
        assertThat(RULES.track(exiting, event(EventType.HEARTBEAT, PAGE, LOAD), 3_000, null).after().visit().exitAt()).isNull();
        assertThat(RULES.track(exiting, event(EventType.HEARTBEAT, PAGE, "other"), 3_000, null).after().visit().exitAt()).isNotNull();
    }

    @Test
    void aHeartbeatThatNamesNoPageLoadCallsTheExitOff() {
        // The original tracker names no page load: its page is the only one, so any sign of life is it.
        Visitor v = RULES.track(null, event(EventType.PAGEVIEW, PAGE, null), 0, null).after();
        Visitor leaving = RULES.socketsClosed(v, 100, 100).after();
        assertThat(RULES.track(leaving, event(EventType.HEARTBEAT, PAGE, null), 200, null).after().visit().exitAt()).isNull();
    }

    @Test
    void theLastSocketClosingIsAnExitThatAReturnCallsOff() {
        Visitor v = State.ACTIVE.make();
        Change closed = RULES.socketsClosed(v, 5_000, 5_010);
        assertThat(closed.notices()).isEmpty();
        assertThat(closed.after().visit().exitAt()).isEqualTo(5_010);
        assertThat(closed.after().lastActivity()).as("closing is not activity").isEqualTo(v.lastActivity());
        assertThat(RULES.settleAt(closed.after())).isEqualTo(5_010 + GRACE);
        Change left = RULES.settle(closed.after(), 5_010 + GRACE);
        assertThat(kinds(left)).containsExactly("VisitorChanged", "VisitorsRemoved", "VisitEnded");
        assertThat(((Notice.VisitorsRemoved) left.notices().get(1)).reason()).isEqualTo(Removal.EXIT);

        // A socket back inside the grace: the visitor stays.
        Change back = RULES.socketOpened(closed.after());
        assertThat(back.after().visit().exitAt()).isNull();
        assertThat(RULES.socketOpened(v).writes()).as("nothing to call off").isFalse();
        // An event after the close (the next page's view came first): nothing is leaving.
        assertThat(RULES.socketsClosed(v, v.lastActivity() - 1, 5_010).writes()).isFalse();
        // Already leaving by an exit: that exit's time stands.
        Visitor exiting = State.EXITING.make();
        assertThat(RULES.socketsClosed(exiting, 9_000, 9_000).writes()).isFalse();
        assertThat(RULES.socketsClosed(null, 9_000, 9_000).writes()).isFalse();
        assertThat(RULES.socketsClosed(State.LEFT.make(), 99_000, 99_000).writes()).isFalse();
        // No grace: the close takes effect at once.
        assertThat(rules(false, 0).socketsClosed(v, 5_000, 5_000).after().status()).isEqualTo(VisitorStatus.LEFT);
    }

    @Test
    void aVisitEndsWhenTheGapPassesWithoutEvents() {
        SiteRules gap = new SiteRules(new SiteSettings(Duration.ofMinutes(30), Duration.ofSeconds(5), Duration.ofMinutes(5), 1000,
                false, Duration.ofMillis(GRACE), Duration.ofSeconds(4)));
        Visitor v = gap.track(null, event(EventType.PAGEVIEW), 1_000, null).after();
        assertThat(gap.settleAt(v)).isEqualTo(5_000);
        Visitor beat = gap.track(v, event(EventType.HEARTBEAT), 3_000, null).after();
        assertThat(gap.settleAt(beat)).as("an event moves it").isEqualTo(7_000);
        assertThat(gap.settle(beat, 6_999).writes()).isFalse();
        Change ended = gap.settle(beat, 7_000);
        assertThat(ended.after().live()).isFalse();
        assertThat(kinds(ended)).containsExactly("VisitorsRemoved", "VisitEnded");
        assertThat(((Notice.VisitEnded) ended.notices().get(1)).endedAt()).isEqualTo(3_000);
        assertThat(gap.settleAt(ended.after())).isEqualTo(Long.MAX_VALUE);
        // The next event is a new visit, and the old one is not ended twice.
        Change again = gap.track(ended.after(), event(EventType.PAGEVIEW), 9_000, null);
        assertThat(again.after().visit().visitId()).isNotEqualTo(beat.visit().visitId());
        assertThat(kinds(again)).doesNotContain("VisitEnded");
        // With the gap as long as the TTL (the default), the TTL's sweep ends visits: nothing is due.
        assertThat(RULES.settleAt(State.ACTIVE.make())).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void withoutGraceAnExitTakesEffectAtOnce() {
        SiteRules now = rules(false, 0);
        Visitor v = now.track(null, event(EventType.PAGEVIEW), 0, null).after();
        Change c = now.track(v, event(EventType.EXIT), 10, null);
        assertThat(c.after().status()).isEqualTo(VisitorStatus.LEFT);
        assertThat(kinds(c)).containsExactly("VisitorChanged", "VisitorsRemoved", "VisitEnded");
    }

    // ---- invites ---------------------------------------------------------------------------------------------

    @Test
    void anInviteGoesOnlyToALiveVisitorAndLapsesUnanswered() {
        assertThatThrownBy(() -> RULES.invite(null, "inv", "https://m.example/", Sender.API_KEY, false, 0)).isInstanceOf(SiteRefusal.class);
        assertThatThrownBy(() -> RULES.invite(State.LEFT.make(), "inv", "https://m.example/", Sender.API_KEY, false, 0)).isInstanceOf(SiteRefusal.class);
        Change sent = RULES.invite(State.ACTIVE.make(), "inv_1", "https://meet.example/1", Sender.API_KEY, false, 2_000);
        assertThat(kinds(sent)).containsExactly("InviteSent", "VisitorChanged");
        Visitor invited = sent.after();
        assertThat(invited.pendingInvite().expiresAt()).isEqualTo(2_000 + Duration.ofMinutes(5).toMillis());
        assertThat(RULES.settleAt(invited)).isEqualTo(invited.pendingInvite().expiresAt());
        Change lapsed = RULES.settle(invited, invited.pendingInvite().expiresAt());
        assertThat(lapsed.after().status()).isEqualTo(VisitorStatus.ACTIVE);
        assertThat(lapsed.after().lastEvent()).isEqualTo("invite_expired");
        assertThat(lapsed.after().pendingInvite()).isNull();
        assertThat(lapsed.after().calls().invites().get(0).outcome()).isEqualTo(InviteRecord.EXPIRED);
        assertThat(kinds(lapsed)).containsExactly("VisitorChanged", "InviteLapsed");
    }

    @Test
    void answersCloseTheInviteWithTheirOutcome() {
        Visitor accepted = State.IN_CALL.make();
        assertThat(accepted.calls().invites()).extracting(InviteRecord::outcome).containsExactly(InviteRecord.ACCEPTED);
        Visitor declined = RULES.track(State.INVITED.make(), event(EventType.VIDEO_DECLINED), 4_000, null).after();
        assertThat(declined.calls().invites().get(0).outcome()).isEqualTo(InviteRecord.DECLINED);
        assertThat(declined.calls().invites().get(0).answeredAt()).isEqualTo(4_000);
        assertThat(declined.calls().declinedAt()).isEqualTo(4_000);
    }

    @Test
    void aNewerInviteReplacesAPendingOne() {
        Visitor invited = State.INVITED.make();
        Change again = RULES.invite(invited, "inv_2", "https://meet.example/2", Sender.API_KEY, false, 2_500);
        assertThat(kinds(again)).containsExactly("InviteLapsed", "InviteSent", "VisitorChanged");
        assertThat(again.after().calls().invites()).extracting(InviteRecord::outcome)
                .containsExactly(InviteRecord.EXPIRED, InviteRecord.PENDING);
        assertThat(again.after().calls().guestUrl()).isEqualTo("https://meet.example/2");
    }

    @Test
    void aLapseLeavesAVisitorThatIsNoLongerWaitingAsItIs() {
        Visitor inCall = State.IN_CALL.make();
        assertThat(inCall.pendingInvite()).isNull();
        assertThat(RULES.settle(inCall, Long.MAX_VALUE / 2).writes()).isFalse();
    }

    // ---- bots ---------------------------------------------------------------------------------------------

    static final Function<Boolean, Lookup> LOOKUP = bot -> e -> new Enrichment("Org", "Somewhere",
            bot ? "Bot - Crawler" : "Mac - Safari", new Profile(64500L, "Org", null, "hosting", null, null, null, "DE", null, null,
            bot ? "Bot" : "Desktop", null, bot ? null : "Safari 17", bot, "offline"));

    @Test
    void botsAreStoredButNotShownUnlessTheServerShowsThem() {
        Change hidden = RULES.track(null, event(EventType.PAGEVIEW), 0, LOOKUP.apply(true));
        assertThat(hidden.after().bot()).isTrue();
        assertThat(kinds(hidden)).as("recorded, not shown").containsExactly("PageViewed");
        Change shown = rules(true, GRACE).track(null, event(EventType.PAGEVIEW), 0, LOOKUP.apply(true));
        assertThat(kinds(shown)).containsExactly("VisitorChanged", "PageViewed");
    }

    @Test
    void aVisitorFoundOutToBeABotLeavesTheList() {
        Visitor person = RULES.track(null, event(EventType.PAGEVIEW), 0, LOOKUP.apply(false)).after();
        Enrichment bot = LOOKUP.apply(true).lookup(event(EventType.PAGEVIEW));
        Change c = RULES.enrich(person, "203.0.113.9", bot);
        assertThat(kinds(c)).containsExactly("VisitorsRemoved", "FactsChanged");
        assertThat(((Notice.VisitorsRemoved) c.notices().get(0)).reason()).isEqualTo(Removal.BOT);
        assertThat(RULES.enrich(person, "198.51.100.1", bot).writes()).as("moved on: the answer is stale").isFalse();
    }

    @Test
    void theVisitorIsLookedUpWhenNewAndWhenItMovesNotOnEveryEvent() {
        List<String> asked = new ArrayList<>();
        Lookup lookup = e -> {
            asked.add(e.ip());
            return LOOKUP.apply(false).lookup(e);
        };
        Visitor v = RULES.track(null, event(EventType.PAGEVIEW), 1, lookup).after();
        v = RULES.track(v, event(EventType.HEARTBEAT), 2, lookup).after();
        v = RULES.track(v, event(EventType.PAGEVIEW, "https://shop.example/b", "l2"), 3, lookup).after();
        assertThat(asked).containsExactly("203.0.113.9");
        VisitorEvent moved = event(EventType.HEARTBEAT);
        moved = new VisitorEvent(moved.type(), moved.visitorId(), moved.website(), moved.page(), moved.browser(),
                moved.clientTimestamp(), "198.51.100.4", null, LOAD);
        Change c = RULES.track(v, moved, 4, lookup);
        assertThat(asked).containsExactly("203.0.113.9", "198.51.100.4");
        assertThat(c.activityOnly()).isFalse();
        assertThat(kinds(c)).containsExactly("VisitorChanged", "FactsChanged");
    }

    // ---- expiry and erasure ---------------------------------------------------------------------------------

    @Test
    void theSweepRemovesTheIdleAndTellsOnceWithTheListThatRemains() {
        Visitor idle = State.INVITED.make();
        Visitor left = State.LEFT.make();
        Visitor bot = RULES.track(null, new VisitorEvent(EventType.PAGEVIEW, "b1", null, Page.NONE, Browser.NONE, null,
                "198.51.100.9", null, null), 0, LOOKUP.apply(true)).after();
        Visitor stays = RULES.track(null, new VisitorEvent(EventType.PAGEVIEW, "v2", null, Page.NONE, Browser.NONE, null, null,
                null, null), 9_000, null).after();
        assertThat(RULES.expired(idle, 1_000 + Duration.ofMinutes(30).toMillis())).isTrue();
        assertThat(RULES.expired(stays, 1_000 + Duration.ofMinutes(30).toMillis())).isFalse();
        List<Notice> notices = RULES.expiry(List.of(idle, left), List.of(stays, bot), 5_000_000);
        assertThat(notices).extracting(n -> n.getClass().getSimpleName())
                .containsExactly("VisitorsRemoved", "ListRefreshed", "VisitEnded", "InviteLapsed");
        assertThat(((Notice.VisitorsRemoved) notices.get(0)).visitorIds()).as("the departed one was off the list already")
                .containsExactly("v1");
        Notice.ListRefreshed list = (Notice.ListRefreshed) notices.get(1);
        assertThat(list.visitors()).containsExactly(stays);
        assertThat(list.hiddenBots()).isEqualTo(1);
    }

    @Test
    void erasingRemovesALiveVisitorFromTheList() {
        Change c = RULES.erase(State.ACTIVE.make());
        assertThat(c.after()).isNull();
        assertThat(kinds(c)).containsExactly("VisitorsRemoved");
        assertThat(((Notice.VisitorsRemoved) c.notices().get(0)).reason()).isEqualTo(Removal.ERASED);
    }
}
