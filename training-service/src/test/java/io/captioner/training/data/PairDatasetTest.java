package io.captioner.training.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PairDatasetTest {

    private static PairEntry entry(String id, String sha, String... captions) {
        return new PairEntry(id, sha, List.of(captions), null);
    }

    @Test
    void shouldReplaceImageAndAllCaptionsWhenAnIdIsPublishedAgain() {
        // given
        PairDataset dataset = new PairDataset();
        dataset.put(0, 0, entry("a", "sha1", "a red circle", "a circle"));

        // when
        dataset.put(0, 1, entry("a", "sha2", "a blue square"));

        // then
        assertThat(dataset.size()).isEqualTo(1);
        assertThat(dataset.get("a").contentSha256()).isEqualTo("sha2");
        assertThat(dataset.get("a").captions()).containsExactly("a blue square");
    }

    @Test
    void shouldRemoveAnImageOnATombstoneAndOnALaterBadPair() {
        // given
        PairDataset dataset = new PairDataset();
        dataset.put(0, 0, entry("a", "sha1", "x"));
        dataset.put(1, 0, entry("b", "sha2", "y"));

        // when
        dataset.remove(0, 1, "a");
        dataset.skip(1, 1, "b", SkipReason.UNDECODABLE_IMAGE);

        // then
        assertThat(dataset.size()).isZero();
        assertThat(dataset.skippedCounts()).containsExactly(Map.entry("UNDECODABLE_IMAGE", 1L));
        assertThat(dataset.skippedIds().get(SkipReason.UNDECODABLE_IMAGE)).containsExactly("b");
    }

    @Test
    void shouldForgetASkipWhenTheIdGetsAGoodPair() {
        PairDataset dataset = new PairDataset();
        dataset.skip(0, 0, "a", SkipReason.EMPTY_CAPTION);

        dataset.put(0, 1, entry("a", "sha", "fixed"));

        assertThat(dataset.skippedCounts()).isEmpty();
        assertThat(dataset.size()).isEqualTo(1);
    }

    @Test
    void shouldCountOnlyChangesAtOrAfterTheBaselineAsNew() {
        // given: the last run included partition 0 up to offset 2 and partition 1 up to 1
        PairDataset dataset = new PairDataset();
        dataset.setBaseline(Map.of(0, 2L, 1, 1L));

        // when: the topic is read again from the beginning
        dataset.put(0, 0, entry("a", "s", "x"));
        dataset.put(0, 1, entry("b", "s", "x"));
        dataset.put(1, 0, entry("c", "s", "x"));
        dataset.put(0, 2, entry("d", "s", "x"));
        dataset.remove(1, 1, "c");

        // then
        assertThat(dataset.changes()).isEqualTo(2);
    }

    @Test
    void shouldMakeTheSnapshotsOffsetsTheNewBaselineSoLaterPairsCountTowardTheNextRun() {
        // given
        PairDataset dataset = new PairDataset();
        dataset.put(0, 0, entry("a", "s", "x"));
        dataset.put(2, 4, entry("b", "s", "x"));

        // when
        PairDataset.Snapshot snapshot = dataset.snapshot();
        dataset.put(0, 1, entry("c", "s", "x"));

        // then
        assertThat(snapshot.entries()).extracting(PairEntry::imageId).containsExactly("a", "b");
        assertThat(snapshot.offsets()).containsEntry(0, 1L).containsEntry(2, 5L);
        assertThat(dataset.changes()).isEqualTo(1);
        assertThat(snapshot.entries()).hasSize(2);
    }
}
