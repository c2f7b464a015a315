package dev.tippen.engine.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A commit's recorded notices, joined per site into few outbox rows: nothing lost, nothing reordered within a site, bounds held. */
class RecordMergeTest {

    private static Write.Record record(String site, long at, int... items) {
        JsonArray a = new JsonArray();
        for (int i : items) a.add(new io.vertx.core.json.JsonObject().put("n", i));
        return new Write.Record(site, at, a.encode());
    }

    private static List<Integer> items(List<Write.Record> rows, String site) {
        List<Integer> out = new ArrayList<>();
        for (Write.Record r : rows) {
            if (!r.siteId().equals(site)) continue;
            for (Object o : new JsonArray(r.notices())) out.add(((io.vertx.core.json.JsonObject) o).getInteger("n"));
        }
        return out;
    }

    @Test
    void eachSitesNoticesStayInOrderWithinTheBounds() {
        List<Write.Record> in = new ArrayList<>();
        List<Integer> a = new ArrayList<>();
        List<Integer> b = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            in.add(record("a", 1000 + i, 2 * i, 2 * i + 1));
            a.add(2 * i);
            a.add(2 * i + 1);
            if (i % 3 == 0) {
                in.add(record("b", 2000 + i, i));
                b.add(i);
            }
            if (i % 7 == 0) in.add(new Write.Record("b", 3000 + i, "[]"));
        }
        List<Write.Record> out = GroupCommitWriter.merged(in);
        assertThat(items(out, "a")).isEqualTo(a);
        assertThat(items(out, "b")).isEqualTo(b);
        // 40 records of site a: three rows of at most 16 records.
        assertThat(out.stream().filter(r -> r.siteId().equals("a")).count()).isEqualTo(3);
        assertThat(out.stream().filter(r -> r.siteId().equals("b")).count()).isEqualTo(1);
        // A row's time is its last change's.
        assertThat(out.stream().filter(r -> r.siteId().equals("a")).mapToLong(Write.Record::at).max().orElseThrow()).isEqualTo(1039);
    }

    @Test
    void aRowNeverGrowsPastItsTextBound() {
        String big = "x".repeat(GroupCommitWriter.MERGE_CHARS / 3);
        List<Write.Record> in = new ArrayList<>();
        for (int i = 0; i < 6; i++) in.add(new Write.Record("s", i, new JsonArray().add(big).encode()));
        List<Write.Record> out = GroupCommitWriter.merged(in);
        assertThat(out).hasSizeGreaterThan(2);
        for (Write.Record r : out) assertThat(r.notices().length()).isLessThanOrEqualTo(GroupCommitWriter.MERGE_CHARS + 2);
        assertThat(out.stream().mapToInt(r -> new JsonArray(r.notices()).size()).sum()).isEqualTo(6);
    }
}
