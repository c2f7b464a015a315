package dev.tippen.visitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A call in Tippen through the rules: sent, joined, connected, ended, each once, and what the record says. */
class CallRulesTest {
    static final SiteRules RULES = SiteRulesTest.RULES;
    static final Sender ANN = new Sender("u_ann", "Ann");

    static Visitor invited(long now) {
        return RULES.invite(SiteRulesTest.State.ACTIVE.make(), "call_1", "https://tippen.example/call/call_1", ANN, true, now).after();
    }

    @Test
    void aCallGoesFromInvitedToConnectingConnectedAndEndedOnce() {
        Visitor v = invited(2_000);
        InviteRecord sent = v.calls().invite("call_1");
        assertThat(sent.tippenCall()).isTrue();
        assertThat(sent.callState()).isEqualTo("invited");

        Change joined = RULES.callJoined(v, "call_1", 3_000);
        v = joined.after();
        assertThat(v.status()).isEqualTo(VisitorStatus.IN_CALL);
        assertThat(v.calls().invite("call_1").callState()).isEqualTo("connecting");
        assertThat(joined.notices()).anyMatch(n -> n instanceof Notice.InviteAnswered);
        assertThat(RULES.callJoined(v, "call_1", 3_100).notices()).as("joining again changes nothing").isEmpty();

        Change connected = RULES.callConnected(v, "call_1", 4_000);
        v = connected.after();
        assertThat(v.calls().invite("call_1").callState()).isEqualTo("connected");
        assertThat(connected.notices()).anyMatch(n -> n instanceof Notice.CallProgressed);
        assertThat(RULES.callConnected(v, "call_1", 5_000).notices()).isEmpty();

        Change ended = RULES.callEnded(v, "call_1", CallProgress.VISITOR_HUNG_UP, 9_000);
        v = ended.after();
        CallProgress done = v.calls().invite("call_1").call();
        assertThat(done).isEqualTo(new CallProgress(4_000L, 9_000L, CallProgress.VISITOR_HUNG_UP));
        assertThat(v.status()).isEqualTo(VisitorStatus.ACTIVE);
        assertThat(RULES.callEnded(v, "call_1", CallProgress.LOST, 10_000).notices()).as("the first end stands").isEmpty();
    }

    @Test
    void aCallThatNeverConnectedFailsAndOneNotJoinedIsCalledOff() {
        Visitor joined = RULES.callJoined(invited(2_000), "call_1", 3_000).after();
        assertThat(RULES.callEnded(joined, "call_1", CallProgress.LOST, 20_000).after().calls().invite("call_1").call().endReason())
                .isEqualTo(CallProgress.FAILED);

        Change cancelled = RULES.callEnded(invited(2_000), "call_1", CallProgress.AGENT_HUNG_UP, 4_000);
        InviteRecord call = cancelled.after().calls().invite("call_1");
        assertThat(call.outcome()).isEqualTo(InviteRecord.EXPIRED);
        assertThat(call.call().endReason()).isEqualTo(CallProgress.CANCELLED);
        assertThat(cancelled.after().status()).isEqualTo(VisitorStatus.ACTIVE);
        assertThat(cancelled.notices()).anyMatch(n -> n instanceof Notice.InviteLapsed).anyMatch(n -> n instanceof Notice.CallProgressed);
    }

    @Test
    void aVisitorInACallGetsNoOtherInviteAndCannotJoinAnotherVisitorsCall() {
        Visitor inCall = RULES.callJoined(invited(2_000), "call_1", 3_000).after();
        assertThatThrownBy(() -> RULES.invite(inCall, "inv_2", "https://meet.example/x", ANN, false, 4_000))
                .isInstanceOfSatisfying(SiteRefusal.class, r -> assertThat(r.reason()).isEqualTo(SiteRefusal.Reason.BUSY));
        assertThatThrownBy(() -> RULES.callJoined(inCall, "call_other", 4_000)).isInstanceOf(SiteRefusal.class);
        // A meeting elsewhere is no call to join.
        Visitor meeting = RULES.invite(SiteRulesTest.State.ACTIVE.make(), "inv_3", "https://meet.example/x", ANN, false, 2_000).after();
        assertThatThrownBy(() -> RULES.callJoined(meeting, "inv_3", 3_000)).isInstanceOf(SiteRefusal.class);
        // An invite past its time cannot be joined.
        assertThatThrownBy(() -> RULES.callJoined(invited(2_000), "call_1", 2_000 + 5 * 60_000 + 1)).isInstanceOf(SiteRefusal.class);
    }

    @Test
    void aVisitorWhoLeavesMidCallLosesTheCall() {
        Visitor connected = RULES.callConnected(RULES.callJoined(invited(2_000), "call_1", 3_000).after(), "call_1", 4_000).after();
        List<Notice> swept = RULES.expiry(List.of(connected), List.of(), 60_000);
        assertThat(swept).anyMatch(n -> n instanceof Notice.CallProgressed p && CallProgress.LOST.equals(p.invite().call().endReason()));
    }
}
