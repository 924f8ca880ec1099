package io.captioner.streams;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberToRemove;
import org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes a replaced stream thread's static membership from the group. Kafka Streams gives the
 * replacement thread a new index, hence a new {@code group.instance.id}, and a static member that
 * dies does not leave: without this, the dead thread's partitions would wait for its session to
 * expire (45 s) after every replacement. Asynchronous, one request at a time; thread-safe.
 */
final class DeadMemberRemover implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DeadMemberRemover.class);
    private static final Pattern THREAD_INDEX = Pattern.compile("-StreamThread-(\\d+)$");

    private final Map<String, Object> adminConfig;
    private final String groupId;
    private final String instanceName;
    private final ExecutorService executor =
            Executors.newSingleThreadExecutor(
                    r -> {
                        Thread t = new Thread(r, "captioner-dead-member-remover");
                        t.setDaemon(true);
                        return t;
                    });

    DeadMemberRemover(Map<String, Object> adminConfig, String groupId, String instanceName) {
        this.adminConfig = Map.copyOf(adminConfig);
        this.groupId = groupId;
        this.instanceName = instanceName;
    }

    /** The member id of the stream thread named {@code threadName}, if it is one. */
    Optional<String> memberOf(String threadName) {
        Matcher m = THREAD_INDEX.matcher(threadName);
        return m.find() ? Optional.of(instanceName + "-" + m.group(1)) : Optional.empty();
    }

    /**
     * Asks the group coordinator to drop the static member of the dying thread {@code threadName}.
     */
    void removeMemberOf(String threadName) {
        memberOf(threadName).ifPresent(member -> executor.execute(() -> remove(member)));
    }

    private void remove(String member) {
        try (Admin admin = Admin.create(adminConfig)) {
            admin.removeMembersFromConsumerGroup(
                            groupId,
                            new RemoveMembersFromConsumerGroupOptions(
                                    Set.of(new MemberToRemove(member))))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            LOG.info(
                    "Removed the replaced stream thread's static member {} from {}",
                    member,
                    groupId);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // Not fatal: the member expires after its session timeout.
            LOG.warn(
                    "Could not remove static member {} from {}: {}", member, groupId, e.toString());
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
